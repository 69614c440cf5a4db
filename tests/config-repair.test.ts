/**
 * One pass reports every problem (config/problems.ts): each invalid key is set to its default for the
 * cross-field checks, a list entry that still does not parse is left out of them with the user's
 * indexes kept, and a verdict that reads an invalid key (or a section holding one) waits.
 */
import * as assert from "assert";
import { z } from "zod";
import { wholeNumber } from "../config/leaves";
import { validate } from "../config/problems";
import { checkRows } from "./config-fixtures";

const SHOP = { namespaces: [{ name: "shop" }] };
const CHECKOUT = { name: "checkout", namespace: "shop", port: 8080, versions: [{ name: "v1" }, { name: "v2" }], weights: { v1: 90, v2: 10 } };
const BAD_PORT = 'services[0].port: expected a port from 1 to 65535, got "x".';
const BAD_VERSION = (at: string): string =>
    `${at}.name: "V1" is not a valid name: at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit.`;

describe("config problems, in one pass", () => {
    checkRows<Record<string, unknown>>(
        [
            [
                "a nested key written as a flat path: the plain unknown-key message (the --path hint is for top-level keys)",
                { istio: { "proxy.resources": { requests: { cpu: "50m" } } } },
                ["istio.proxy.resources: unknown key. Known keys here: version, namespace, dataPlane, proxy, istiod, egressGateway, ztunnel, cni, waypoint."],
            ],
            [
                "a list entry left empty (YAML `-` with nothing after)",
                { mesh: { namespaces: [null] } },
                ["mesh.namespaces[0]: expected an object with the keys name, adopt, defaultDeny, allowFrom, mtlsExceptions, sidecarHosts, dataPlane, got null."],
            ],
            [
                "a verdict's key and an unrelated key both invalid: the verdict waits",
                { cluster: { context: " " }, istio: { proxy: { resources: { limits: { memory: "lots" } } } }, mesh: SHOP, services: [{ ...CHECKOUT, sidecar: { cpu: "50m", memory: "2Gi" } }] },
                [
                    "cluster.context: is empty. Set a value, or remove the key to use the default.",
                    'istio.proxy.resources.limits.memory: "lots" is not a memory quantity. Use bytes with a suffix, e.g. "128Mi", "1Gi" or "512M".',
                ],
            ],
            [
                "a section that is not an object: the verdicts that read keys inside it wait",
                { istio: { proxy: "small" }, mesh: SHOP, services: [{ ...CHECKOUT, sidecar: { cpu: "50m", memory: "2Gi" } }] },
                ['istio.proxy: expected an object with the keys resources, got "small".'],
            ],
            [
                "a required key outside any list and one in a list entry: the field problems alone",
                { nodePool: { nodes: "mesh-1" }, mesh: SHOP, services: [{ ...CHECKOUT, port: "x" }] },
                ['nodePool.nodes: expected a list of nodes, got "mesh-1".', BAD_PORT],
            ],
            [
                "entries left out at two levels: the indexes after them are the user's at both",
                {
                    mesh: SHOP,
                    services: [
                        { ...CHECKOUT, port: "x" },
                        { ...CHECKOUT, name: "cart", versions: [{ name: "V1" }, { name: "v2" }, { name: "v2" }], weights: { v2: 100 } },
                    ],
                },
                [BAD_PORT, BAD_VERSION("services[1].versions[0]"), 'services[1].versions[2].name: "v2" is listed more than once. List each version once.'],
            ],
            [
                "an entry whose own key and a nested entry's are invalid: left out once, and the other verdicts still made",
                { mesh: { namespaces: [{ name: "shop" }, { name: "shop" }] }, services: [{ ...CHECKOUT, port: "x", versions: [{ name: "V1" }], weights: { V1: 100 } }] },
                ['mesh.namespaces[1].name: "shop" is listed more than once. List each namespace once.', BAD_PORT, BAD_VERSION("services[0].versions[0]")],
            ],
        ],
        (raw) => raw,
    );

    describe("a verdict that names no keys it reads involves its own key", () => {
        // The defaults would make the verdict: the low default is above the high one.
        const schema = z.strictObject({ low: wholeNumber(0).default(9), high: wholeNumber(0).default(5) });
        const checks = (config: z.output<typeof schema>) => (config.low > config.high ? [{ path: ["low"], message: "is above high." }] : []);
        const cases: Array<[string, Record<string, unknown>, Array<{ key: string; message: string }>]> = [
            ["made when the key is valid", { low: 7 }, [{ key: "meshstack:low", message: "is above high." }]],
            ["waiting while it is invalid", { low: "7", high: 3 }, [{ key: "meshstack:low", message: 'expected a whole number of at least 0, got "7".' }]],
        ];
        for (const [name, raw, problems] of cases) {
            it(name, () => {
                assert.deepStrictEqual(validate(schema, raw, checks), { config: undefined, problems });
            });
        }
    });
});
