/** The stack's resolved config, as config/ produces it and components/ consume it: one set of plain types, one file per area. */
import type { ClusterSettings } from "./cluster";
import type { MeshIstioArgs } from "./istio";
import type { MeshSecurityArgs } from "./mesh";
import type { MeshNodePoolArgs } from "./node-pool";
import type { ObservabilitySettings } from "./observability";
import type { MeshServiceSettings } from "./services";

/** Arguments of {@link MeshPlatform}: the stack's resolved config (see config/). */
export interface MeshPlatformArgs {
    /** The target cluster. */
    cluster: ClusterSettings;
    /** The nodes the mesh runs on, their gates and the capacity budget. */
    nodePool: MeshNodePoolArgs;
    /** mTLS, authorization, application namespaces and the egress allowlist. */
    mesh: MeshSecurityArgs;
    /** Services with canary routing and resilience, in mesh namespaces. */
    services: MeshServiceSettings[];
    /** The dev demo (helloworld v1/v2 and a client). */
    demo: { enabled: boolean; namespace: string };
    /** Prometheus and Kiali. */
    observability: ObservabilitySettings;
    /** The Istio control plane and egress gateway. */
    istio: MeshIstioArgs;
}

export type { ClusterConnection, ClusterSettings } from "./cluster";
export type { DataPlaneName, EgressGatewayScaling, MeshIstioArgs, WorkloadScaling } from "./istio";
export type { AllowedSource, EgressEntry, MeshNamespaceSettings, MeshSecurityArgs, MtlsException, MtlsMode } from "./mesh";
export type { MeshBudget, MeshNodePoolArgs, NodePoolSettings, PoolNode, PoolTaint, PreflightLimits, PreflightSettings } from "./node-pool";
export type { KialiSettings, ObservabilitySettings, PrometheusSettings, PrometheusSource } from "./observability";
export type { ResourceQuantities, ResourceRequirements } from "./resources";
export type { ConnectionPool, MeshServiceSettings, OutlierDetection, RetryPolicy, ServiceVersion, SidecarSize, TrafficSettings } from "./services";
