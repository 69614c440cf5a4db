/**
 * The data plane: what meshstack assumes about how a pod joins the mesh, behind one interface, with two
 * implementations: {@link SIDECAR} (Istio's injected sidecar proxy) and {@link AMBIENT} (a ztunnel per
 * node carries the pods' traffic; waypoints add L7 where it is needed). Everything else asks the data
 * plane: which label enrols a namespace, which keeps a pod out, what a meshed pod costs the capacity
 * budget, and what a workload's pods carry.
 */
import type { DataPlaneName } from "../model/istio";
import type { ResourceQuantities, ResourceRequirements } from "../model/resources";
import type { SidecarSize } from "../model/services";
import { sidecarAnnotations, sidecarSize } from "./traffic";
import { USE_WAYPOINT_LABEL } from "./ambient";

/** How pods join the mesh. */
export interface DataPlane {
    /** Its name. */
    name: DataPlaneName;
    /** The labels that enrol a namespace's pods. */
    namespaceLabels: Readonly<Record<string, string>>;
    /** The labels that keep a pod out of the mesh (meshstack's own Jobs and addons). */
    podOptOut: Readonly<Record<string, string>>;
    /** What one meshed pod adds to the mesh's requests: its proxy, at the service's size or the mesh's. */
    perPodRequests(own: SidecarSize | undefined, mesh: { requests: ResourceQuantities }): ResourceQuantities;
    /** What a workload's pods carry for their share of the data plane (app teams copy it from the `services` output). */
    workloadAnnotations(own: SidecarSize | undefined, mesh: ResourceRequirements): Record<string, string>;
}

/** Istio's injected sidecar: a proxy in every meshed pod, sized by annotations. */
export const SIDECAR: DataPlane = {
    name: "sidecar",
    namespaceLabels: { "istio-injection": "enabled" },
    podOptOut: { "sidecar.istio.io/inject": "false" },
    perPodRequests: (own, mesh) => (own === undefined ? mesh.requests : { cpu: own.cpu, memory: own.memory }),
    workloadAnnotations: (own, mesh) => sidecarAnnotations(sidecarSize(own, mesh)),
};

/** A pod's share of the ambient data plane: none (its node's ztunnel is counted per node). */
const NO_REQUESTS: ResourceQuantities = { cpu: "0", memory: "0" };

/**
 * Istio's ambient mode: pods are not changed; the node's ztunnel carries their traffic over HBONE (mTLS,
 * L4 policy), and a waypoint proxy adds L7 (routing, retries, L7 policy) for the services enrolled in it.
 * A namespace joins with `istio.io/dataplane-mode: ambient`; a pod stays out with the value `none`.
 */
export const AMBIENT: DataPlane = {
    name: "ambient",
    namespaceLabels: { "istio.io/dataplane-mode": "ambient" },
    podOptOut: { "istio.io/dataplane-mode": "none" },
    perPodRequests: () => NO_REQUESTS,
    workloadAnnotations: () => ({}),
};

/** Each data plane by its name. */
export const DATA_PLANES: Readonly<Record<DataPlaneName, DataPlane>> = { sidecar: SIDECAR, ambient: AMBIENT };

/** The data plane of a namespace: its own when it states one, else the mesh's. */
export function namespaceDataPlane(namespace: { dataPlane?: DataPlaneName | undefined }, mesh: DataPlaneName): DataPlane {
    return DATA_PLANES[namespace.dataPlane ?? mesh];
}

/** Whether any part of the mesh runs ambient: then ztunnel and istio-cni are installed. */
export function usesAmbient(mesh: DataPlaneName, namespaces: ReadonlyArray<{ dataPlane?: DataPlaneName | undefined }>): boolean {
    return mesh === "ambient" || namespaces.some((namespace) => namespace.dataPlane === "ambient");
}

/**
 * The labels a mesh namespace carries: its data plane's enrolment and, in ambient with a waypoint, the one
 * that sends its services' traffic through it (`istio.io/use-waypoint`).
 */
export function enrolmentLabels(plane: DataPlane, waypoint: string | undefined): Record<string, string> {
    return { ...plane.namespaceLabels, ...(waypoint === undefined ? {} : { [USE_WAYPOINT_LABEL]: waypoint }) };
}
