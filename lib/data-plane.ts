/**
 * The data plane: what meshstack assumes about how a pod joins the mesh, behind one interface. Today one
 * implementation, {@link SIDECAR} (Istio's injected sidecar proxy); the ambient data plane will be the
 * second. Everything else asks the data plane: which label enrols a namespace, which keeps a pod out,
 * what a meshed pod costs the capacity budget, and what a workload's pods carry.
 */
import type { ResourceQuantities, ResourceRequirements } from "../model/resources";
import type { SidecarSize } from "../model/services";
import { sidecarAnnotations, sidecarSize } from "./traffic";

/** How pods join the mesh. */
export interface DataPlane {
    /** Its name. */
    name: string;
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
