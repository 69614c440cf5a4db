/**
 * Defaults sized from evidence (lib/sizing.ts): the rules, the declared mesh size they follow, how a set
 * request or limit wins, and the README's generated cost section.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { declaredMeshSize } from "../config";
import { COST_FILE, costSection } from "../bench/cost";
import { EVIDENCE, istiodRequests, prometheusMemory, proxiesOf } from "../lib/sizing";
import { errorOf, HEADER_ONE, parse, POOL } from "./config-fixtures";
import { PROJECT_ROOT } from "./harness";

/** A pool with room for thousands of meshed pods. */
const BIG_POOL = { nodes: ["node-a", "node-b"].map((name) => ({ name, vcpus: 256, memory: "1Ti" })) };

describe("sizing from evidence", () => {
    const cases: Array<{ meshedPods: number; gatewayPods: number; autoscaled: boolean; istiod: { cpu: string; memory: string }; prometheus: string }> = [
        // An empty mesh: istiod's floors (100m, 256Mi); Prometheus's fixed part.
        { meshedPods: 0, gatewayPods: 0, autoscaled: false, istiod: { cpu: "100m", memory: "256Mi" }, prometheus: "512Mi" },
        // dev: 11 meshed pods, 1 gateway pod (10m + 5.9m and 100Mi + 8 MiB, below the floors; 512Mi + 34 MiB → 576Mi).
        { meshedPods: 11, gatewayPods: 1, autoscaled: false, istiod: { cpu: "100m", memory: "256Mi" }, prometheus: "576Mi" },
        // prod: 40 and 5 (100Mi + 29.9 MiB, below the floor; 512Mi + 128.7 MiB → 704Mi); the autoscaler's 500m.
        { meshedPods: 40, gatewayPods: 5, autoscaled: true, istiod: { cpu: "500m", memory: "256Mi" }, prometheus: "704Mi" },
        // 300 proxies: the slope passes the floors (10m + 148.5m → 160m; 100Mi + 199.6 MiB → 320Mi).
        { meshedPods: 300, gatewayPods: 0, autoscaled: false, istiod: { cpu: "160m", memory: "320Mi" }, prometheus: "1408Mi" },
        // Istio's load test, 2,000 sidecars: back to its 1 vCPU and 1.5 GB (1,430.5 MiB, in 64Mi steps).
        { meshedPods: 2000, gatewayPods: 0, autoscaled: false, istiod: { cpu: "1000m", memory: "1472Mi" }, prometheus: "6272Mi" },
        // Above the autoscaler's floor, the slope wins.
        { meshedPods: 3000, gatewayPods: 0, autoscaled: true, istiod: { cpu: "1500m", memory: "2112Mi" }, prometheus: "9152Mi" },
    ];
    for (const c of cases) {
        it(`${c.meshedPods} meshed pods and ${c.gatewayPods} gateway pods${c.autoscaled ? ", autoscaled" : ""}`, () => {
            const size = { meshedPods: c.meshedPods, gatewayPods: c.gatewayPods };
            assert.strictEqual(proxiesOf(size), c.meshedPods + c.gatewayPods);
            assert.deepStrictEqual(istiodRequests(size, c.autoscaled), c.istiod);
            assert.strictEqual(prometheusMemory(size), c.prometheus);
        });
    }

    it("counts the budget's pods, every service's replicas and the gateway's maximum", () => {
        const config = parse({
            nodePool: { ...POOL, budget: { meshedPods: 7 } },
            mesh: { namespaces: [{ name: "shop" }] },
            services: [
                { name: "a", namespace: "shop", port: 80, versions: [{ name: "v1" }], weights: { v1: 100 }, replicas: 3 },
                { name: "b", namespace: "shop", port: 80, versions: [{ name: "v1" }], weights: { v1: 100 }, replicas: 4 },
            ],
            istio: { egressGateway: { replicas: 2, maxReplicas: 6 } },
        });
        assert.deepStrictEqual(declaredMeshSize(config), { meshedPods: 14, gatewayPods: 6 });
        // 20 proxies: istiod at its 256Mi floor; Prometheus 512Mi + 57.2 MiB → 576Mi.
        assert.deepStrictEqual(config.istio.istiod.resources.requests, { cpu: "500m", memory: "256Mi" });
        assert.strictEqual(config.observability.prometheus.resources.requests.memory, "576Mi");
    });

    it("keeps a request that is set, field by field", () => {
        const config = parse({
            istio: { istiod: { resources: { requests: { memory: "3Gi" } } } },
            observability: { prometheus: { resources: { requests: { cpu: "1", memory: "1Gi" } } } },
        });
        assert.deepStrictEqual(config.istio.istiod.resources, {
            requests: { cpu: "500m", memory: "3Gi" },
            limits: { cpu: "2000m", memory: "4Gi" },
        });
        assert.deepStrictEqual(config.observability.prometheus.resources, {
            requests: { cpu: "1", memory: "1Gi" },
            limits: { cpu: "2000m", memory: "4Gi" },
        });
    });

    it("raises an unset limit to a larger request, sized or set", () => {
        // 5,000 meshed pods and 1 gateway pod: istiod 100Mi + 3,327 MiB → 3456Mi, above dev's 1Gi limit.
        const config = parse({ highAvailability: false, nodePool: { ...BIG_POOL, budget: { meshedPods: 5000, maxMeshPercent: 100 } } });
        assert.deepStrictEqual(config.istio.istiod.resources, {
            requests: { cpu: "2490m", memory: "3456Mi" },
            limits: { cpu: "2490m", memory: "3456Mi" },
        });
        const prometheus = parse({ observability: { prometheus: { resources: { requests: { cpu: "3" } } } } }).observability.prometheus.resources;
        assert.deepStrictEqual(prometheus.limits, { cpu: "3", memory: "4Gi" });
    });

    it("refuses a limit set below a sized request, naming both keys", () => {
        assert.strictEqual(
            errorOf({ nodePool: { ...BIG_POOL, budget: { meshedPods: 2000, maxMeshPercent: 100 } }, istio: { istiod: { resources: { limits: { memory: "1Gi" } } } } }),
            `${HEADER_ONE}\n` +
                '  - meshstack:istio.istiod.resources.requests.memory: "1472Mi" is above its limit "1Gi" (meshstack:istio.istiod.resources.limits.memory), which Kubernetes rejects. Lower the request or raise the limit.',
        );
    });

    it("gives every default a value and a source", () => {
        assert.deepStrictEqual(
            EVIDENCE.map((row) => [row.what, row.value]),
            [
                ["sidecar request (`istio.proxy.resources.requests`)", "50m / 96Mi"],
                ["istiod memory request", "100Mi + 0.665 MiB per proxy, in 64Mi steps; at least 256Mi"],
                ["istiod CPU request", "10m + 0.495m per proxy, in 10m steps; at least 100m, 500m with an autoscaler"],
                ["egress gateway request", "100m / 128Mi"],
                ["Prometheus memory request", "512Mi + 2.86 MiB per proxy, in 64Mi steps"],
                ["Prometheus CPU request", "500m (100m without highAvailability)"],
                ["Kiali request (highAvailability)", "30m / 128Mi"],
            ],
        );
        assert.ok(EVIDENCE.every((row) => row.source.length > 80));
    });

    it("the cost document's generated section is what the report and the evidence render (run `npm run docs`)", () => {
        const document = fs.readFileSync(path.join(PROJECT_ROOT, COST_FILE), "utf8");
        assert.ok(document.includes(costSection()), `${COST_FILE}'s cost section differs from \`npm run cost\``);
    });
});
