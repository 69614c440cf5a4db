/**
 * The ambient data plane as the program declares it: dev switched with one key, and a sidecar mesh
 * moving one namespace. What is installed, in which order, and what each namespace gets.
 */
import * as assert from "assert";
import { GATEWAY_API } from "../versions";
import { ISTIO_REPOSITORY } from "./expected";
import { sharedRun, stackConfig, stackRun } from "./harness";
import { at } from "./program-fixtures";

/** A shipped stack's config with `meshstack:<area>` changed by `change`. */
function withArea(stack: string, area: string, change: (value: Record<string, unknown>) => Record<string, unknown>): Record<string, string> {
    const config = stackConfig(stack);
    const key = `meshstack:${area}`;
    return { ...config, [key]: JSON.stringify(change(JSON.parse(config[key] ?? "{}") as Record<string, unknown>)) };
}

const ambientDev = () => sharedRun("dev-ambient", "dev", () => withArea("dev", "istio", (istio) => ({ ...istio, dataPlane: "ambient" })));

/** prod with its `backend` namespace moved to ambient (its services declare no sidecar size). */
const migratingProd = () =>
    sharedRun("prod-backend-ambient", "prod", () =>
        withArea("prod", "mesh", (mesh) => ({
            ...mesh,
            namespaces: (mesh.namespaces as Array<Record<string, unknown>>).map((namespace) =>
                namespace.name === "backend" ? { ...namespace, dataPlane: "ambient" } : namespace,
            ),
        })),
    );

describe("ambient: what is installed", () => {
    it("dev with one key: the Gateway API's CRDs, istiod with the ambient profile, then istio-cni, then ztunnel", async () => {
        const run = await ambientDev();
        const gatewayApi = run.resource("meshstack-istio-gateway-api");
        assert.deepStrictEqual([gatewayApi.type, gatewayApi.inputs.file], ["kubernetes:yaml/v2:ConfigFile", GATEWAY_API.manifest]);
        assert.deepStrictEqual(
            gatewayApi.transforms.map((transform) => transform.name),
            ["retain and adopt CustomResourceDefinition"],
        );
        assert.strictEqual(at(run.resource("meshstack-istio-istiod").inputs, "values.profile"), "ambient");
        assert.ok(run.resource("meshstack-istio-istiod").dependsOn.includes("meshstack-istio-gateway-api"));
        assert.deepStrictEqual(run.resource("meshstack-istio-cni").inputs, {
            chart: "cni",
            version: "1.31.1",
            repositoryOpts: ISTIO_REPOSITORY,
            name: "istio-cni",
            namespace: "istio-system",
            values: { profile: "ambient", resources: { requests: { cpu: "100m", memory: "100Mi" }, limits: { cpu: "500m", memory: "512Mi" } } },
        });
        assert.deepStrictEqual(run.resource("meshstack-istio-cni").dependsOn, ["meshstack-istio-istiod"]);
        assert.deepStrictEqual(run.resource("meshstack-istio-ztunnel").inputs, {
            chart: "ztunnel",
            version: "1.31.1",
            repositoryOpts: ISTIO_REPOSITORY,
            name: "ztunnel",
            namespace: "istio-system",
            values: {
                profile: "ambient",
                istioNamespace: "istio-system",
                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "2000m", memory: "512Mi" } },
            },
        });
        assert.deepStrictEqual(run.resource("meshstack-istio-ztunnel").dependsOn, ["meshstack-istio-istiod", "meshstack-istio-cni"]);
    });

    it("labels each ambient namespace for ztunnel, gives it no Sidecar, and its services' pods no annotations", async () => {
        const run = await ambientDev();
        for (const namespace of ["shop", "backend"]) {
            assert.deepStrictEqual(at(run.resource(`meshstack-ns-${namespace}-namespace`).inputs, "metadata.labels"), {
                "app.kubernetes.io/part-of": "meshstack",
                "istio.io/dataplane-mode": "ambient",
            });
            assert.strictEqual(run.resources.filter((resource) => resource.name === `meshstack-ns-${namespace}-sidecar`).length, 0);
        }
        assert.deepStrictEqual(
            Object.values(run.outputs.services as Record<string, { sidecarAnnotations: object }>).map((service) => service.sidecarAnnotations),
            [{}, {}, {}],
        );
        assert.deepStrictEqual(at(run.resource("meshstack-demo-v1").inputs, "spec.template.metadata.annotations"), {});
    });

    it("a sidecar mesh moving one namespace: ambient's charts, one namespace each way", async () => {
        const run = await migratingProd();
        assert.deepStrictEqual(
            ["meshstack-istio-gateway-api", "meshstack-istio-cni", "meshstack-istio-ztunnel"].map((name) => run.resource(name).name),
            ["meshstack-istio-gateway-api", "meshstack-istio-cni", "meshstack-istio-ztunnel"],
        );
        assert.deepStrictEqual(
            ["shop", "backend"].map((namespace) => at(run.resource(`meshstack-ns-${namespace}-namespace`).inputs, "metadata.labels")),
            [
                { "app.kubernetes.io/part-of": "meshstack", "istio-injection": "enabled" },
                { "app.kubernetes.io/part-of": "meshstack", "istio.io/dataplane-mode": "ambient" },
            ],
        );
        assert.deepStrictEqual(
            run.resources.filter((resource) => resource.name.endsWith("-sidecar")).map((resource) => resource.name),
            ["meshstack-ns-shop-sidecar"],
        );
    });

    it("a sidecar stack installs none of it", async () => {
        const run = await stackRun("prod");
        assert.deepStrictEqual(
            run.resources.filter((resource) => /gateway-api|-cni$|ztunnel/.test(resource.name)).map((resource) => resource.name),
            [],
        );
        assert.strictEqual(at(run.resource("meshstack-istio-istiod").inputs, "values.profile"), undefined);
    });
});
