/**
 * An app team's Pulumi program that builds on meshstack's outputs, read through a StackReference and
 * typed by the outputs contract (contract/outputs.ts; copy it, or depend on this repository):
 * - it checks that the external host it calls is on the mesh's egress allowlist, and fails the preview
 *   with the request to make if not;
 * - it deploys checkout v2 with the sidecar size the platform declared for it (pod annotations) and
 *   the labels its DestinationRule subset selects.
 */
import * as appsv1 from "@pulumi/kubernetes/apps/v1";
import * as pulumi from "@pulumi/pulumi";
import type { MeshstackOutputs } from "../../contract/outputs";

const config = new pulumi.Config();
/** The meshstack stack to build on, e.g. `organization/meshstack/prod`. */
const meshStackName = config.get("meshStack") ?? "organization/meshstack/prod";
const mesh = new pulumi.StackReference(meshStackName);

/** One meshstack output, typed by the contract. */
function meshOutput<K extends keyof MeshstackOutputs>(name: K): pulumi.Output<MeshstackOutputs[K]> {
    return mesh.getOutput(name) as pulumi.Output<MeshstackOutputs[K]>;
}

/** The external host checkout calls. */
const PAYMENT_HOST = { host: "api.stripe.com", port: 443 };

export const paymentHostAllowed = meshOutput("egress").apply((egress) => {
    const allowed = egress.allowlist.some((entry) => entry.host === PAYMENT_HOST.host && entry.port === PAYMENT_HOST.port);
    if (!allowed) {
        throw new Error(
            `${PAYMENT_HOST.host}:${PAYMENT_HOST.port} is not on the mesh's egress allowlist (${meshStackName}): ask the ` +
                `platform team to add it to meshstack:mesh.egress, with the reason.`,
        );
    }
    return allowed;
});

const checkout = meshOutput("services").apply((services) => {
    const service = services["shop/checkout"];
    if (service === undefined) {
        throw new Error(`meshstack stack ${meshStackName} routes no shop/checkout: ask for it in meshstack:services.`);
    }
    return service;
});

const labels = { app: "checkout", version: "v2" };
const deployment = new appsv1.Deployment("checkout-v2", {
    metadata: { name: "checkout-v2", namespace: "shop", labels },
    spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
            metadata: { labels, annotations: checkout.sidecarAnnotations },
            spec: {
                containers: [
                    {
                        name: "checkout",
                        image: "registry.example.eu/shop/checkout:2.0.0",
                        ports: [{ containerPort: 8080 }],
                        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
                    },
                ],
            },
        },
    },
});

export const checkoutHost = checkout.host;
export const deploymentName = deployment.metadata.name;
