/** The node pool's bad config, each refused before anything is declared with the key and the fix. */
import * as assert from "assert";
import { parseMeshConfig } from "../config";

describe("node pool config errors", () => {
    const NODE = { name: "mesh-1", vcpus: 8, memory: "32Gi" };
    const header = (count: number): string =>
        `meshstack: the config of stack "dev" has ${count === 1 ? "1 problem" : `${count} problems`}; nothing was changed. ` +
        "Fix them in Pulumi.dev.yaml:";

    function errorOf(nodePool: Record<string, unknown>, highAvailability = false): string {
        try {
            parseMeshConfig({ highAvailability, nodePool }, "dev");
        } catch (error) {
            return (error as Error).message;
        }
        throw new Error("expected a config error, got none");
    }

    const cases: Array<[string, Record<string, unknown>, string]> = [
        [
            "an empty node list",
            { nodes: [] },
            "  - meshstack:nodePool.nodes: the pool has no nodes. List the nodes the mesh runs on, each with name, vcpus " +
                "and memory (and nvmeMountPath), e.g. `pulumi config set --path 'meshstack:nodePool.nodes[0].name' node-1`.",
        ],
        [
            "a duplicate node name",
            { nodes: [NODE, { ...NODE, vcpus: 4 }] },
            '  - meshstack:nodePool.nodes[1].name: "mesh-1" is listed more than once. List each node once.',
        ],
        [
            "a node name that is not a DNS-1123 subdomain",
            { nodes: [{ ...NODE, name: "Mesh_1" }] },
            '  - meshstack:nodePool.nodes[0].name: "Mesh_1" is not a Kubernetes node name: use lowercase letters, ' +
                'digits, "-" and ".", at most 253, as `kubectl get nodes` prints it.',
        ],
        [
            "a non-positive vCPU count",
            { nodes: [{ ...NODE, vcpus: 0 }] },
            "  - meshstack:nodePool.nodes[0].vcpus: expected a whole number of at least 1, got 0.",
        ],
        [
            "an unparseable memory size",
            { nodes: [{ ...NODE, memory: "32 GB" }] },
            '  - meshstack:nodePool.nodes[0].memory: "32 GB" is not a memory quantity. Use bytes with a suffix, e.g. ' +
                '"128Mi", "1Gi" or "512M".',
        ],
        [
            "a negative steal threshold",
            { nodes: [NODE], preflight: { maxStealPercent: -1 } },
            "  - meshstack:nodePool.preflight.maxStealPercent: expected a number from 0 to 100, got -1.",
        ],
        [
            "a steal threshold above 100 %",
            { nodes: [NODE], preflight: { maxStealPercent: 150 } },
            "  - meshstack:nodePool.preflight.maxStealPercent: expected a number from 0 to 100, got 150.",
        ],
        [
            "a negative fsync threshold",
            { nodes: [NODE], preflight: { maxFsyncP99Ms: -5 } },
            "  - meshstack:nodePool.preflight.maxFsyncP99Ms: expected a number from 0.1 to 10000, got -5.",
        ],
        [
            "a mount path that is not absolute",
            { nodes: [{ ...NODE, nvmeMountPath: "mnt/nvme" }] },
            '  - meshstack:nodePool.nodes[0].nvmeMountPath: "mnt/nvme" is not an absolute path. Give the mount point ' +
                'as the node sees it, e.g. "/mnt/nvme".',
        ],
        [
            "a taint with an unknown effect",
            { nodes: [NODE], taints: [{ key: "meshstack.io/pool", value: "mesh", effect: "NoRun" }] },
            '  - meshstack:nodePool.taints[0].effect: expected one of "NoSchedule", "PreferNoSchedule", "NoExecute", got "NoRun".',
        ],
        [
            "a node without its memory",
            { nodes: [{ name: "mesh-1", vcpus: 8 }] },
            "  - meshstack:nodePool.nodes[0].memory: required: set a quantity.",
        ],
        [
            "a misspelt node key",
            { nodes: [{ ...NODE, vcpu: 8 }] },
            '  - meshstack:nodePool.nodes[0].vcpu: unknown key. Did you mean "vcpus"? Known keys here: name, vcpus, memory, nvmeMountPath.',
        ],
    ];
    for (const [name, pool, problem] of cases) {
        it(`refuses ${name}`, () => {
            assert.strictEqual(errorOf(pool), `${header(1)}\n${problem}`);
        });
    }

    it("refuses one node in a highly available stack", () => {
        assert.strictEqual(
            errorOf({ nodes: [{ name: "mesh-1", vcpus: 64, memory: "256Gi" }] }, true),
            `${header(1)}\n  - meshstack:nodePool.nodes: 1 node cannot keep the mesh up through a node loss, which ` +
                "meshstack:highAvailability requires: two replicas on one node fail together. List at least 2 nodes, " +
                "or set meshstack:highAvailability to false (dev stacks only).",
        );
    });

    it("keeps the gates on in a highly available stack", () => {
        const nodes = [1, 2].map((n) => ({ name: `mesh-${n}`, vcpus: 32, memory: "128Gi" }));
        assert.strictEqual(
            errorOf({ nodes, preflight: { enabled: false } }, true),
            `${header(1)}\n  - meshstack:nodePool.preflight.enabled: the pre-flight gates stay on in a highly available ` +
                "stack: they keep the mesh off nodes with CPU steal or slow disks. Remove the key, or set " +
                "meshstack:highAvailability to false (dev stacks only).",
        );
    });

    it("lists every pool problem at once, in key order", () => {
        assert.strictEqual(
            errorOf({
                nodes: [{ ...NODE, nvmeMountPath: "/mnt/../nvme" }, NODE],
                taints: [{ key: "bad key!", effect: "NoSchedule" }],
            }),
            [
                header(3),
                '  - meshstack:nodePool.nodes[0].nvmeMountPath: "/mnt/../nvme" has "." or ".." in it. Give the mount point without them, e.g. "/mnt/nvme".',
                '  - meshstack:nodePool.nodes[1].name: "mesh-1" is listed more than once. List each node once.',
                '  - meshstack:nodePool.taints[0].key: "bad key!" is not a qualified name: an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_" and ".", e.g. "meshstack.io/pool".',
            ].join("\n"),
        );
    });

    it("leaves a list entry with an invalid required key out of the checks across entries, keeping the indexes", () => {
        // nodes[0] has no valid vcpus to fall back on: it is left out, and nodes[2] is still nodes[2].
        assert.strictEqual(
            errorOf({ nodes: [{ ...NODE, vcpus: -2 }, { ...NODE, name: "mesh-2" }, { ...NODE, name: "mesh-2" }] }),
            [
                header(2),
                "  - meshstack:nodePool.nodes[0].vcpus: expected a whole number of at least 1, got -2.",
                '  - meshstack:nodePool.nodes[2].name: "mesh-2" is listed more than once. List each node once.',
            ].join("\n"),
        );
    });

    it("refuses two taints with the same key and effect", () => {
        const taint = { key: "meshstack.io/pool", value: "mesh", effect: "NoSchedule" };
        assert.strictEqual(
            errorOf({ nodes: [NODE], taints: [taint, { ...taint, value: "other" }] }),
            `${header(1)}\n  - meshstack:nodePool.taints[1]: another taint has key "meshstack.io/pool" and effect ` +
                "NoSchedule; Kubernetes allows one. Remove one.",
        );
    });
});
