/**
 * The benchmark's code at N = 10 (correctness only, no timing, so it cannot rot) and the cost report's
 * figures.
 */
import * as assert from "assert";
import { median, ratio, SizeResult, verdict } from "../bench/bench";
import { replay, sdkClass, shapeOf } from "../bench/floor";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { costTable, scenarios } from "../bench/cost";
import { benchConfig, seeded } from "../bench/generate";
import { measure } from "../bench/run-one";
import { AMBIENT_MEMORY_TARGET, CHART_DEFAULTS, costReport, denseNode, PROD_MEMORY_TARGET } from "../bench/cost-report";
import { runProgram } from "./harness";

describe("benchmark", () => {
    it("generates the same config from the same seed, and another from another", () => {
        assert.deepStrictEqual(benchConfig(10), benchConfig(10));
        assert.notDeepStrictEqual(benchConfig(10, 1), benchConfig(10, 2));
        const first = seeded(1);
        // mulberry32 from seed 1, checked against an independent implementation: 0.627074…, 0.002736…
        assert.deepStrictEqual([first(), first()].map((value) => Math.round(value * 1e6)), [627074, 2736]);
    });

    it("spreads N services over N/5 mesh namespaces, each with two versions and resilience settings", () => {
        const config = benchConfig(10);
        const services = JSON.parse(config["meshstack:services"]) as Array<{ namespace: string; versions: unknown[]; timeout: string }>;
        const mesh = JSON.parse(config["meshstack:mesh"]) as { namespaces: Array<{ name: string }> };
        assert.strictEqual(services.length, 10);
        assert.deepStrictEqual(mesh.namespaces.map((namespace) => namespace.name), ["team-000", "team-001"]);
        assert.ok(services.every((service) => service.versions.length === 2 && service.timeout === "2s"));
    });

    it("evaluates the real program at N = 10, every resource it declares counted", async () => {
        const result = await measure(10);
        // The count the program's own run gives (in this process): a new resource kind changes both.
        const run = await runProgram("bench", benchConfig(10));
        assert.deepStrictEqual([result.services, result.resources], [10, run.resources.length]);
        assert.ok(result.ms > 0 && result.peakRssMiB > 0);
    });

    it("the floor declares the same shape with no logic: every resource, type, parent, dependsOn and provider", async () => {
        const run = await runProgram("bench", benchConfig(10));
        const floor = await runProgram("bench", {}, { program: () => replay(JSON.parse(JSON.stringify(shapeOf(run))) as ReturnType<typeof shapeOf>) });
        const outline = (resources: typeof run.resources): string[][] =>
            resources.map((resource) => [resource.type, resource.name, resource.parent, resource.dependsOn.join(","), resource.provider ?? "", resource.readId ?? ""]);
        // The stack's own children aside (the floor's stack is the program's too), the same resources.
        assert.deepStrictEqual(outline(floor.resources), outline(run.resources));
        assert.deepStrictEqual(floor.resource("meshstack-istio-base").inputs, run.resource("meshstack-istio-base").inputs);
    });

    it("the floor declares each type with the SDK class the program uses", () => {
        const cases: Array<[string, unknown]> = [
            ["kubernetes:core/v1:Namespace", k8s.core.v1.Namespace],
            ["kubernetes:networking.k8s.io/v1:NetworkPolicy", k8s.networking.v1.NetworkPolicy],
            ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", k8s.rbac.v1.ClusterRole],
            ["kubernetes:helm.sh/v4:Chart", k8s.helm.v4.Chart],
            ["kubernetes:networking.istio.io/v1:VirtualService", k8s.apiextensions.CustomResource],
            ["pulumi:providers:kubernetes", k8s.Provider],
            ["random:index/randomPassword:RandomPassword", random.RandomPassword],
        ];
        assert.deepStrictEqual(
            cases.map(([type]) => [type, sdkClass(type)]),
            cases,
        );
        assert.throws(() => sdkClass("aws:s3/bucket:Bucket"), { message: "the floor cannot declare a aws:s3/bucket:Bucket" });
    });

    it("takes the median and judges the targets", () => {
        assert.deepStrictEqual([median([3, 1, 2]), median([4, 1, 3, 2])], [2, 2.5]);
        const result = (services: number, medianMs: number, peakRssMiB = 500, floorRatio = 1.1): SizeResult => ({
            services,
            resources: 0,
            medianMs,
            runsMs: [],
            peakRssMiB,
            floor: { medianMs: 0, runsMs: [], peakRssMiB: 0 },
            floorRatio,
        });
        assert.deepStrictEqual(verdict([result(100, 1000), result(1000, 9000)]), { growth: 9, withinTargets: true });
        assert.deepStrictEqual(verdict([result(100, 1000), result(1000, 12700)]), { growth: 12.7, withinTargets: false });
        assert.deepStrictEqual(verdict([result(100, 500), result(1000, 7000)]), { growth: 14, withinTargets: false });
        assert.deepStrictEqual(verdict([result(100, 1000), result(1000, 9000, 1100)]), { growth: 9, withinTargets: false });
        assert.deepStrictEqual(verdict([result(100, 1000), result(1000, 9000, 500, 1.2)]), { growth: 9, withinTargets: true });
        assert.deepStrictEqual(verdict([result(100, 1000, 500, 1.21), result(1000, 9000)]), { growth: 9, withinTargets: false });
        assert.deepStrictEqual([ratio(1150, 1000), ratio(1, 3)], [1.15, 0.33]);
    });
});

