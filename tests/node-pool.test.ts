/**
 * The node pool in the real program: node patches, the StorageClass, the PriorityClass, the pre-flight
 * Jobs, every meshstack pod pinned to the pool, and the capacity budget; and the pool's bad config.
 */
import * as assert from "assert";
import { POOL_SELECTOR } from "./expected";
import { OVERRIDE_TAINTS, overriddenProdRun, ProgramRun, runProgram, shippedRuns } from "./harness";
import { at, stackWithPool } from "./program-fixtures";

/** The gate script's hash, computed here from the file: a new script must replace the Jobs. */

const POOL_LABELS = { "meshstack.io/pool": "mesh", "meshstack.io/cpu": "dedicated", "meshstack.io/disk": "nvme" };

/** Where each chart takes the placement of its pods (checked against the 1.31 charts with `helm template`). */
const POD_PLACEMENT_PATHS: Record<string, { nodeSelector: string; tolerations: string; priorityClassName: string; spread: string } | "renders no pods"> = {
    base: "renders no pods", // CRDs, a ServiceAccount, the validating webhook configuration
    istiod: {
        nodeSelector: "nodeSelector",
        tolerations: "tolerations",
        priorityClassName: "global.priorityClassName",
        spread: "topologySpreadConstraints",
    },
    gateway: {
        nodeSelector: "nodeSelector",
        tolerations: "tolerations",
        priorityClassName: "priorityClassName",
        spread: "topologySpreadConstraints",
    },
    prometheus: {
        nodeSelector: "server.nodeSelector",
        tolerations: "server.tolerations",
        priorityClassName: "server.priorityClassName",
        spread: "server.topologySpreadConstraints",
    },
    "kiali-server": {
        nodeSelector: "deployment.node_selector",
        tolerations: "deployment.tolerations",
        priorityClassName: "deployment.priority_class_name",
        spread: "deployment.topology_spread_constraints",
    },
};

/** Every pod template a directly declared object carries (Jobs, Deployments, …). */
function podSpecs(run: ProgramRun): Array<[string, Record<string, unknown>]> {
    return run.resources
        .filter((resource) => at(resource.inputs, "spec.template.spec") !== undefined)
        .map((resource) => [resource.name, at(resource.inputs, "spec.template.spec") as Record<string, unknown>]);
}


