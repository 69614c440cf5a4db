/**
 * The mesh's capacity budget: what the mesh requests (its data plane's share of every meshed pod,
 * istiod and the egress gateway at their maximum, the addons) against what the node pool has. Pure arithmetic on
 * Kubernetes quantities, through lib/quantity.ts.
 */
import { parseCpu, parseMemory, ResourceQuantities } from "./quantity";
import { DATA_PLANES, DataPlane, namespaceDataPlane, usesAmbient } from "./data-plane";
import { ambientNodeDemand } from "./ambient";
import { byText } from "./objects";
import type { DataPlaneName } from "../model/istio";

/** One workload's share of the mesh: `replicas` pods, each requesting `requests`. */
export interface WorkloadDemand {
    /** What it is, e.g. `sidecars`, `istiod`. */
    name: string;
    /** How many pods are counted (the maximum a workload may scale to). */
    replicas: number;
    /** What each pod requests. */
    requests: ResourceQuantities;
}

/** One node's capacity. */
export interface NodeCapacity {
    /** Dedicated vCPUs. */
    vcpus: number;
    /** Memory, as a Kubernetes quantity. */
    memory: string;
}

/** One workload's line in {@link MeshOverhead}. */
export interface WorkloadOverhead {
    name: string;
    replicas: number;
    cpuMillicores: number;
    memoryMiB: number;
}

/** The mesh's requested overhead and its share of the pool (the `meshOverhead` stack output). */
export interface MeshOverhead {
    /** CPU the mesh requests, in millicores. */
    cpuMillicores: number;
    /** Memory the mesh requests, in MiB. */
    memoryMiB: number;
    /** The pool's CPU and memory. */
    pool: { cpuMillicores: number; memoryMiB: number };
    /** The mesh's share of the pool's CPU and memory, in percent (one decimal). */
    sharePercent: { cpu: number; memory: number };
    /** The largest share allowed. */
    maxSharePercent: number;
    /** Neither share is above the largest allowed (compared before rounding). */
    withinBudget: boolean;
    /** Each workload's part. */
    workloads: WorkloadOverhead[];
}

const MIB = 2 ** 20;

function round(value: number, decimals: number): number {
    const factor = 10 ** decimals;
    return Math.round(value * factor) / factor;
}

/** `part` as a percentage of `total`, to one decimal (in per-mille first, so 28.75 rounds to 28.8). */
function percent(part: number, total: number): number {
    return total === 0 ? 0 : Math.round((part * 1000) / total) / 10;
}

function quantity(parse: (text: string) => number | undefined, text: string): number {
    const value = parse(text);
    if (value === undefined) {
        throw new Error(`not a quantity: ${JSON.stringify(text)} (config validation should have refused it)`);
    }
    return value;
}

/** The mesh's overhead from its workloads, against the pool's nodes. */
export function meshOverhead(
    workloads: readonly WorkloadDemand[],
    nodes: readonly NodeCapacity[],
    maxSharePercent: number,
): MeshOverhead {
    const lines = workloads.map((workload) => ({
        name: workload.name,
        replicas: workload.replicas,
        cpu: quantity(parseCpu, workload.requests.cpu) * workload.replicas,
        memory: quantity(parseMemory, workload.requests.memory) * workload.replicas,
    }));
    const cpu = lines.reduce((sum, line) => sum + line.cpu, 0);
    const memory = lines.reduce((sum, line) => sum + line.memory, 0);
    const poolCpu = nodes.reduce((sum, node) => sum + node.vcpus * 1000, 0);
    const poolMemory = nodes.reduce((sum, node) => sum + quantity(parseMemory, node.memory), 0);
    return {
        cpuMillicores: round(cpu, 1),
        memoryMiB: round(memory / MIB, 1),
        pool: { cpuMillicores: poolCpu, memoryMiB: round(poolMemory / MIB, 1) },
        sharePercent: { cpu: percent(cpu, poolCpu), memory: percent(memory, poolMemory) },
        maxSharePercent,
        withinBudget: cpu * 100 <= maxSharePercent * poolCpu && memory * 100 <= maxSharePercent * poolMemory,
        workloads: lines.map((line) => ({
            name: line.name,
            replicas: line.replicas,
            cpuMillicores: round(line.cpu, 1),
            memoryMiB: round(line.memory / MIB, 1),
        })),
    };
}

