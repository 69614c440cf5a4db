/**
 * The outputs contract: what a meshstack stack exports for other teams, as one interface their Pulumi
 * programs can import (`StackReference.getOutput(...)` typed with it). The program's exports are
 * checked against it at compile time (index.ts). Any change to an output's name or meaning bumps
 * {@link OUTPUTS_VERSION} and gets a CHANGELOG entry.
 */

/** The version of this contract; it is also an output. */
export const OUTPUTS_VERSION = 2;

/** An allowed external host (the `egress` output). */
export interface EgressHost {
    host: string;
    port: number;
    protocol: "TLS" | "HTTP";
    reason?: string;
}

/** A workload port that accepts plain text, with its reason (the `mtls` output). */
export interface MtlsExceptionOutput {
    namespace: string;
    workload: string;
    port: number;
    reason: string;
}

/** One service with canary routing (the `services` output). */
export interface ServiceOutput {
    /** Its in-cluster host. */
    host: string;
    /** The pods expected to run (all versions). */
    replicas: number;
    /** Percent of requests per version. */
    weights: Record<string, number>;
    /**
     * The annotations the data plane wants on its pods (`DataPlane.workloadAnnotations`, lib/data-plane.ts):
     * with sidecars, the four that size each pod's proxy. Put them on the Deployments' pod templates.
     * The key keeps its name while sidecars are the only data plane (a rename is a new outputs version).
     */
    sidecarAnnotations: Record<string, string>;
}

/** How one mesh namespace's pods join the mesh (the `dataPlanes` output). */
export interface DataPlaneOutput {
    /** `sidecar` (a proxy injected into each pod) or `ambient` (the node's ztunnel; a waypoint for L7). */
    dataPlane: "sidecar" | "ambient";
    /** The labels meshstack puts on the namespace: a pod joins by running in it. */
    namespaceLabels: Record<string, string>;
    /** The label that keeps one pod out of the mesh. */
    podOptOut: Record<string, string>;
    /** (Ambient) the waypoint its services' traffic goes through, when it has services; none otherwise. */
    waypoint?: string;
}

/** One workload's part of the mesh overhead. */
export interface WorkloadOverheadOutput {
    name: string;
    replicas: number;
    cpuMillicores: number;
    memoryMiB: number;
}

/** Everything a meshstack stack exports. */
export interface MeshstackOutputs {
    /** The version of this contract. */
    outputsVersion: typeof OUTPUTS_VERSION;
    /** The installed Istio release, e.g. `1.31.1`. */
    istioVersion: string;
    /** istiod's namespace (Istio's root namespace). */
    istioNamespace: string;
    /** istiod's in-cluster host. */
    istiodHost: string;
    /** The egress gateway's namespace. */
    egressGatewayNamespace: string;
    /** The egress gateway Service's in-cluster host. */
    egressGatewayHost: string;
    /** The labels of the egress gateway pods (a Gateway's `selector`). */
    egressGatewaySelector: Record<string, string>;
    /** The node pool's node names. */
    poolNodes: string[];
    /** The NVMe StorageClass. */
    storageClassName: string;
    /** The application namespaces in the mesh. */
    meshNamespaces: string[];
    /** Per mesh namespace, how its pods join: what app teams label, and what they must not annotate. */
    dataPlanes: Record<string, DataPlaneOutput>;
    /** The mTLS mode and every exception. */
    mtls: { mode: "STRICT" | "PERMISSIVE"; exceptions: MtlsExceptionOutput[] };
    /** The outbound traffic policy and the external hosts the mesh may reach. */
    egress: { outboundTrafficPolicy: string; allowlist: EgressHost[] };
    /** Per service (`namespace/name`). */
    services: Record<string, ServiceOutput>;
    /** Prometheus's and Kiali's in-cluster URLs, and the commands that open them. */
    observability: { prometheusUrl: string; kialiUrl: string; portForward: { kiali: string; prometheus: string } };
    /** What the mesh requests of the node pool. */
    meshOverhead: {
        cpuMillicores: number;
        memoryMiB: number;
        pool: { cpuMillicores: number; memoryMiB: number };
        sharePercent: { cpu: number; memory: number };
        maxSharePercent: number;
        withinBudget: boolean;
        workloads: WorkloadOverheadOutput[];
    };
}

/** The names of the outputs, in the order the program exports them. */
export const OUTPUT_NAMES: ReadonlyArray<keyof MeshstackOutputs> = [
    "outputsVersion",
    "istioVersion",
    "istioNamespace",
    "istiodHost",
    "egressGatewayNamespace",
    "egressGatewayHost",
    "egressGatewaySelector",
    "poolNodes",
    "storageClassName",
    "meshNamespaces",
    "dataPlanes",
    "mtls",
    "egress",
    "services",
    "observability",
    "meshOverhead",
];
