/**
 * The node pool in the real program: node patches, the StorageClass, the PriorityClass, the pre-flight
 * Jobs, every meshstack pod pinned to the pool, and the capacity budget; and the pool's bad config.
 */
import * as assert from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { POOL_SELECTOR } from "./expected";
import { OVERRIDE_TAINTS, overriddenProdRun, PROJECT_ROOT, ProgramRun, runProgram, sharedRun, stackConfig, stackRun } from "./harness";

/** The gate script's hash, computed here from the file: a new script must replace the Jobs. */
/** The gate's two files, as the ConfigMap ships them, and their hash as the Jobs carry it. */
const SCRIPTS = Object.fromEntries(["preflight.js", "verdicts.js"].map((file) => [file, fs.readFileSync(path.join(PROJECT_ROOT, "preflight", file), "utf8")]));
const SCRIPT_SHA256 = createHash("sha256").update(JSON.stringify(SCRIPTS)).digest("hex");

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

function at(values: unknown, dottedPath: string): unknown {
    return dottedPath.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], values);
}

/** Every pod template a directly declared object carries (Jobs, Deployments, …). */
function podSpecs(run: ProgramRun): Array<[string, Record<string, unknown>]> {
    return run.resources
        .filter((resource) => at(resource.inputs, "spec.template.spec") !== undefined)
        .map((resource) => [resource.name, at(resource.inputs, "spec.template.spec") as Record<string, unknown>]);
}

function withPool(stack: string, pool: Record<string, unknown>): Record<string, string> {
    const config = stackConfig(stack);
    const shipped = JSON.parse(config["meshstack:nodePool"]) as Record<string, unknown>;
    return { ...config, "meshstack:nodePool": JSON.stringify({ ...shipped, ...pool }) };
}

