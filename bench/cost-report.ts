/**
 * The mesh's declared cost for a reference workload (the guides' 20 services × 2 replicas), by the same
 * arithmetic as the capacity budget (lib/capacity.ts): sidecars, istiod, the egress gateway and the
 * addons, at rest (each autoscaler at its minimum) and at most (at its maximum).
 */
import { addonChartDefaults } from "../lib/addons";
import { IstioDemandInput, meshDemand, meshOverhead, WorkloadDemand } from "../lib/capacity";
import { MeshSize, prometheusMemory } from "../lib/sizing";

/** What one scenario runs. */
export interface CostScenario {
    /** Its name in the report. */
    name: string;
    /** Istio's part: sidecar, istiod and egress gateway requests and replicas. */
    istio: IstioDemandInput & { istiod: { replicas: number }; egressGateway: { replicas: number } };
    /** What the addons' pods request (`addonDemand`, or `addonChartDefaults`). */
    addons: WorkloadDemand[];
}

/** One line of the report. */
export interface CostLine {
    name: string;
    rest: { cpuMillicores: number; memoryMiB: number };
    max: { cpuMillicores: number; memoryMiB: number };
    /** At rest, relative to the first scenario (Istio's defaults). */
    ratio: { cpu: number; memory: number };
}

/** The reference workload: the guides' 20 services × 2 replicas. */
export const REFERENCE_PODS = 40;

/** The reference workload's size with Istio's default egress gateway (1 to 5 pods), as lib/sizing.ts counts it. */
export const REFERENCE_SIZE: MeshSize = { meshedPods: REFERENCE_PODS, gatewayPods: 5 };

function totals(istio: IstioDemandInput, scenario: CostScenario): { cpuMillicores: number; memoryMiB: number } {
    const overhead = meshOverhead(meshDemand(istio, REFERENCE_PODS, [], scenario.addons), [], 100);
    return { cpuMillicores: overhead.cpuMillicores, memoryMiB: overhead.memoryMiB };
}

/** The report: each scenario at rest and at most, and its ratio at rest to the first. */
export function costReport(scenarios: readonly CostScenario[]): CostLine[] {
    const lines = scenarios.map((scenario) => {
        const atRest: IstioDemandInput = {
            ...scenario.istio,
            istiod: { ...scenario.istio.istiod, maxReplicas: scenario.istio.istiod.replicas },
            egressGateway: { ...scenario.istio.egressGateway, maxReplicas: scenario.istio.egressGateway.replicas },
        };
        return { name: scenario.name, rest: totals(atRest, scenario), max: totals(scenario.istio, scenario) };
    });
    const base = lines[0].rest;
    const ratio = (value: number, of: number): number => (of === 0 ? 0 : Math.round((value / of) * 100) / 100);
    return lines.map((line) => ({
        ...line,
        ratio: { cpu: ratio(line.rest.cpuMillicores, base.cpuMillicores), memory: ratio(line.rest.memoryMiB, base.memoryMiB) },
    }));
}

/**
 * The chart defaults' addons, with Prometheus's real need in memory in place of the chart's no request:
 * Prometheus uses that memory whether or not its chart reserves it, so both sides of the comparison count it.
 */
function chartDefaultAddons(): WorkloadDemand[] {
    return addonChartDefaults().map((addon) =>
        addon.name === "prometheus" ? { ...addon, requests: { ...addon.requests, memory: prometheusMemory(REFERENCE_SIZE) } } : addon,
    );
}

/** Istio's, Prometheus's and Kiali's chart defaults (the values files of the versions meshstack pins). */
export const CHART_DEFAULTS: CostScenario = {
    name: "Istio's chart defaults, Prometheus's need counted",
    istio: {
        // istiod chart values.yaml: global.proxy.resources.requests.
        proxy: { resources: { requests: { cpu: "100m", memory: "128Mi" } } },
        // istiod chart values.yaml: resources.requests; autoscaleMin 1, autoscaleMax 5.
        istiod: { replicas: 1, maxReplicas: 5, resources: { requests: { cpu: "500m", memory: "2048Mi" } } },
        // gateway chart values.yaml: resources.requests; autoscaling.minReplicas 1, maxReplicas 5.
        egressGateway: { replicas: 1, maxReplicas: 5, resources: { requests: { cpu: "100m", memory: "128Mi" } } },
    },
    // Each addon's chart's values.yaml (lib/addons/), Prometheus's memory as above.
    addons: chartDefaultAddons(),
};

/** The target of issue 20: prod's memory at rest at most this share of Istio's defaults. */
export const PROD_MEMORY_TARGET = 0.75;
