/**
 * The node pool's pure logic: node labels, tolerations, spreading, the pre-flight Job's name, and the
 * capacity arithmetic.
 */
import * as assert from "assert";
import { expectedSpread } from "./expected";
import { grouped, meshDemand, meshOverhead, overBudget, WorkloadDemand } from "../lib/capacity";
import { poolNodeLabels, poolPlacement, PoolTaint, spreadAcrossNodes, Toleration, tolerationsOf } from "../lib/placement";
import { preflightJob, preflightJobName, preflightJobRules, preflightNodeRules, requiredPassedNodes } from "../lib/preflight";
import { at } from "./program-fixtures";

describe("pool placement", () => {
    it("labels pool nodes with the pool, dedicated CPU and NVMe", () => {
        assert.deepStrictEqual(poolNodeLabels("edge"), {
            "meshstack.io/pool": "edge",
            "meshstack.io/cpu": "dedicated",
            "meshstack.io/disk": "nvme",
        });
    });

    const tolerations: Array<[string, PoolTaint[], Toleration[]]> = [
        ["no taints", [], []],
        [
            "a taint with a value",
            [{ key: "meshstack.io/pool", value: "mesh", effect: "NoSchedule" }],
            [{ key: "meshstack.io/pool", operator: "Equal", value: "mesh", effect: "NoSchedule" }],
        ],
        [
            "a taint without a value, and a second effect",
            [
                { key: "dedicated", effect: "NoExecute" },
                { key: "meshstack.io/pool", value: "mesh", effect: "PreferNoSchedule" },
            ],
            [
                { key: "dedicated", operator: "Exists", effect: "NoExecute" },
                { key: "meshstack.io/pool", operator: "Equal", value: "mesh", effect: "PreferNoSchedule" },
            ],
        ],
    ];
    for (const [name, taints, expected] of tolerations) {
        it(`tolerates exactly each taint: ${name}`, () => {
            assert.deepStrictEqual(tolerationsOf(taints), expected);
        });
    }

    it("places pods on the pool, above application pods", () => {
        assert.deepStrictEqual(poolPlacement("mesh", [{ key: "k", effect: "NoSchedule" }], false), {
            nodeSelector: { "meshstack.io/pool": "mesh" },
            tolerations: [{ key: "k", operator: "Exists", effect: "NoSchedule" }],
            priorityClassName: "meshstack-mesh-critical",
        });
    });

    it("with pre-flight gates, only the pool's nodes whose gate passed", () => {
        assert.deepStrictEqual(poolPlacement("mesh", [], true), {
            nodeSelector: { "meshstack.io/pool": "mesh", "meshstack.io/preflight": "passed" },
            tolerations: [],
            priorityClassName: "meshstack-mesh-critical",
        });
    });

    const quorums: Array<[string, number, number[], number]> = [
        ["one replica of each on one node", 1, [1, 1], 1],
        ["HA: two replicas of istiod on three nodes", 3, [2, 2], 2],
        ["more replicas than nodes: every node", 2, [3, 2], 2],
        ["the most replicated workload decides", 5, [2, 4], 4],
    ];
    for (const [name, nodes, replicas, required] of quorums) {
        it(`nodes that must pass: ${name} → ${required}`, () => {
            assert.strictEqual(requiredPassedNodes(nodes, replicas), required);
        });
    }

    it("spreads one replica per node first, not counting cordoned or tainted nodes", () => {
        assert.deepStrictEqual(spreadAcrossNodes({ app: "istiod" }), expectedSpread({ app: "istiod" }));
    });

    const jobNames: Array<[string, string]> = [
        ["mesh-1", "preflight-mesh-1"],
        // A label's 63 characters: preflight- and a node name of 53 fit as they are; of 54, cut and hashed.
        ["gke-production-europe-west3-mesh-pool-2-3f9a2c1b-x7k2", "preflight-gke-production-europe-west3-mesh-pool-2-3f9a2c1b-x7k2"],
        ["gke-production-europe-west3-mesh-nodes-2-3f9a2c1b-x7k2", "preflight-gke-production-europe-west3-mesh-nodes-2-3f9-7a200ae4"],
        // A name with dots gets a hash too: "a.b" and "a-b" must not share a Job. Hashes: sha256 of the node
        // name, first 8 hex digits (`echo -n <name> | sha256sum`).
        ["node-a.fra1.example.net", "preflight-node-a-fra1-example-net-80dc9f07"],
        [
            "a-very-long-node-name.in-a-datacenter-with-a-long-name.example.com",
            // sha256 of the node name, first 8 hex digits: 3b296e81 (`echo -n <name> | sha256sum`).
            "preflight-a-very-long-node-name-in-a-datacenter-with-a-3b296e81",
        ],
        // The cut falls just after a dot: the dash it became goes, one dash before the hash.
        ["storage-node-0042.rack-17.zone-b.datacenter.xn--mnchen-3ya.de", "preflight-storage-node-0042-rack-17-zone-b-datacenter-1a7e202e"],
        // The cut falls after the two dashes of a punycode label (xn--): both go.
        ["storage-node-0042.rack-17.zone-b.dc-fra.xn--mnchen-3ya.de", "preflight-storage-node-0042-rack-17-zone-b-dc-fra-xn-95ec4dd5"],
    ];
    for (const [node, job] of jobNames) {
        it(`names the gate of ${node} ${job}`, () => {
            const name = preflightJobName(node);
            assert.strictEqual(name, job);
            assert.ok(name.length <= 63, String(name.length));
        });
    }

    // The gate measures the disk in a folder of its own; a mount path may end in slashes (config allows it).
    const folders: Array<[string, string]> = [
        ["/mnt/nvme", "/mnt/nvme/.meshstack-preflight"],
        ["/mnt/nvme/", "/mnt/nvme/.meshstack-preflight"],
        ["/var/lib/nvme0//", "/var/lib/nvme0/.meshstack-preflight"],
        ["/", "/.meshstack-preflight"],
    ];
    for (const [mount, folder] of folders) {
        it(`measures a disk mounted at ${mount} in ${folder}`, () => {
            const job = preflightJob({
                jobName: "preflight-mesh-1",
                nodeName: "mesh-1",
                nvmeMountPath: mount,
                scriptConfigMap: "meshstack-preflight",
                tolerations: [],
                limits: { maxStealPercent: 2, maxFsyncP99Ms: 10, stealSampleSeconds: 10, fsyncWrites: 2000, runAsUser: 1000 },
                labels: {},
                scriptHash: "0",
            });
            assert.deepStrictEqual(at(job, "spec.template.spec.volumes.1"), { name: "nvme", hostPath: { path: folder, type: "DirectoryOrCreate" } });
        });
    }

    // The config's order of the nodes is no order of the rules: the same pool gives the same rules.
    const rules: Array<[string, string[], string[], string[]]> = [
        ["nodes in order", ["mesh-1", "mesh-2"], ["mesh-1", "mesh-2"], ["preflight-mesh-1", "preflight-mesh-2"]],
        ["nodes the other way round", ["mesh-2", "mesh-1"], ["mesh-1", "mesh-2"], ["preflight-mesh-1", "preflight-mesh-2"]],
        // "a-c" sorts before "a.b" ("-" is U+002D, "." U+002E), but a.b's Job, preflight-a-b-…, before a-c's.
        ["a dotted name: each list in the order of its own names", ["a-c", "a.b"], ["a-c", "a.b"], ["preflight-a-b-2e7336dc", "preflight-a-c"]],
    ];
    for (const [name, nodes, nodeNames, jobNames] of rules) {
        it(`lets the gates patch their nodes and read their Jobs by name, sorted: ${name}`, () => {
            assert.deepStrictEqual(
                [preflightNodeRules(nodes), preflightJobRules(nodes)],
                [
                    [{ apiGroups: [""], resources: ["nodes"], resourceNames: nodeNames, verbs: ["get", "patch"] }],
                    [{ apiGroups: ["batch"], resources: ["jobs"], resourceNames: jobNames, verbs: ["get"] }],
                ],
            );
        });
    }
});

