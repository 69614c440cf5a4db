/** The resolved `meshstack:istio`: the release, istiod, the sidecar proxy and the egress gateway. Plain types: no zod, no Pulumi. */
import type { ResourceRequirements } from "./resources";

/** How many replicas a workload runs and what each one gets. Its defaults are in config/istio.ts and config/profiles.ts. */
export interface WorkloadScaling {
    /** Replicas at rest; with autoscaling, the autoscaler's minimum. */
    replicas: number;
    /** The autoscaler's maximum; equal to `replicas`, no autoscaler is installed. */
    maxReplicas: number;
    /** Requests and limits of the workload's main container. */
    resources: ResourceRequirements;
}

/** Scaling of the egress gateway, and the namespace it runs in. */
export interface EgressGatewayScaling extends WorkloadScaling {
    /** The gateway's own namespace. */
    namespace: string;
}

/** How pods join the mesh: a sidecar proxy in each pod, or ambient (a ztunnel per node, waypoints for L7). */
export type DataPlaneName = "sidecar" | "ambient";

/** Istio settings of {@link MeshPlatformArgs}. */
export interface MeshIstioArgs {
    /** The Istio release of every Istio chart. */
    version: string;
    /** The mesh's data plane: each namespace's unless it states its own. */
    dataPlane: DataPlaneName;
    /** The namespace of istiod. */
    namespace: string;
    /** The sidecar proxy injected into every meshed pod. */
    proxy: {
        /** Requests and limits of every sidecar proxy in the mesh. */
        resources: ResourceRequirements;
    };
    /** Replicas and resources of istiod. */
    istiod: WorkloadScaling;
    /** Namespace, replicas and resources of the egress gateway. */
    egressGateway: EgressGatewayScaling;
    /** ztunnel, ambient's proxy on every node (installed when any namespace runs ambient). */
    ztunnel: { resources: ResourceRequirements };
    /** Istio's CNI agent on every node, which redirects ambient pods' traffic to ztunnel. */
    cni: { resources: ResourceRequirements };
    /** Each ambient namespace's waypoint (L7 for its services): replicas and size. */
    waypoint: { replicas: number; resources: ResourceRequirements };
}
