/** The resolved `meshstack:istio`: the release, istiod, the sidecar proxy and the egress gateway. Plain types: no zod, no Pulumi. */
import type { ResourceRequirements } from "./resources";

/** How many replicas a workload runs and what each one gets. Defaults are per workload (config.ts). */
export interface WorkloadScaling {
    /**
     * Replicas at rest; with autoscaling, the autoscaler's minimum.
     * @default 2 with highAvailability, else 1
     */
    replicas: number;
    /**
     * The autoscaler's maximum; equal to `replicas`, no autoscaler is installed.
     * @default 5 with highAvailability, else 1 (never below `replicas`)
     */
    maxReplicas: number;
    /**
     * Requests and limits of the workload's main container.
     * @default istiod: 500m/2Gi, limits 2000m/4Gi (100m/512Mi, 1000m/1Gi without highAvailability);
     * egress gateway: 100m/128Mi, limits 2000m/1024Mi
     */
    resources: ResourceRequirements;
}

/** Scaling of the egress gateway, and the namespace it runs in. */
export interface EgressGatewayScaling extends WorkloadScaling {
    /**
     * The gateway's own namespace.
     * @default "istio-egress"
     */
    namespace: string;
}

/** Istio settings of {@link MeshPlatformArgs}. */
export interface MeshIstioArgs {
    /**
     * The Istio release of every Istio chart.
     * @default "1.31.1" (`DEFAULT_ISTIO_VERSION` in versions.ts)
     */
    version: string;
    /**
     * The namespace of istiod.
     * @default "istio-system"
     */
    namespace: string;
    /** The sidecar proxy injected into every meshed pod. */
    proxy: {
        /**
         * Requests and limits of every sidecar proxy in the mesh.
         * @default requests 100m CPU / 128Mi, limits 2000m / 1024Mi
         */
        resources: ResourceRequirements;
    };
    /**
     * Replicas and resources of istiod.
     * @default with highAvailability: 2 to 5 replicas, requests 500m/2Gi, limits 2000m/4Gi;
     * without: 1 replica, requests 100m/512Mi, limits 1000m/1Gi
     */
    istiod: WorkloadScaling;
    /**
     * Namespace, replicas and resources of the egress gateway.
     * @default namespace "istio-egress"; with highAvailability: 2 to 5 replicas, without: 1;
     * requests 100m/128Mi, limits 2000m/1024Mi
     */
    egressGateway: EgressGatewayScaling;
}