describe("node pool", () => {
    let dev: ProgramRun;
    let prod: ProgramRun;

    before(async () => {
        dev = await stackRun("dev");
        prod = await stackRun("prod");
    });

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

    it("ships the very script files the unit tests load", () => {
        assert.deepStrictEqual(prod.resource("meshstack-pool-preflight-script").inputs, {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "meshstack-preflight", namespace: "meshstack-preflight", labels: { "app.kubernetes.io/part-of": "meshstack" } },
            data: SCRIPTS,
        });
    });

    it("runs one gate per node, pinned by name, non-root, read-only, bounded, with a token that can write its verdict", () => {
        const jobs = prod.ofType("kubernetes:batch/v1:Job").filter((job) => job.name.startsWith("meshstack-pool-preflight-"));
        assert.deepStrictEqual(
            jobs.map((job) => [job.name, at(job.inputs, "spec.template.spec.nodeName"), job.dependsOn]),
            [
                ["meshstack-pool-preflight-mesh-1", "mesh-1", ["meshstack-pool-preflight-script", "meshstack-pool-preflight-binding", "meshstack-pool-node-mesh-1-existing"]],
                ["meshstack-pool-preflight-mesh-2", "mesh-2", ["meshstack-pool-preflight-script", "meshstack-pool-preflight-binding", "meshstack-pool-node-mesh-2-existing"]],
                ["meshstack-pool-preflight-mesh-3", "mesh-3", ["meshstack-pool-preflight-script", "meshstack-pool-preflight-binding", "meshstack-pool-node-mesh-3-existing"]],
                [
                    "meshstack-pool-preflight-quorum",
                    undefined,
                    ["meshstack-pool-preflight-jobs-binding", "meshstack-pool-preflight-mesh-1", "meshstack-pool-preflight-mesh-2", "meshstack-pool-preflight-mesh-3"],
                ],
            ],
        );
        const labels = { "app.kubernetes.io/name": "meshstack-preflight", "app.kubernetes.io/part-of": "meshstack" };
        assert.deepStrictEqual(jobs[1].inputs, {
            apiVersion: "batch/v1",
            kind: "Job",
            metadata: {
                name: "preflight-mesh-2",
                namespace: "meshstack-preflight",
                labels,
                // Pulumi does not wait (the quorum does), and frees the name at once for a replacement.
                annotations: { "pulumi.com/replaceUnready": "true", "pulumi.com/skipAwait": "true", "pulumi.com/deletionPropagationPolicy": "background" },
            },
            spec: {
                backoffLimit: 0,
                activeDeadlineSeconds: 300,
                template: {
                    metadata: {
                        labels: { ...labels, "sidecar.istio.io/inject": "false" },
                        annotations: { "meshstack.io/preflight-script-sha256": SCRIPT_SHA256 },
                    },
                    spec: {
                        nodeName: "mesh-2",
                        restartPolicy: "Never",
                        terminationGracePeriodSeconds: 5,
                        serviceAccountName: "meshstack-preflight",
                        automountServiceAccountToken: true,
                        tolerations: [],
                        securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
                        containers: [
                            {
                                name: "preflight",
                                image: "node:24.21.0-alpine",
                                command: ["node", "/opt/meshstack/preflight.js"],
                                env: [
                                    { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
                                    { name: "MAX_STEAL_PERCENT", value: "2" },
                                    { name: "MAX_FSYNC_P99_MS", value: "10" },
                                    { name: "STEAL_SAMPLE_SECONDS", value: "10" },
                                    { name: "FSYNC_WRITES", value: "2000" },
                                    { name: "FSYNC_WRITE_BYTES", value: "2300" },
                                    { name: "FSYNC_DIR", value: "/nvme" },
                                ],
                                resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
                                securityContext: {
                                    allowPrivilegeEscalation: false,
                                    readOnlyRootFilesystem: true,
                                    capabilities: { drop: ["ALL"] },
                                },
                                volumeMounts: [
                                    { name: "script", mountPath: "/opt/meshstack", readOnly: true },
                                    { name: "nvme", mountPath: "/nvme" },
                                ],
                            },
                        ],
                        volumes: [
                            { name: "script", configMap: { name: "meshstack-preflight" } },
                            { name: "nvme", hostPath: { path: "/mnt/nvme/.meshstack-preflight", type: "DirectoryOrCreate" } },
                        ],
                    },
                },
            },
        });
    });

    it("labels a node without waiting for its gate: the gate's verdict, not the pool label, admits it", () => {
        assert.deepStrictEqual(prod.resource("meshstack-pool-node-mesh-2").dependsOn, ["meshstack-pool-node-mesh-2-existing"]);
    });

    it("lets the gates write a verdict on the pool's nodes, by name, and nothing else", () => {
        const account = { name: "meshstack-preflight", labels: { "app.kubernetes.io/part-of": "meshstack" } };
        assert.deepStrictEqual(prod.resource("meshstack-pool-preflight-account").inputs, {
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: { ...account, namespace: "meshstack-preflight" },
        });
        assert.deepStrictEqual(prod.resource("meshstack-pool-preflight-role").inputs, {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRole",
            metadata: account,
            rules: [{ apiGroups: [""], resources: ["nodes"], resourceNames: ["mesh-1", "mesh-2", "mesh-3"], verbs: ["get", "patch"] }],
        });
        // The gates' Jobs, read by the quorum: in their namespace only.
        assert.deepStrictEqual(prod.resource("meshstack-pool-preflight-jobs-role").inputs, {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "Role",
            metadata: { ...account, namespace: "meshstack-preflight" },
            rules: [{ apiGroups: ["batch"], resources: ["jobs"], resourceNames: ["preflight-mesh-1", "preflight-mesh-2", "preflight-mesh-3"], verbs: ["get"] }],
        });
        assert.deepStrictEqual(prod.resource("meshstack-pool-preflight-jobs-binding").inputs, {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: { ...account, namespace: "meshstack-preflight" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "meshstack-preflight" },
            subjects: [{ kind: "ServiceAccount", name: "meshstack-preflight", namespace: "meshstack-preflight" }],
        });
        assert.deepStrictEqual(prod.resource("meshstack-pool-preflight-binding").inputs, {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRoleBinding",
            metadata: account,
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "meshstack-preflight" },
            subjects: [{ kind: "ServiceAccount", name: "meshstack-preflight", namespace: "meshstack-preflight" }],
        });
    });

    it("waits for enough passed nodes for the replicas (2 of prod's 3, 1 of dev's 1), not for all, and for Prometheus's node", () => {
        const env = (run: ProgramRun): unknown => at(run.resource("meshstack-pool-preflight-quorum").inputs, "spec.template.spec.containers.0.env");
        // prod's gates may take 300 s: the quorum waits for them a minute longer.
        assert.deepStrictEqual(env(prod), [
            { name: "PREFLIGHT_MODE", value: "quorum" },
            { name: "POOL_NODES", value: "mesh-1,mesh-2,mesh-3" },
            { name: "GATE_JOBS", value: "preflight-mesh-1,preflight-mesh-2,preflight-mesh-3" },
            { name: "GATE_NAMESPACE", value: "meshstack-preflight" },
            { name: "GATE_WAIT_SECONDS", value: "360" },
            { name: "REQUIRED_PASSED", value: "2" },
            { name: "MUST_PASS", value: '{"mesh-1":"it holds the local volume prometheus"}' },
        ]);
        assert.deepStrictEqual(env(dev), [
            { name: "PREFLIGHT_MODE", value: "quorum" },
            { name: "POOL_NODES", value: "dev-mesh-1" },
            { name: "GATE_JOBS", value: "preflight-dev-mesh-1" },
            { name: "GATE_NAMESPACE", value: "meshstack-preflight" },
            { name: "GATE_WAIT_SECONDS", value: "360" },
            { name: "REQUIRED_PASSED", value: "1" },
            { name: "MUST_PASS", value: "{}" },
        ]);
        const quorum = prod.resource("meshstack-pool-preflight-quorum").inputs as {
            metadata: object;
            spec: { backoffLimit: number; activeDeadlineSeconds: number; template: { metadata: { annotations: Record<string, string> }; spec: Record<string, unknown> } };
        };
        assert.deepStrictEqual(quorum.metadata, {
            name: "preflight-quorum",
            namespace: "meshstack-preflight",
            labels: { "app.kubernetes.io/name": "meshstack-preflight", "app.kubernetes.io/part-of": "meshstack", "app.kubernetes.io/component": "quorum" },
            // Pulumi waits for the quorum as long as it may take.
            annotations: { "pulumi.com/replaceUnready": "true", "pulumi.com/timeoutSeconds": "720" },
        });
        // 360 s of waiting for the gates, and 5 minutes for its own pod to be placed and pulled.
        assert.deepStrictEqual([quorum.spec.backoffLimit, quorum.spec.activeDeadlineSeconds], [0, 660]);
        assert.deepStrictEqual(
            [quorum.spec.template.spec.nodeName, quorum.spec.template.spec.serviceAccountName, quorum.spec.template.spec.volumes],
            [undefined, "meshstack-preflight", [{ name: "script", configMap: { name: "meshstack-preflight" } }]],
        );
        assert.deepStrictEqual(Object.keys(quorum.spec.template.metadata.annotations).sort(), ["meshstack.io/preflight-gates-sha256", "meshstack.io/preflight-script-sha256"]);
        assert.strictEqual(quorum.spec.template.metadata.annotations["meshstack.io/preflight-script-sha256"], SCRIPT_SHA256);
    });

    it("replaces the quorum when a gate changes (its limits), so it counts the new verdicts", async () => {
        const stricter = await sharedRun("prod-strict-gates", "prod", () => withPool("prod", { preflight: { maxStealPercent: 1 } }));
        const hashOf = (run: ProgramRun): unknown => at(run.resource("meshstack-pool-preflight-quorum").inputs, "spec.template.metadata.annotations");
        const [before, after] = [hashOf(prod), hashOf(stricter)] as Array<Record<string, string>>;
        assert.match(before["meshstack.io/preflight-gates-sha256"], /^[0-9a-f]{64}$/);
        assert.notStrictEqual(after["meshstack.io/preflight-gates-sha256"], before["meshstack.io/preflight-gates-sha256"]);
        assert.strictEqual(after["meshstack.io/preflight-script-sha256"], before["meshstack.io/preflight-script-sha256"]);
    });

    it("dev: applies the dev stack's own steal limit", () => {
        const env = at(dev.resource("meshstack-pool-preflight-dev-mesh-1").inputs, "spec.template.spec.containers") as Array<{
            env: Array<{ name: string; value?: string }>;
        }>;
        assert.deepStrictEqual(env[0].env.find((variable) => variable.name === "MAX_STEAL_PERCENT"), { name: "MAX_STEAL_PERCENT", value: "5" });
    });

    it("dev with the gates switched off: no Jobs, pods select the pool label alone; Istio still waits for the PriorityClass and the labels", async () => {
        const run = await runProgram("dev", withPool("dev", { preflight: { enabled: false } }));
        assert.deepStrictEqual(run.ofType("kubernetes:batch/v1:Job"), []);
        assert.deepStrictEqual(at(run.resource("meshstack-istio-istiod").inputs, "values.nodeSelector"), { "meshstack.io/pool": "mesh" });
        // Still after the PriorityClass and the labelled node, without which the pods could not start.
        const pool = ["meshstack-pool-priority", "meshstack-pool-node-dev-mesh-1"];
        assert.deepStrictEqual(run.resource("meshstack-istio-istiod").dependsOn, ["meshstack-istio-base", ...pool]);
        assert.deepStrictEqual(run.resource("meshstack-istio-base").dependsOn, ["meshstack-istio-namespace", ...pool]);
    });

    it("exports the mesh's overhead for dev and prod", () => {
        // Each declared service's sidecars count at the size it declares (checkout and helloworld: 50m/64Mi),
        // and the addons at their requests.
        assert.deepStrictEqual(dev.outputs.meshOverhead, {
            cpuMillicores: 1120,
            memoryMiB: 2272,
            pool: { cpuMillicores: 4000, memoryMiB: 8192 },
            sharePercent: { cpu: 28, memory: 27.7 },
            maxSharePercent: 30,
            withinBudget: true,
            workloads: [
                { name: "sidecars", replicas: 5, cpuMillicores: 500, memoryMiB: 640 },
                { name: "sidecars of shop/checkout", replicas: 2, cpuMillicores: 100, memoryMiB: 128 },
                { name: "sidecars of backend/inventory-service", replicas: 1, cpuMillicores: 100, memoryMiB: 128 },
                { name: "sidecars of shop/helloworld", replicas: 3, cpuMillicores: 150, memoryMiB: 192 },
                { name: "istiod", replicas: 1, cpuMillicores: 100, memoryMiB: 512 },
                { name: "egress gateway", replicas: 1, cpuMillicores: 50, memoryMiB: 64 },
                { name: "prometheus", replicas: 1, cpuMillicores: 100, memoryMiB: 512 },
                { name: "prometheus config reloader", replicas: 1, cpuMillicores: 10, memoryMiB: 32 },
                { name: "kiali", replicas: 1, cpuMillicores: 10, memoryMiB: 64 },
            ],
        });
        assert.deepStrictEqual(prod.outputs.meshOverhead, {
            cpuMillicores: 7410,
            memoryMiB: 18080,
            pool: { cpuMillicores: 36000, memoryMiB: 147456 },
            sharePercent: { cpu: 20.6, memory: 12.3 },
            maxSharePercent: 30,
            withinBudget: true,
            workloads: [
                { name: "sidecars", replicas: 34, cpuMillicores: 3400, memoryMiB: 4352 },
                { name: "sidecars of shop/checkout", replicas: 4, cpuMillicores: 200, memoryMiB: 256 },
                { name: "sidecars of backend/inventory-service", replicas: 2, cpuMillicores: 200, memoryMiB: 256 },
                { name: "istiod", replicas: 5, cpuMillicores: 2500, memoryMiB: 10240 },
                { name: "egress gateway", replicas: 5, cpuMillicores: 500, memoryMiB: 640 },
                { name: "prometheus", replicas: 1, cpuMillicores: 500, memoryMiB: 2048 },
                { name: "prometheus config reloader", replicas: 1, cpuMillicores: 10, memoryMiB: 32 },
                { name: "kiali", replicas: 1, cpuMillicores: 100, memoryMiB: 256 },
            ],
        });
    });

    it("refuses a mesh over its budget with the figures and what to change, before declaring anything", async () => {
        await assert.rejects(runProgram("prod", withPool("prod", { budget: { meshedPods: 100 } })), {
            message:
                'meshstack: the config of stack "prod" has 1 problem; nothing was changed. Fix them in Pulumi.prod.yaml:\n' +
                "  - meshstack:nodePool.budget.maxMeshPercent: the mesh requests 14,010m CPU (38.9 % of the pool's " +
                "36,000m) and 26,528 MiB memory (18 % of 147,456 MiB), above the 30 % budget. Add nodes or bigger " +
                "ones to meshstack:nodePool.nodes, lower meshstack:nodePool.budget.meshedPods or the services' replicas, " +
                "the requests in meshstack:istio (proxy, istiod, egressGateway) or their maxReplicas, or raise this share.",
            declared: [],
        });
    });
});
