/**
 * `meshstack:nodePool`, one table per check: each branch and each boundary, accepted (and read back as
 * given) or refused with the exact error.
 */
import { checkRows, Row } from "./config-fixtures";

type Settings = Record<string, unknown>;

const NODE = { name: "mesh-1", vcpus: 8, memory: "32Gi", nvmeMountPath: "/mnt/nvme" };
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

    describe("lists", () => {
        poolRows([
            ["nodes that are not a list", { nodes: "mesh-1" }, ['nodePool.nodes: expected a list of nodes, got "mesh-1".']],
            ["taints that are not a list", { taints: "meshstack.io/pool" }, ['nodePool.taints: expected a list of taints, got "meshstack.io/pool".']],
        ]);
    });
});