describe("node pool", () => {
    let dev: ProgramRun;
    let prod: ProgramRun;

    beforeEach(async () => ({ dev, prod } = await shippedRuns()));

    it("reads each node before patching it, so that a misspelt node fails the preview", () => {
        const reads = prod.resources.filter((resource) => resource.readId !== undefined).map((resource) => [resource.type, resource.readId]);
        assert.deepStrictEqual(reads, [
            ["kubernetes:core/v1:Node", "mesh-1"],
            ["kubernetes:core/v1:Node", "mesh-2"],
            ["kubernetes:core/v1:Node", "mesh-3"],
        ]);
    });

    it("patches every node with exactly the pool's labels and nothing else (no taints configured)", () => {
        const patches = prod.ofType("kubernetes:core/v1:NodePatch").map((patch) => patch.inputs);
        assert.deepStrictEqual(
            patches,
            ["mesh-1", "mesh-2", "mesh-3"].map((name) => ({ apiVersion: "v1", kind: "Node", metadata: { name, labels: POOL_LABELS } })),
        );
    });

    it("taints every node with exactly the configured taints, which every meshstack pod tolerates", async () => {
        const tolerations = [
            { key: "meshstack.io/pool", operator: "Equal", value: "mesh", effect: "NoSchedule" },
            { key: "dedicated", operator: "Exists", effect: "NoExecute" },
        ];
        const run = await overriddenProdRun();
        const patches = run.ofType("kubernetes:core/v1:NodePatch");
        assert.strictEqual(patches.length, 3);
        for (const patch of patches) {
            assert.deepStrictEqual(at(patch.inputs, "spec.taints"), OVERRIDE_TAINTS, patch.name);
        }
        for (const chart of run.ofType("kubernetes:helm.sh/v4:Chart")) {
            const paths = POD_PLACEMENT_PATHS[chart.inputs.chart as string];
            if (paths !== "renders no pods") {
                assert.deepStrictEqual(at(chart.inputs.values, paths.tolerations), tolerations, chart.name);
            }
        }
        for (const [name, spec] of podSpecs(run)) {
            assert.deepStrictEqual(spec.tolerations, tolerations, name);
        }
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: pins every pod meshstack declares to the pool; a chart without a known placement fails`, () => {
            const run = stack === "dev" ? dev : prod;
            const nodes = (run.outputs.poolNodes as string[]).slice();
            for (const chart of run.ofType("kubernetes:helm.sh/v4:Chart")) {
                const paths = POD_PLACEMENT_PATHS[chart.inputs.chart as string];
                assert.ok(paths !== undefined, `chart ${String(chart.inputs.chart)} has no known placement paths: add them here`);
                if (paths === "renders no pods") {
                    continue;
                }
                const values = chart.inputs.values;
                assert.deepStrictEqual(at(values, paths.nodeSelector), POOL_SELECTOR, chart.name);
                assert.deepStrictEqual(at(values, paths.tolerations), [], chart.name);
                assert.strictEqual(at(values, paths.priorityClassName), "meshstack-mesh-critical", chart.name);
                const spread = at(values, paths.spread) as Array<{ topologyKey: string }>;
                assert.deepStrictEqual(spread.map((constraint) => constraint.topologyKey), ["kubernetes.io/hostname"], chart.name);
            }
            // A gate per node, in prod the Prometheus volume's folder Job, and in dev the demo's three
            // Deployments; the quorum only reads the API and may run on any node.
            const pods = podSpecs(run).filter(([name]) => name !== "meshstack-pool-preflight-quorum");
            assert.strictEqual(pods.length, nodes.length + (stack === "dev" ? 3 : 1));
            for (const [name, spec] of pods) {
                const pinned =
                    nodes.includes(spec.nodeName as string) ||
                    JSON.stringify(spec.nodeSelector) === JSON.stringify(POOL_SELECTOR);
                assert.ok(pinned, `${name} runs off the pool`);
            }
        });
    }

    it("declares the NVMe StorageClass: wait for the consumer, never delete the data", () => {
        assert.deepStrictEqual(prod.resource("meshstack-pool-nvme").inputs, {
            apiVersion: "storage.k8s.io/v1",
            kind: "StorageClass",
            metadata: { name: "meshstack-nvme", labels: { "app.kubernetes.io/part-of": "meshstack" } },
            provisioner: "kubernetes.io/no-provisioner",
            volumeBindingMode: "WaitForFirstConsumer",
            reclaimPolicy: "Retain",
            allowVolumeExpansion: false,
        });
    });

    it("declares the mesh's PriorityClass, above applications and below the system classes", () => {
        assert.deepStrictEqual(prod.resource("meshstack-pool-priority").inputs, {
            apiVersion: "scheduling.k8s.io/v1",
            kind: "PriorityClass",
            metadata: { name: "meshstack-mesh-critical", labels: { "app.kubernetes.io/part-of": "meshstack" } },
            value: 1000000,
            globalDefault: false,
            preemptionPolicy: "PreemptLowerPriority",
            description: "meshstack's mesh infrastructure (istiod, gateways, addons): above application pods.",
        });
    });

    it("exports the mesh's overhead for dev and prod", () => {
        // Each declared service's sidecars count at the size it declares (prod's checkout: 50m/64Mi), the others at the mesh's,
        // and the addons at their requests.
        assert.deepStrictEqual(dev.outputs.meshOverhead, {
            cpuMillicores: 820,
            memoryMiB: 2048,
            pool: { cpuMillicores: 4000, memoryMiB: 8192 },
            sharePercent: { cpu: 20.5, memory: 25 },
            maxSharePercent: 30,
            withinBudget: true,
            workloads: [
                { name: "sidecars", replicas: 5, cpuMillicores: 250, memoryMiB: 480 },
                { name: "sidecars of shop/checkout", replicas: 2, cpuMillicores: 100, memoryMiB: 192 },
                { name: "sidecars of backend/inventory-service", replicas: 1, cpuMillicores: 50, memoryMiB: 96 },
                { name: "sidecars of shop/helloworld", replicas: 3, cpuMillicores: 150, memoryMiB: 288 },
                // dev's 12 proxies (11 meshed pods, 1 gateway pod): istiod's floors, lib/sizing.ts.
                { name: "istiod", replicas: 1, cpuMillicores: 100, memoryMiB: 256 },
                { name: "egress gateway", replicas: 1, cpuMillicores: 50, memoryMiB: 64 },
                { name: "prometheus", replicas: 1, cpuMillicores: 100, memoryMiB: 576 },
                { name: "prometheus config reloader", replicas: 1, cpuMillicores: 10, memoryMiB: 32 },
                { name: "kiali", replicas: 1, cpuMillicores: 10, memoryMiB: 64 },
            ],
        });
        assert.deepStrictEqual(prod.outputs.meshOverhead, {
            cpuMillicores: 5540,
            memoryMiB: 6496,
            pool: { cpuMillicores: 36000, memoryMiB: 147456 },
            sharePercent: { cpu: 15.4, memory: 4.4 },
            maxSharePercent: 30,
            withinBudget: true,
            workloads: [
                { name: "sidecars", replicas: 34, cpuMillicores: 1700, memoryMiB: 3264 },
                { name: "sidecars of shop/checkout", replicas: 4, cpuMillicores: 200, memoryMiB: 256 },
                { name: "sidecars of backend/inventory-service", replicas: 2, cpuMillicores: 100, memoryMiB: 192 },
                // prod's 45 proxies (40 meshed pods, 5 gateway pods at most): the 256Mi floor; the autoscaler's 500m.
                { name: "istiod", replicas: 5, cpuMillicores: 2500, memoryMiB: 1280 },
                { name: "egress gateway", replicas: 5, cpuMillicores: 500, memoryMiB: 640 },
                { name: "prometheus", replicas: 1, cpuMillicores: 500, memoryMiB: 704 },
                { name: "prometheus config reloader", replicas: 1, cpuMillicores: 10, memoryMiB: 32 },
                { name: "kiali", replicas: 1, cpuMillicores: 30, memoryMiB: 128 },
            ],
        });
    });

    it("refuses a mesh over its budget with the figures and what to change, before declaring anything", async () => {
        await assert.rejects(runProgram("prod", stackWithPool("prod", { budget: { meshedPods: 200 } })), {
            message:
                'meshstack: the config of stack "prod" has 1 problem; nothing was changed. Fix them in Pulumi.prod.yaml:\n' +
                "  - meshstack:nodePool.budget.maxMeshPercent: the mesh requests 13,840m CPU (38.4 % of the pool's " +
                "36,000m) and 22,880 MiB memory (15.5 % of 147,456 MiB), above the 30 % budget. Add nodes or bigger " +
                "ones to meshstack:nodePool.nodes, lower meshstack:nodePool.budget.meshedPods or the services' replicas, " +
                "the requests in meshstack:istio (proxy, istiod, egressGateway) or their maxReplicas, or raise this share.",
            declared: [],
        });
    });
});
