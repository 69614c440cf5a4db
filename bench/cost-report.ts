/**
 * The mesh's declared cost for a reference workload (the guides' 20 services × 2 replicas), by the same
 * arithmetic as the capacity budget (lib/capacity.ts): sidecars, istiod, the egress gateway and the
 * addons, at rest (each autoscaler at its minimum) and at most (at its maximum).
 */
import { addonChartDefaults } from "../lib/addons";
import { IstioDemandInput, meshDemand, MeshLayout, meshOverhead, ServiceDemandInput, WorkloadDemand } from "../lib/capacity";
import { CNI_RESOURCES } from "../lib/ambient";
import { DATA_PLANES } from "../lib/data-plane";
import { parseCpu, parseMemory } from "../lib/quantity";
import type { DataPlaneName } from "../model/istio";
import { MeshSize, prometheusMemory } from "../lib/sizing";

/** What one scenario runs. */
export interface CostScenario {
    /** Its name in the report. */
    name: string;
    /** Istio's part: sidecar, istiod and egress gateway requests and replicas. */
    istio: IstioDemandInput & { istiod: { replicas: number }; egressGateway: { replicas: number } };
    /** What the addons' pods request (`addonDemand`, or `addonChartDefaults`). */
    addons: WorkloadDemand[];
    /** The namespaces' data planes and the pool's nodes (ambient's node agents run on each). */
    layout: MeshLayout;
    /** The services it declares (their pods count among the reference workload's, at their own size). */
    services: ServiceDemandInput[];
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
    const declared = scenario.services.reduce((pods, service) => pods + service.replicas, 0);
    const others = Math.max(REFERENCE_PODS - declared, 0);
    const overhead = meshOverhead(meshDemand(istio, others, scenario.services, scenario.addons, scenario.layout), [], 100);
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
        dataPlane: "sidecar",
        // istiod chart values.yaml: global.proxy.resources.requests.
        proxy: { resources: { requests: { cpu: "100m", memory: "128Mi" } } },
        // istiod chart values.yaml: resources.requests; autoscaleMin 1, autoscaleMax 5.
        istiod: { replicas: 1, maxReplicas: 5, resources: { requests: { cpu: "500m", memory: "2048Mi" } } },
        // gateway chart values.yaml: resources.requests; autoscaling.minReplicas 1, maxReplicas 5.
        egressGateway: { replicas: 1, maxReplicas: 5, resources: { requests: { cpu: "100m", memory: "128Mi" } } },
        // Not installed with sidecars; the ztunnel and cni charts' own requests.
        ztunnel: { resources: { requests: { cpu: "200m", memory: "512Mi" } } },
        cni: { resources: { requests: CNI_RESOURCES.requests } },
        // istiod chart values.yaml: global.waypoint.resources.requests (one replica).
        waypoint: { replicas: 1, resources: { requests: { cpu: "100m", memory: "128Mi" } } },
    },
    // The prod stack's three nodes (ambient's node agents only).
    layout: { namespaces: [], nodes: 3 },
    services: [],
    // Each addon's chart's values.yaml (lib/addons/), Prometheus's memory as above.
    addons: chartDefaultAddons(),
};

/** The target of issue 20: prod's memory at rest at most this share of Istio's defaults. */
export const PROD_MEMORY_TARGET = 0.75;

/** The target of issue 21: prod in ambient, at most this share of Istio's (sidecar) defaults in memory. */
export const AMBIENT_MEMORY_TARGET = 0.5;

/** Meshed pods on one dense node (the issue's figure for our users' KVM nodes). */
export const DENSE_NODE_PODS = 30;

/** One data plane's cost on a dense node. */
export interface DenseNodeLine {
    dataPlane: DataPlaneName;
    /** What the data plane requests on a node running {@link DENSE_NODE_PODS} meshed pods. */
    perNode: { cpuMillicores: number; memoryMiB: number };
    /** That, per meshed pod. */
    perPod: { cpuMillicores: number; memoryMiB: number };
    /** What one more meshed pod on the node adds. */
    perAdditionalPod: { cpuMillicores: number; memoryMiB: number };
}

/**
 * Each data plane on a node with {@link DENSE_NODE_PODS} meshed pods: with sidecars, a proxy per pod; in
 * ambient, the node's ztunnel and CNI agent whatever the pods (waypoints are per namespace, not per node,
 * and counted in the report above).
 */
export function denseNode(istio: Pick<IstioDemandInput, "proxy" | "ztunnel" | "cni">): DenseNodeLine[] {
    const millicores = (cpu: string): number => parseCpu(cpu) ?? 0;
    const mib = (memory: string): number => (parseMemory(memory) ?? 0) / 2 ** 20;
    const round = (value: number): number => Math.round(value * 10) / 10;
    const line = (dataPlane: DataPlaneName, perPodCpu: number, perPodMiB: number, agentCpu: number, agentMiB: number): DenseNodeLine => {
        const perNode = { cpuMillicores: agentCpu + perPodCpu * DENSE_NODE_PODS, memoryMiB: agentMiB + perPodMiB * DENSE_NODE_PODS };
        return {
            dataPlane,
            perNode,
            perPod: { cpuMillicores: round(perNode.cpuMillicores / DENSE_NODE_PODS), memoryMiB: round(perNode.memoryMiB / DENSE_NODE_PODS) },
            perAdditionalPod: { cpuMillicores: perPodCpu, memoryMiB: perPodMiB },
        };
    };
    const sidecar = DATA_PLANES.sidecar.perPodRequests(undefined, istio.proxy.resources);
    const ambient = DATA_PLANES.ambient.perPodRequests(undefined, istio.proxy.resources);
    const agents = [istio.ztunnel.resources.requests, istio.cni.resources.requests];
    return [
        line("sidecar", millicores(sidecar.cpu), mib(sidecar.memory), 0, 0),
        line(
            "ambient",
            millicores(ambient.cpu),
            mib(ambient.memory),
            agents.reduce((sum, agent) => sum + millicores(agent.cpu), 0),
            agents.reduce((sum, agent) => sum + mib(agent.memory), 0),
        ),
    ];
}
