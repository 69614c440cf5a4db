/**
 * The leaves every area's schema is built of (config/leaves.ts, config/names.ts, config/keys.ts): the
 * type and range in one message, label maps, Kubernetes' names at their length limits, and unknown keys'
 * suggestions. One table per leaf, through the keys that use it.
 */
import { checkRows, Row } from "./config-fixtures";

type Raw = Record<string, unknown>;

const SHOP = { namespaces: [{ name: "shop" }] };
const CHECKOUT = { name: "checkout", namespace: "shop", port: 8080, versions: [{ name: "v1" }], weights: { v1: 100 } };
const NODE = { name: "mesh-1", vcpus: 8, memory: "32Gi", nvmeMountPath: "/mnt/nvme" };

/** A dev stack's one-node pool with `pool` settings. */
function pool(settings: Raw): Raw {
    return { highAvailability: false, nodePool: { nodes: [NODE], ...settings } };
}

/** The mesh namespace "shop" with checkout, whose second version has `labels`. */
function labelled(labels: unknown): Raw {
    return { mesh: SHOP, services: [{ ...CHECKOUT, versions: [{ name: "v1" }, { name: "v2", labels }], weights: { v1: 100, v2: 0 } }] };
}

function rows(table: ReadonlyArray<Row<Raw>>): void {
    checkRows(table, (raw) => raw);
}

describe("config leaves", () => {
    describe("a value of the wrong type: what the key takes, and what it got", () => {
        rows([
            ["a flag where a string goes", { istio: { version: true } }, ["istio.version: expected a string, got true."]],
            ["a number where a string goes, with the quotes that make it one", { istio: { version: 1.31 } }, ['istio.version: expected a string, got 1.31 (quote it in YAML: "1.31").']],
            ["a string where a port goes", { mesh: SHOP, services: [{ ...CHECKOUT, port: "8080" }] }, ['services[0].port: expected a port from 1 to 65535, got "8080".']],
            ["a fraction where a whole number goes", { istio: { istiod: { replicas: 2.5 } } }, ["istio.istiod.replicas: expected a whole number of at least 1, got 2.5."]],
            [
                "a string where a whole number in a range goes",
                { mesh: SHOP, services: [{ ...CHECKOUT, retries: { attempts: "3" } }] },
                ['services[0].retries.attempts: expected a whole number from 0 to 2147483647, got "3".'],
            ],
            ["a string where a number in a range goes", { nodePool: { nodes: [NODE, { ...NODE, name: "mesh-2" }], preflight: { maxStealPercent: "2" } } }, [
                'nodePool.preflight.maxStealPercent: expected a number from 0 to 100, got "2".',
            ]],
        ]);
    });

    describe("label maps: each key a qualified name, each value empty or a label value", () => {
        const NOT_A_LABEL_VALUE = 'is not a label value: at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit.';
        rows([
            ["a prefixed key and an empty value", labelled({ "app.kubernetes.io/version": "v2", canary: "" }), []],
            [
                "a key that is not a qualified name",
                labelled({ "bad key!": "v2" }),
                ['services[0].versions[1].labels: "bad key!" is not a label key: an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_" and ".", e.g. "version".'],
            ],
            ["a bad value after a good label", labelled({ version: "v2", track: "bad value" }), [`services[0].versions[1].labels: "bad value" ${NOT_A_LABEL_VALUE}`]],
            ["a number as a value", labelled({ version: 2 }), ["services[0].versions[1].labels.version: expected a string, got 2."]],
            ["labels that are not a map", labelled("version=v2"), ['services[0].versions[1].labels: expected a map of labels, got "version=v2".']],
        ]);
    });

    describe("Kubernetes' names at their length limits", () => {
        const NOT_A_NODE_NAME = 'is not a Kubernetes node name: use lowercase letters, digits, "-" and ".", at most 253, as `kubectl get nodes` prints it.';
        const NOT_AN_APP_LABEL = 'is not an `app` label value: at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit.';
        const exception = (workload: string): Raw => ({ mesh: { namespaces: [{ name: "shop", mtlsExceptions: [{ workload, port: 8080, reason: "legacy" }] }] } });
        rows([
            ["a node name of 253 characters", pool({ nodes: [{ ...NODE, name: "n".repeat(253) }] }), []],
            ["a node name of 254 characters", pool({ nodes: [{ ...NODE, name: "n".repeat(254) }] }), [`nodePool.nodes[0].name: "${"n".repeat(254)}" ${NOT_A_NODE_NAME}`]],
            ["an app label of 63 characters", exception("A".repeat(63)), []],
            ["an app label of 64 characters", exception("A".repeat(64)), [`mesh.namespaces[0].mtlsExceptions[0].workload: "${"A".repeat(64)}" ${NOT_AN_APP_LABEL}`]],
        ]);
    });

    describe("qualified names (a taint's key): an optional DNS prefix of at most 253 and \"/\", then a label value", () => {
        const NOT_QUALIFIED = 'is not a qualified name: an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_" and ".", e.g. "meshstack.io/pool".';
        const tainted = (key: string): Raw => pool({ taints: [{ key, effect: "NoSchedule" }] });
        rows([
            ["a name with capitals and no prefix", tainted("Dedicated_Pool"), []],
            ["a prefix of 253 characters", tainted(`${"p".repeat(253)}/pool`), []],
            ["a prefix with capitals", tainted("Meshstack.io/pool"), [`nodePool.taints[0].key: "Meshstack.io/pool" ${NOT_QUALIFIED}`]],
            ["an empty prefix", tainted("/pool"), [`nodePool.taints[0].key: "/pool" ${NOT_QUALIFIED}`]],
            ["an empty name", tainted("meshstack.io/"), [`nodePool.taints[0].key: "meshstack.io/" ${NOT_QUALIFIED}`]],
        ]);
    });

    describe("unknown keys: the nearest known key within two edits, the first in the schema's order on a tie", () => {
        const TLS = { host: "api.stripe.com", port: 443, protocol: "TLS" };
        const KNOWN = "Known keys here: host, port, protocol, reason.";
        rows([
            ["a key one edit from two known keys", { mesh: { egress: [{ ...TLS, post: 443 }] } }, [`mesh.egress[0].post: unknown key. Did you mean "host"? ${KNOWN}`]],
            ["a key three edits from every known key", { mesh: { egress: [{ ...TLS, portNum: 443 }] } }, [`mesh.egress[0].portNum: unknown key. ${KNOWN}`]],
        ]);
    });
});