/** The mesh asks for more of the pool's CPU or memory than its budget allows. */
export function overBudget(overhead: MeshOverhead): boolean {
    return !overhead.withinBudget;
}

/** `12345.6` as `12,345.6`: the same on every machine, whatever its locale. */
export function grouped(value: number): string {
    const [whole, fraction] = String(value).split(".");
    const withCommas = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return fraction === undefined ? withCommas : `${withCommas}.${fraction}`;
}

/** The parts of the Istio settings the budget reads. */
export interface IstioDemandInput {
    /** The data plane of the meshed pods no service declares, and of every namespace that states none. */
    dataPlane: DataPlaneName;
    proxy: { resources: { requests: ResourceQuantities } };
    istiod: { maxReplicas: number; resources: { requests: ResourceQuantities } };
    egressGateway: { maxReplicas: number; resources: { requests: ResourceQuantities } };
    ztunnel: { resources: { requests: ResourceQuantities } };
    cni: { resources: { requests: ResourceQuantities } };
    waypoint: { replicas: number; resources: { requests: ResourceQuantities } };
}

/** A declared service's pods, as the budget counts them. */
export interface ServiceDemandInput {
    name: string;
    namespace: string;
    replicas: number;
    /** The sidecar requests its pods declare; the mesh's proxy requests when absent. */
    sidecar?: { cpu: string; memory: string } | undefined;
}

/** Where the mesh's pods run: the namespaces' own data planes, and the pool's nodes (ambient's agents run on each). */
export interface MeshLayout {
    namespaces: ReadonlyArray<{ name: string; dataPlane?: DataPlaneName | undefined }>;
    nodes: number;
    /** The egress waypoint's namespace, when ambient pods leave the mesh through one (an allowlist, and ambient in use). */
    egressWaypoint?: string | undefined;
}

/**
 * What the mesh requests at most: a sidecar per other meshed pod (`meshedPods`) and per pod of each
 * declared service (at the size it declares) where the data plane is sidecar, nothing per pod where it
 * is ambient but a ztunnel and a CNI agent per node, and a waypoint per ambient namespace with services;
 * istiod and the egress gateway at their autoscalers' maximum (the pre-flight Jobs are short-lived and
 * not counted).
 */
export function meshDemand(
    istio: IstioDemandInput,
    meshedPods: number,
    services: readonly ServiceDemandInput[],
    addons: readonly WorkloadDemand[],
    layout: MeshLayout,
): WorkloadDemand[] {
    const planes = new Map(layout.namespaces.map((namespace) => [namespace.name, namespaceDataPlane(namespace, istio.dataPlane)]));
    const planeOf = (namespace: string): DataPlane => planes.get(namespace) ?? DATA_PLANES[istio.dataPlane];
    const mesh = DATA_PLANES[istio.dataPlane];
    return [
        ...(mesh.name === "sidecar" ? [{ name: "sidecars", replicas: meshedPods, requests: mesh.perPodRequests(undefined, istio.proxy.resources) }] : []),
        ...services
            .filter((service) => planeOf(service.namespace).name === "sidecar")
            .map((service) => ({
                name: `sidecars of ${service.namespace}/${service.name}`,
                replicas: service.replicas,
                requests: planeOf(service.namespace).perPodRequests(service.sidecar, istio.proxy.resources),
            })),
        { name: "istiod", replicas: istio.istiod.maxReplicas, requests: istio.istiod.resources.requests },
        { name: "egress gateway", replicas: istio.egressGateway.maxReplicas, requests: istio.egressGateway.resources.requests },
        ...(usesAmbient(istio.dataPlane, layout.namespaces)
            ? ambientNodeDemand(layout.nodes, { ztunnel: istio.ztunnel.resources, cni: istio.cni.resources })
            : []),
        ...[...new Set(services.map((service) => service.namespace))]
            .filter((namespace) => planeOf(namespace).name === "ambient")
            .sort(byText)
            .map((namespace) => ({ name: `waypoint of ${namespace}`, replicas: istio.waypoint.replicas, requests: istio.waypoint.resources.requests })),
        ...(layout.egressWaypoint !== undefined && usesAmbient(istio.dataPlane, layout.namespaces)
            ? [{ name: `egress waypoint of ${layout.egressWaypoint}`, replicas: istio.waypoint.replicas, requests: istio.waypoint.resources.requests }]
            : []),
        ...addons,
    ];
}
