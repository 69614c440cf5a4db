/**
 * `meshstack:nodePool`, one table per check: each branch and each boundary, accepted (and read back as
 * given) or refused with the exact error.
 */
import { checkRows, Row } from "./config-fixtures";

type Settings = Record<string, unknown>;

const NODE = { name: "mesh-1", vcpus: 8, memory: "32Gi", nvmeMountPath: "/mnt/nvme" };
const SHOP = { namespaces: [{ name: "shop" }] };
const LABEL_VALUE = 'is not a label value: at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit.';

/** The rows of one check, each a dev stack's one-node pool with the row's settings. */
function poolRows(rows: ReadonlyArray<Row<Settings>>): void {
    checkRows(rows, (settings) => ({ highAvailability: false, nodePool: { nodes: [NODE], ...settings } }));
}

describe("node pool config, check by check", () => {
    describe("names: the pool's a label value, the StorageClass's a DNS subdomain", () => {
        poolRows([
            ["a pool name with a dot and an underscore", { name: "mesh_pool.a" }, []],
            ["a pool name with a space", { name: "mesh pool" }, [`nodePool.name: "mesh pool" ${LABEL_VALUE}`]],
            ["a StorageClass name with a dot", { storageClass: { name: "nvme.local" } }, []],
            [
                "a StorageClass name with capitals",
                { storageClass: { name: "NVMe" } },
                ['nodePool.storageClass.name: "NVMe" is not a StorageClass name: lowercase letters, digits, "-" and ".", at most 253, e.g. "meshstack-nvme".'],
            ],
        ]);
    });

    describe("taints: a qualified key, a label value, an effect", () => {
        const taint = (value: string): Settings => ({ taints: [{ key: "meshstack.io/pool", value, effect: "NoSchedule" }] });
        poolRows([
            ["a value with a dot", taint("mesh.a"), []],
            ["a value ending with a dash", taint("mesh-"), [`nodePool.taints[0].value: "mesh-" ${LABEL_VALUE}`]],
        ]);
    });

    describe("a node's NVMe mount path: absolute, without . or .. segments", () => {
        const mountedAt = (nvmeMountPath: string): Settings => ({ nodes: [{ ...NODE, nvmeMountPath }] });
        const dotted = (path: string): string =>
            `nodePool.nodes[0].nvmeMountPath: "${path}" has "." or ".." in it. Give the mount point without them, e.g. "/mnt/nvme".`;
        poolRows([
            ["dots inside a segment's name", mountedAt("/mnt/nvme.d/..data"), []],
            ["a . segment", mountedAt("/mnt/./nvme"), [dotted("/mnt/./nvme")]],
            ["a .. segment", mountedAt("/mnt/nvme/.."), [dotted("/mnt/nvme/..")]],
        ]);
    });

    describe("the pre-flight gates' sample window and writes: at most 300 s and 100000", () => {
        const preflight = (settings: Settings): Settings => ({ preflight: settings });
        poolRows([
            ["300 s and 100000 writes", preflight({ stealSampleSeconds: 300, fsyncWrites: 100000 }), []],
            [
                "301 s and 100001 writes",
                preflight({ stealSampleSeconds: 301, fsyncWrites: 100001 }),
                ["nodePool.preflight.stealSampleSeconds: expected at most 300 seconds.", "nodePool.preflight.fsyncWrites: expected at most 100000 writes."],
            ],
        ]);
    });

    describe("the capacity budget counts the egress waypoint of an ambient mesh with an allowlist", () => {
        const TLS = { host: "api.stripe.com", port: 443, protocol: "TLS" };
        const nodes = [NODE, { ...NODE, name: "mesh-2" }];
        const overBudget = (cpu: string, cpuShare: string, memory: string, memoryShare: string): string =>
            `nodePool.budget.maxMeshPercent: the mesh requests ${cpu}m CPU (${cpuShare} % of the pool's 16,000m) and ${memory} MiB memory ` +
            `(${memoryShare} % of 65,536 MiB), above the 1 % budget. Add nodes or bigger ones to meshstack:nodePool.nodes, lower ` +
            "meshstack:nodePool.budget.meshedPods or the services' replicas, the requests in meshstack:istio (proxy, istiod, egressGateway) " +
            "or their maxReplicas, or raise this share.";
        checkRows<Settings>(
            [
                ["ambient without an allowlist", { istio: { dataPlane: "ambient" } }, [overBudget("620", "3.9", "1,384", "2.1")]],
                ["ambient with an allowlist: a waypoint replica of 100m and 128Mi more (a dev stack's one)", { istio: { dataPlane: "ambient" }, mesh: { ...SHOP, egress: [TLS] } }, [
                    overBudget("720", "4.5", "1,512", "2.3"),
                ]],
            ],
            (raw) => ({ highAvailability: false, nodePool: { nodes, budget: { maxMeshPercent: 1 } }, mesh: SHOP, ...raw }),
        );
    });

    describe("lists", () => {
        poolRows([
            ["nodes that are not a list", { nodes: "mesh-1" }, ['nodePool.nodes: expected a list of nodes, got "mesh-1".']],
            ["taints that are not a list", { taints: "meshstack.io/pool" }, ['nodePool.taints: expected a list of taints, got "meshstack.io/pool".']],
        ]);
    });
});
