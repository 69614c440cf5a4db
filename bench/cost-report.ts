/**
 * The mesh's declared cost for a reference workload (the guides' 20 services × 2 replicas), by the same
 * arithmetic as the capacity budget (lib/capacity.ts): sidecars, istiod, the egress gateway and the
 * addons, at rest (each autoscaler at its minimum) and at most (at its maximum).
 */
import { addonChartDefaults } from "../lib/addons";
import { IstioDemandInput, meshDemand, meshOverhead, WorkloadDemand } from "../lib/capacity";
import { ResourceQuantities } from "../lib/quantity";

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

/** Istio's, Prometheus's and Kiali's chart defaults (the values files of the versions meshstack pins). */
export const CHART_DEFAULTS: CostScenario = {
    name: "Istio's chart defaults",
    istio: {
        // istiod chart values.yaml: global.proxy.resources.requests.
        proxy: { resources: { requests: { cpu: "100m", memory: "128Mi" } } },
        // istiod chart values.yaml: resources.requests; autoscaleMin 1, autoscaleMax 5.
        istiod: { replicas: 1, maxReplicas: 5, resources: { requests: { cpu: "500m", memory: "2048Mi" } } },
        // gateway chart values.yaml: resources.requests; autoscaling.minReplicas 1, maxReplicas 5.
        egressGateway: { replicas: 1, maxReplicas: 5, resources: { requests: { cpu: "100m", memory: "128Mi" } } },
    },
    // Each addon's chart's values.yaml (lib/addons/).
    addons: addonChartDefaults(),
};

/** The guides' tuned sidecar (50m / 64Mi). */
export const GUIDES_SIDECAR: ResourceQuantities = { cpu: "50m", memory: "64Mi" };

/** `scenario` with the guides' tuned sidecars. */
export function withGuidesSidecars(scenario: CostScenario, name: string): CostScenario {
    return { ...scenario, name, istio: { ...scenario.istio, proxy: { resources: { requests: GUIDES_SIDECAR } } } };
}