describe("mesh cost report", () => {
    it("Istio's defaults for 20 services × 2 replicas, Prometheus's need counted", () => {
        assert.deepStrictEqual(costReport([CHART_DEFAULTS]), [
            {
                name: "Istio's chart defaults, Prometheus's need counted",
                // 40 × 100m/128Mi + istiod 500m/2Gi + gateway 100m/128Mi + Kiali 10m/64Mi + Prometheus 0m/704Mi
                // (512Mi + 45 proxies × 2.86 MiB, in 64Mi steps).
                rest: { cpuMillicores: 4610, memoryMiB: 8064 },
                // istiod and the gateway at their autoscalers' maximum, 5 each.
                max: { cpuMillicores: 7010, memoryMiB: 16768 },
                ratio: { cpu: 1, memory: 1 },
            },
        ]);
    });

    it("the shipped stacks, by the same arithmetic as their budget; prod within the target", () => {
        const lines = costReport(scenarios());
        assert.deepStrictEqual(
            lines.map((line) => [line.name, line.rest, line.max, line.ratio]),
            [
                ["Istio's chart defaults, Prometheus's need counted", { cpuMillicores: 4610, memoryMiB: 8064 }, { cpuMillicores: 7010, memoryMiB: 16768 }, { cpu: 1, memory: 1 }],
                // 40 × 50m/96Mi + istiod 100m/256Mi (12 proxies, the floors) + gateway 50m/64Mi + Prometheus 100m/576Mi + reloader 10m/32Mi + Kiali 10m/64Mi.
                ["meshstack dev", { cpuMillicores: 2270, memoryMiB: 4832 }, { cpuMillicores: 2270, memoryMiB: 4832 }, { cpu: 0.49, memory: 0.6 }],
                // 40 × 50m/96Mi + 2 × istiod 500m/256Mi (45 proxies) + 2 × gateway 100m/128Mi + Prometheus 500m/704Mi + reloader + Kiali 30m/128Mi.
                // checkout's 4 pods at its own 50m/64Mi.
                ["meshstack prod", { cpuMillicores: 3740, memoryMiB: 5344 }, { cpuMillicores: 5540, memoryMiB: 6496 }, { cpu: 0.81, memory: 0.66 }],
                // No sidecars; 3 nodes × (ztunnel 50m/64Mi + istio-cni 100m/100Mi), and 2 namespaces' and the egress waypoint × 2 at 100m/128Mi, in their place.
                ["meshstack prod, ambient", { cpuMillicores: 2790, memoryMiB: 2892 }, { cpuMillicores: 4590, memoryMiB: 4044 }, { cpu: 0.61, memory: 0.36 }],
            ],
        );
        const prod = lines.find((line) => line.name === "meshstack prod");
        assert.ok(prod !== undefined && prod.ratio.memory <= PROD_MEMORY_TARGET);
        const ambient = lines.find((line) => line.name === "meshstack prod, ambient");
        assert.ok(ambient !== undefined && ambient.ratio.memory <= AMBIENT_MEMORY_TARGET);
        assert.ok(costTable(lines).startsWith("| scenario | at rest: CPU |"));
    });
});

describe("a dense node, per data plane", () => {
    it("sidecars cost per pod; ambient costs per node, and nothing per additional pod", () => {
        const requests = (cpu: string, memory: string) => ({ resources: { requests: { cpu, memory } } });
        assert.deepStrictEqual(denseNode({ proxy: requests("50m", "96Mi"), ztunnel: requests("50m", "64Mi"), cni: requests("100m", "100Mi") }), [
            {
                dataPlane: "sidecar",
                perNode: { cpuMillicores: 1500, memoryMiB: 2880 },
                perPod: { cpuMillicores: 50, memoryMiB: 96 },
                perAdditionalPod: { cpuMillicores: 50, memoryMiB: 96 },
            },
            {
                dataPlane: "ambient",
                perNode: { cpuMillicores: 150, memoryMiB: 164 },
                perPod: { cpuMillicores: 5, memoryMiB: 5.5 },
                perAdditionalPod: { cpuMillicores: 0, memoryMiB: 0 },
            },
        ]);
    });
});
