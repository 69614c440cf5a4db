/**
 * The data plane choice in config: `meshstack:istio.dataPlane` and a namespace's own, and the keys that
 * mean nothing where no sidecar runs.
 */
import * as assert from "assert";
import { errorOf, HEADER_ONE, parse, POOL } from "./config-fixtures";

const SHOP = { name: "checkout", namespace: "shop", port: 8080, versions: [{ name: "v1" }], weights: { v1: 100 } };

describe("data plane config", () => {
    it("defaults to sidecar; a namespace states its own or takes the mesh's", () => {
        const config = parse({ mesh: { namespaces: [{ name: "shop", dataPlane: "ambient" }, { name: "backend" }] } });
        assert.deepStrictEqual(
            [config.istio.dataPlane, config.mesh.namespaces.map((namespace) => namespace.dataPlane)],
            ["sidecar", ["ambient", undefined]],
        );
        assert.strictEqual(parse({ istio: { dataPlane: "ambient" } }).istio.dataPlane, "ambient");
    });

    it("refuses a data plane it does not know, naming the two it does", () => {
        assert.strictEqual(
            errorOf({ istio: { dataPlane: "ztunnel" } }),
            `${HEADER_ONE}\n  - meshstack:istio.dataPlane: expected one of "sidecar", "ambient", got "ztunnel".`,
        );
    });

    const cases: Array<[string, Record<string, unknown>, string]> = [
        [
            "a service's sidecar size in a namespace of an ambient mesh",
            { istio: { dataPlane: "ambient" }, mesh: { namespaces: [{ name: "shop" }] }, services: [{ ...SHOP, sidecar: { cpu: "50m", memory: "64Mi" } }] },
            '  - meshstack:services[0].sidecar: sizes a sidecar, and "shop" runs ambient (meshstack:istio.dataPlane): its pods have no sidecar, the ztunnel of their node carries their traffic. Remove it, or set meshstack:mesh.namespaces[0].dataPlane to "sidecar".',
        ],
        [
            "a service's sidecar size in a namespace moved to ambient",
            { mesh: { namespaces: [{ name: "backend" }, { name: "shop", dataPlane: "ambient" }] }, services: [{ ...SHOP, sidecar: { cpu: "50m", memory: "64Mi" } }] },
            '  - meshstack:services[0].sidecar: sizes a sidecar, and "shop" runs ambient (meshstack:mesh.namespaces[1].dataPlane): its pods have no sidecar, the ztunnel of their node carries their traffic. Remove it, or set meshstack:mesh.namespaces[1].dataPlane to "sidecar".',
        ],
        [
            "a service's retries in an ambient namespace",
            {
                mesh: { namespaces: [{ name: "shop", dataPlane: "ambient" }] },
                services: [{ ...SHOP, timeout: "2s", retries: { attempts: 3, perTryTimeout: "500ms" } }],
            },
            '  - meshstack:services[0].retries: "shop" runs ambient (meshstack:mesh.namespaces[0].dataPlane), where the route is an HTTPRoute, and the Gateway API\'s standard channel (v1.6.1, which meshstack installs) has no retry field until v1.7; the waypoint would retry by Istio\'s default instead (2 attempts on connect-failure, refused-stream, unavailable, cancelled, retriable-status-codes). Remove the retries, or set meshstack:mesh.namespaces[0].dataPlane to "sidecar".',
        ],
        [
            "the mesh's sidecar size where no pod gets a sidecar",
            { istio: { dataPlane: "ambient", proxy: { resources: { requests: { cpu: "50m" } } } }, mesh: { namespaces: [{ name: "shop" }] } },
            '  - meshstack:istio.proxy: sizes the sidecars, and no pod gets one: meshstack:istio.dataPlane is "ambient" and no namespace states "sidecar". Remove it (ztunnel and the waypoints are sized on their own), or set a namespace\'s meshstack:mesh.namespaces[].dataPlane to "sidecar".',
        ],
    ];
    for (const [name, raw, problem] of cases) {
        it(`refuses ${name}`, () => {
            assert.strictEqual(errorOf({ nodePool: POOL, ...raw }), `${HEADER_ONE}\n${problem}`);
        });
    }

    it("refuses one waypoint replica in a highly available stack, as it does istiod's", () => {
        assert.strictEqual(
            errorOf({ highAvailability: true, istio: { waypoint: { replicas: 1 } } }),
            `${HEADER_ONE}\n  - meshstack:istio.waypoint.replicas: 1 replica cannot stay available through a node drain, which meshstack:highAvailability requires. Set 2 or more, or set meshstack:highAvailability to false (dev stacks only).`,
        );
    });

    it("accepts the same keys where sidecars still run (in one namespace of two)", () => {
        const config = parse({
            istio: { dataPlane: "ambient", proxy: { resources: { requests: { cpu: "50m" } } } },
            mesh: { namespaces: [{ name: "shop", dataPlane: "sidecar" }, { name: "backend" }] },
            services: [{ ...SHOP, sidecar: { cpu: "50m", memory: "64Mi" } }],
        });
        assert.deepStrictEqual([config.istio.proxy.resources.requests.cpu, config.services[0].sidecar?.memory], ["50m", "64Mi"]);
        // A key with no value counts as not set.
        assert.strictEqual(parse({ istio: { dataPlane: "ambient", proxy: null } }).istio.dataPlane, "ambient");
    });
});