describe("capacity budget", () => {
    const SIDECAR = { cpu: "100m", memory: "128Mi" };
    const demand: WorkloadDemand[] = [
        { name: "sidecars", replicas: 40, requests: SIDECAR },
        { name: "istiod", replicas: 5, requests: { cpu: "500m", memory: "2Gi" } },
        { name: "egress gateway", replicas: 5, requests: { cpu: "0.1", memory: "134217728" } },
    ];

    it("adds each workload at its maximum and compares with the pool", () => {
        const nodes = [1, 2, 3].map(() => ({ vcpus: 8, memory: "32Gi" }));
        assert.deepStrictEqual(meshOverhead(demand, nodes, 30), {
            cpuMillicores: 7000,
            memoryMiB: 16000,
            pool: { cpuMillicores: 24000, memoryMiB: 98304 },
            sharePercent: { cpu: 29.2, memory: 16.3 },
            maxSharePercent: 30,
            withinBudget: true,
            workloads: [
                { name: "sidecars", replicas: 40, cpuMillicores: 4000, memoryMiB: 5120 },
                { name: "istiod", replicas: 5, cpuMillicores: 2500, memoryMiB: 10240 },
                { name: "egress gateway", replicas: 5, cpuMillicores: 500, memoryMiB: 640 },
            ],
        });
    });

    // 1,150m of a 4-vCPU pool is 28.75 %; the budget compares the exact share, not the rounded one (28.8).
    const shares: Array<[string, string, number, boolean]> = [
        ["below the budget", "1150m", 30, false],
        ["exactly at the budget", "1150m", 28.75, false],
        ["just above the budget (28.76 %, shown as 28.8)", "1150.4m", 28.75, true],
        ["30.04 % against 30 % (shown as 30)", "1201.6m", 30, true],
    ];
    for (const [name, cpu, max, over] of shares) {
        it(`${name}: over budget ${over}`, () => {
            const overhead = meshOverhead([{ name: "x", replicas: 1, requests: { cpu, memory: "1Mi" } }], [{ vcpus: 4, memory: "1Gi" }], max);
            assert.strictEqual(overBudget(overhead), over);
        });
    }

    // 300Mi of a 1Gi pool is 29.3 %; memory is held to the budget as CPU is.
    const memoryShares: Array<[string, string, number, boolean]> = [
        ["memory below the budget", "300Mi", 30, true],
        ["memory exactly at the budget (256Mi of 1Gi against 25 %)", "256Mi", 25, true],
        ["memory just above the budget", "257Mi", 25, false],
    ];
    for (const [name, memory, max, within] of memoryShares) {
        it(`${name}: within budget ${within}`, () => {
            const overhead = meshOverhead([{ name: "x", replicas: 1, requests: { cpu: "100m", memory } }], [{ vcpus: 4, memory: "1Gi" }], max);
            assert.strictEqual(overhead.withinBudget, within);
        });
    }

    it("shares of a pool without nodes are 0, and any demand is over its budget", () => {
        const overhead = meshOverhead([{ name: "x", replicas: 1, requests: { cpu: "100m", memory: "1Mi" } }], [], 30);
        assert.deepStrictEqual([overhead.sharePercent, overhead.withinBudget], [{ cpu: 0, memory: 0 }, false]);
    });

    it("refuses a quantity that config validation should have refused", () => {
        assert.throws(() => meshOverhead([{ name: "x", replicas: 1, requests: { cpu: "lots", memory: "1Mi" } }], [{ vcpus: 4, memory: "1Gi" }], 30), {
            message: 'not a quantity: "lots" (config validation should have refused it)',
        });
    });

    it("rounds shares from per-mille, the same way every time (28.75 % is 28.8)", () => {
        const overhead = meshOverhead([{ name: "x", replicas: 1, requests: { cpu: "1150m", memory: "0" } }], [{ vcpus: 4, memory: "1Gi" }], 30);
        assert.deepStrictEqual(overhead.sharePercent, { cpu: 28.8, memory: 0 });
    });

    const requests = (cpu: string, memory: string) => ({ resources: { requests: { cpu, memory } } });
    const istio = (dataPlane: "sidecar" | "ambient") => ({
        dataPlane,
        proxy: requests("50m", "64Mi"),
        istiod: { maxReplicas: 3, ...requests("500m", "2Gi") },
        egressGateway: { maxReplicas: 4, ...requests("100m", "128Mi") },
        ztunnel: requests("50m", "64Mi"),
        cni: requests("100m", "100Mi"),
        waypoint: { replicas: 2, ...requests("100m", "128Mi") },
    });
    const services = [
        { name: "a", namespace: "shop", replicas: 2 },
        { name: "b", namespace: "backend", replicas: 3, sidecar: { cpu: "20m", memory: "32Mi" } },
    ];
    const control = [
        { name: "istiod", replicas: 3, requests: { cpu: "500m", memory: "2Gi" } },
        { name: "egress gateway", replicas: 4, requests: { cpu: "100m", memory: "128Mi" } },
    ];
    const agents = [
        { name: "ztunnel", replicas: 5, requests: { cpu: "50m", memory: "64Mi" } },
        { name: "istio-cni", replicas: 5, requests: { cpu: "100m", memory: "100Mi" } },
    ];
    const layouts: Array<[string, "sidecar" | "ambient", Array<{ name: string; dataPlane?: "sidecar" | "ambient" }>, object[]]> = [
        [
            "sidecar: a sidecar per pod, no node agents",
            "sidecar",
            [{ name: "shop" }, { name: "backend" }],
            [
                { name: "sidecars", replicas: 12, requests: { cpu: "50m", memory: "64Mi" } },
                { name: "sidecars of shop/a", replicas: 2, requests: { cpu: "50m", memory: "64Mi" } },
                { name: "sidecars of backend/b", replicas: 3, requests: { cpu: "20m", memory: "32Mi" } },
                ...control,
            ],
        ],
        [
            "ambient: nothing per pod, a ztunnel and a CNI agent per node, a waypoint per namespace with services",
            "ambient",
            [{ name: "shop" }, { name: "backend" }],
            [
                ...control,
                ...agents,
                { name: "waypoint of backend", replicas: 2, requests: { cpu: "100m", memory: "128Mi" } },
                { name: "waypoint of shop", replicas: 2, requests: { cpu: "100m", memory: "128Mi" } },
            ],
        ],
        [
            "a sidecar mesh migrating one namespace to ambient",
            "sidecar",
            [{ name: "shop", dataPlane: "ambient" }, { name: "backend" }],
            [
                { name: "sidecars", replicas: 12, requests: { cpu: "50m", memory: "64Mi" } },
                { name: "sidecars of backend/b", replicas: 3, requests: { cpu: "20m", memory: "32Mi" } },
                ...control,
                ...agents,
                { name: "waypoint of shop", replicas: 2, requests: { cpu: "100m", memory: "128Mi" } },
            ],
        ],
        [
            "an ambient mesh keeping one namespace on sidecars",
            "ambient",
            [{ name: "shop", dataPlane: "sidecar" }, { name: "backend" }],
            [
                { name: "sidecars of shop/a", replicas: 2, requests: { cpu: "50m", memory: "64Mi" } },
                ...control,
                ...agents,
                { name: "waypoint of backend", replicas: 2, requests: { cpu: "100m", memory: "128Mi" } },
            ],
        ],
    ];
    for (const [name, dataPlane, namespaces, expected] of layouts) {
        it(`derives the mesh's workloads from the Istio settings, ${name}`, () => {
            assert.deepStrictEqual(meshDemand(istio(dataPlane), 12, services, [], { namespaces, nodes: 5 }), expected);
        });
    }

    const numbers: Array<[number, string]> = [
        [0, "0"],
        [999, "999"],
        [1000, "1,000"],
        [98304, "98,304"],
        [1234567.5, "1,234,567.5"],
    ];
    for (const [value, text] of numbers) {
        it(`groups ${value} as ${text}`, () => {
            assert.strictEqual(grouped(value), text);
        });
    }
});
