/**
 * The real program with config that differs from the shipped stacks: another Istio patch, renamed
 * namespaces, no config at all, only a node pool.
 */
import * as assert from "assert";
import { expectedSpread, GATEWAY_RESOURCES, ISTIO_REPOSITORY, POOL_PLACEMENT } from "./expected";
import { overriddenProdRun, runProgram, stackConfig } from "./harness";

const CHART = "kubernetes:helm.sh/v4:Chart";
const NAMESPACE = "kubernetes:core/v1:Namespace";

describe("with config overrides", () => {
    it("installs every Istio chart at the stack's version", async () => {
        const run = await overriddenProdRun();
        const istioCharts = run.ofType(CHART).filter((chart) => JSON.stringify(chart.inputs.repositoryOpts) === JSON.stringify(ISTIO_REPOSITORY));
        const versions = istioCharts.map((chart) => [chart.name, chart.inputs.version]);
        assert.deepStrictEqual(versions, [
            ["meshstack-istio-base", "1.31.4"],
            ["meshstack-istio-istiod", "1.31.4"],
            ["meshstack-egress-gateway", "1.31.4"],
        ]);
        assert.strictEqual(run.outputs.istioVersion, "1.31.4");
    });

    it("renames both namespaces everywhere they are used", async () => {
        const run = await overriddenProdRun();
        const namespaces = run.ofType(NAMESPACE).map((namespace) => (namespace.inputs.metadata as { name: string }).name);
        // shop is adopted (a NamespacePatch) in this run.
        assert.deepStrictEqual(namespaces, ["meshstack-preflight", "mesh-system", "mesh-egress", "backend"]);
        const placed = run.ofType(CHART).map((chart) => [chart.name, chart.inputs.namespace]);
        assert.deepStrictEqual(placed, [
            ["meshstack-istio-base", "mesh-system"],
            ["meshstack-istio-istiod", "mesh-system"],
            ["meshstack-egress-gateway", "mesh-egress"],
            ["meshstack-observability-prometheus", "mesh-system"],
            ["meshstack-observability-kiali", "mesh-system"],
        ]);
        assert.deepStrictEqual(run.resource("meshstack-istio-base").inputs.values, {
            global: { istioNamespace: "mesh-system" },
            base: { validationFailurePolicy: "Fail" },
        });
        assert.deepStrictEqual(
            (run.resource("meshstack-ns-backend-sidecar").inputs.spec as { egress: unknown }).egress,
            [{ hosts: ["./*", "mesh-system/*", "mesh-egress/*", "kube-system/*"] }],
        );
        assert.strictEqual(
            (run.resource("meshstack-egress-allowlist-gateway-destination").inputs.spec as { host: string }).host,
            "istio-egressgateway.mesh-egress.svc.cluster.local",
        );
        assert.strictEqual(run.outputs.istiodHost, "istiod.mesh-system.svc.cluster.local");
        assert.strictEqual(run.outputs.egressGatewayHost, "istio-egressgateway.mesh-egress.svc.cluster.local");
    });

    it("without a node pool, declares nothing and names the key to set", async () => {
        await assert.rejects(runProgram("prod", {}), {
            message:
                'meshstack: the config of stack "prod" has 1 problem; nothing was changed. Fix them in Pulumi.prod.yaml:\n' +
                "  - meshstack:nodePool.nodes: the pool has no nodes. List the nodes the mesh runs on, each with " +
                "name, vcpus and memory (and nvmeMountPath), e.g. `pulumi config set --path " +
                "'meshstack:nodePool.nodes[0].name' node-1`.",
            declared: [],
        });
    });

    it("with only a node pool, deploys the secure, highly available defaults", async () => {
        const run = await runProgram("prod", { "meshstack:nodePool": stackConfig("prod")["meshstack:nodePool"] });
        const istiod = run.resource("meshstack-istio-istiod").inputs.values as Record<string, unknown>;
        assert.deepStrictEqual(
            [istiod.replicaCount, istiod.autoscaleEnabled, istiod.autoscaleMin, istiod.autoscaleMax],
            [2, true, 2, 5],
        );
        assert.deepStrictEqual(run.resource("meshstack-egress-gateway").inputs.values, {
            replicaCount: 2,
            autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 5 },
            resources: GATEWAY_RESOURCES,
            service: { type: "ClusterIP" },
            labels: { istio: "egressgateway" },
            podDisruptionBudget: { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" },
            ...POOL_PLACEMENT,
            topologySpreadConstraints: expectedSpread({ app: "istio-egressgateway", istio: "egressgateway" }),
            priorityClassName: "meshstack-mesh-critical",
        });
    });
});
