/**
 * The webhook wait: the istiod chart's webhook configurations get `pulumi.com/waitFor` on their CA
 * bundle (the mock engine runs no transforms, so the transform is tested on its own, and the chart is
 * checked to carry it).
 */
import * as admissionregistrationv1 from "@pulumi/kubernetes/admissionregistration/v1";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { WEBHOOK_CONFIGURATION_TYPES, waitForWebhookCaBundles } from "../lib/webhooks";
import { stackRun } from "./harness";

const transform = waitForWebhookCaBundles();

function transformArgs(type: string, props: Record<string, unknown>): pulumi.ResourceTransformArgs {
    return { custom: true, type, name: `meshstack-istio-istiod:${type}`, props, opts: { retainOnDelete: false } };
}

describe("istiod's webhooks are callable before the first Istio object", () => {
    it("waits for every webhook's CA bundle on the validating configuration, keeping the chart's annotations and options", () => {
        const props = { metadata: { name: "istio-validator-istio-system", annotations: { "helm.sh/x": "y" } }, webhooks: [{ name: "rev.validation.istio.io" }] };
        assert.deepStrictEqual(transform(transformArgs(WEBHOOK_CONFIGURATION_TYPES[0], props)), {
            props: {
                metadata: {
                    name: "istio-validator-istio-system",
                    annotations: { "helm.sh/x": "y", "pulumi.com/waitFor": "jsonpath={.webhooks[*].clientConfig.caBundle}" },
                },
                webhooks: [{ name: "rev.validation.istio.io" }],
            },
            opts: { retainOnDelete: false },
        });
    });

    it("and on the sidecar injector, which has no annotations of its own", () => {
        const result = transform(transformArgs(WEBHOOK_CONFIGURATION_TYPES[1], { metadata: { name: "istio-sidecar-injector" } }));
        assert.deepStrictEqual(result?.props.metadata, {
            name: "istio-sidecar-injector",
            annotations: { "pulumi.com/waitFor": "jsonpath={.webhooks[*].clientConfig.caBundle}" },
        });
    });

    it("matches the type tokens the Kubernetes SDK registers webhook configurations with", () => {
        const tokens = [admissionregistrationv1.ValidatingWebhookConfiguration, admissionregistrationv1.MutatingWebhookConfiguration].map(
            (type) => (type as unknown as { __pulumiType: string }).__pulumiType,
        );
        assert.deepStrictEqual(tokens, [...WEBHOOK_CONFIGURATION_TYPES]);
    });

    for (const type of ["kubernetes:apps/v1:Deployment", "kubernetes:core/v1:ConfigMap", "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy"]) {
        it(`leaves ${type} alone`, () => {
            assert.strictEqual(transform(transformArgs(type, { metadata: {} })), undefined);
        });
    }

    it("is on the istiod chart, and not on the base chart (whose validator exists before istiod)", async () => {
        const run = await stackRun("prod");
        assert.deepStrictEqual(run.resource("meshstack-istio-istiod").transforms.map((entry) => entry.name), ["wait for the webhooks' CA bundle"]);
        assert.deepStrictEqual(run.resource("meshstack-istio-base").transforms.map((entry) => entry.name), ["retain and adopt CustomResourceDefinition"]);
    });
});
