/** Local volumes: where they live, when one is declared for Prometheus, and the pool node config. */
import * as assert from "assert";
import { parseMeshConfig } from "../config";
import { localVolumePath } from "../lib/local-volume";
import { prometheusLocalVolume } from "../lib/addons/prometheus";
import type { PrometheusSettings } from "../model";

const POOL = {
    storageClass: { name: "meshstack-nvme", provisioner: "kubernetes.io/no-provisioner" },
    nodes: [{ name: "mesh-1" }, { name: "mesh-2" }],
};
const ON: PrometheusSettings["persistence"] = { enabled: true, size: "50Gi" };

describe("local volumes", () => {
    const paths: Array<[string, string]> = [
        ["/mnt/nvme", "/mnt/nvme/meshstack-volumes/prometheus"],
        ["/mnt/nvme/", "/mnt/nvme/meshstack-volumes/prometheus"],
        ["/var/lib/nvme0//", "/var/lib/nvme0/meshstack-volumes/prometheus"],
    ];
    for (const [mount, expected] of paths) {
        it(`on a disk mounted at ${mount}: ${expected}`, () => {
            assert.strictEqual(localVolumePath(mount, "prometheus"), expected);
        });
    }

    const cases: Array<[string, PrometheusSettings["persistence"], typeof POOL, object | undefined]> = [
        [
            "persistence on the pool's local class: on the first node",
            ON,
            POOL,
            { name: "prometheus", node: "mesh-1", size: "50Gi", claim: { namespace: "mesh-system", name: "prometheus" } },
        ],
        [
            "on the node asked for",
            { ...ON, node: "mesh-2", storageClass: "meshstack-nvme" },
            POOL,
            { name: "prometheus", node: "mesh-2", size: "50Gi", claim: { namespace: "mesh-system", name: "prometheus" } },
        ],
        ["persistence off: none", { enabled: false, size: "8Gi" }, POOL, undefined],
        ["a provisioner that places volumes itself: none", ON, { ...POOL, storageClass: { name: "meshstack-nvme", provisioner: "rancher.io/local-path" } }, undefined],
        // Config refuses a class the stack does not declare; the pool's volumes are for the pool's class only.
        ["a claim on a class other than the pool's: none", { ...ON, storageClass: "fast-ssd" }, POOL, undefined],
    ];
    for (const [name, persistence, pool, expected] of cases) {
        it(`Prometheus's volume, ${name}`, () => {
            assert.deepStrictEqual(prometheusLocalVolume(persistence, "mesh-system", pool), expected);
        });
    }

    it("refuses a volume node with a provisioner that places volumes itself", () => {
        assert.throws(
            () =>
                parseMeshConfig(
                    {
                        nodePool: { nodes: [1, 2].map((n) => ({ name: `mesh-${n}`, vcpus: 16, memory: "64Gi" })), storageClass: { provisioner: "rancher.io/local-path" } },
                        observability: { prometheus: { persistence: { node: "mesh-2" } } },
                    },
                    "prod",
                ),
            {
                message:
                    'meshstack: the config of stack "prod" has 1 problem; nothing was changed. Fix them in Pulumi.prod.yaml:\n' +
                    '  - meshstack:observability.prometheus.persistence.node: is used only with local volumes (provisioner "kubernetes.io/no-provisioner"); "rancher.io/local-path" places the volume itself. Remove the key.',
            },
        );
    });
});
