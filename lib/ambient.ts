/**
 * Istio's ambient data plane as meshstack installs it: the values of the `cni` and `ztunnel` charts, what
 * istiod adds in ambient, and what the node agents cost the capacity budget. Key paths were checked
 * against the Istio 1.31 charts (`istio-cni`, `ztunnel`, `istiod` with `profile: ambient`, rendered with
 * `helm template`).
 */
import type { WorkloadDemand } from "./capacity";
import { NetworkPeer, NetworkPort, podsIn } from "./zero-trust";
import type { ResourceQuantities, ResourceRequirements } from "./quantity";

/**
 * The charts' profile that turns ambient on: istiod's `PILOT_ENABLE_AMBIENT` and HBONE for sidecars; the
 * CNI agent's ambient redirection (its `AMBIENT_ENABLED`). Each chart merges `files/profile-ambient.yaml`
 * under the values it is given.
 */
export const AMBIENT_PROFILE = "ambient";

/** Helm release names, as Istio's own ambient install guide names them. */
export const AMBIENT_RELEASES = { cni: "istio-cni", ztunnel: "ztunnel" } as const;

/**
 * ztunnel's default size, from Istio 1.24's figures (about 0.06 vCPU and 12 MB per 1,000 requests per
 * second through one ztunnel) with room for a node's connections; its chart asks 200m / 512Mi, "enough
 * for ~200k pod cluster". The CPU limit caps a whole node's mesh traffic, so it is generous; the chart
 * gives ztunnel as many worker threads as the limit has cores (`ZTUNNEL_CPU_LIMIT`).
 */
export const ZTUNNEL_RESOURCES: ResourceRequirements = {
    requests: { cpu: "50m", memory: "64Mi" },
    limits: { cpu: "2000m", memory: "512Mi" },
};

/**
 * A waypoint's default size: Istio's chart (`global.waypoint.resources`). Istio 1.24's figures put a
 * waypoint at about 0.25 vCPU and 60 MB per 1,000 requests per second: 100m / 128Mi carries some 400.
 */
export const WAYPOINT_RESOURCES: ResourceRequirements = {
    requests: { cpu: "100m", memory: "128Mi" },
    limits: { cpu: "2000m", memory: "1024Mi" },
};

/** The CNI node agent's default size: its chart's request (it works when a pod starts, not per request). */
export const CNI_RESOURCES: ResourceRequirements = {
    requests: { cpu: "100m", memory: "100Mi" },
    limits: { cpu: "500m", memory: "512Mi" },
};

/** Values of the `cni` chart that meshstack sets. */
export interface CniChartValues {
    profile: typeof AMBIENT_PROFILE;
    resources: ResourceRequirements;
}

/**
 * Values for the `cni` chart: ambient on; the agent on every node (the chart's own tolerations) at
 * `system-node-critical` (the chart's, fixed), since a node without it cannot start ambient pods.
 */
export function cniChartValues(resources: ResourceRequirements): CniChartValues {
    return { profile: AMBIENT_PROFILE, resources };
}

/** Values of the `ztunnel` chart that meshstack sets. */
export interface ZtunnelChartValues {
    profile: typeof AMBIENT_PROFILE;
    /** istiod's namespace, where ztunnel gets its certificates and configuration. */
    istioNamespace: string;
    resources: ResourceRequirements;
}

/** Values for the `ztunnel` chart: on every node (the chart's tolerations), Prometheus's annotations kept. */
export function ztunnelChartValues(istioNamespace: string, resources: ResourceRequirements): ZtunnelChartValues {
    return { profile: AMBIENT_PROFILE, istioNamespace, resources };
}

/**
 * What the ambient node agents request: a ztunnel and a CNI agent on each of the pool's nodes (they run on
 * every node of the cluster; the budget counts the pool's).
 */
export function ambientNodeDemand(nodes: number, agents: { ztunnel: { requests: ResourceQuantities }; cni: { requests: ResourceQuantities } }): WorkloadDemand[] {
    return [
        { name: "ztunnel", replicas: nodes, requests: agents.ztunnel.requests },
        { name: "istio-cni", replicas: nodes, requests: agents.cni.requests },
    ];
}

/** The name of a namespace's waypoint: its Gateway, and the ServiceAccount Istio runs it as. */
export const WAYPOINT_NAME = "waypoint";

/** The namespace label that sends its services' traffic through the namespace's waypoint. */
export const USE_WAYPOINT_LABEL = "istio.io/use-waypoint";

/**
 * Pulumi waits until istiod has programmed the waypoint (its Deployment and Service made), so that the
 * routes and policies that name it come after it (`pulumi.com/waitFor`, @pulumi/kubernetes ≥ 4.18).
 */
export const WAIT_FOR_PROGRAMMED = { "pulumi.com/waitFor": "condition=Programmed" } as const;

/** A namespace's waypoint, as the Gateway API declares it. */
export interface WaypointGateway {
    apiVersion: "gateway.networking.k8s.io/v1";
    kind: "Gateway";
    metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: typeof WAIT_FOR_PROGRAMMED };
    spec: {
        gatewayClassName: "istio-waypoint";
        listeners: Array<{ name: "mesh"; port: 15008; protocol: "HBONE" }>;
        /** The ConfigMap of {@link waypointOptions}, which istiod merges over the Deployment it makes. */
        infrastructure: { parametersRef: { group: ""; kind: "ConfigMap"; name: string } };
    };
}

/** The name of the ConfigMap that shapes a waypoint's Deployment. */
export function waypointOptionsName(waypoint: string): string {
    return `${waypoint}-options`;
}

/**
 * The waypoint in the egress gateway's namespace that the allowlist's ServiceEntries send ambient pods'
 * traffic through: ztunnel does not apply the routes that take sidecars' traffic to the egress gateway.
 */
export const EGRESS_WAYPOINT_NAME = "egress-waypoint";

/** The label of a waypoint's pods (Istio's), with its Gateway's name. */
export const WAYPOINT_POD_LABEL = "gateway.networking.k8s.io/gateway-name";

/**
 * What istiod merges over the waypoint's Deployment (each key a strategic merge patch of that object):
 * its replicas, and with two or more a PodDisruptionBudget that lets one go at a time (istiod makes the
 * budget only when this key is set).
 */
export function waypointOptions(namespace: string, replicas: number, labels: Record<string, string>, waypoint = WAYPOINT_NAME) {
    return {
        apiVersion: "v1" as const,
        kind: "ConfigMap" as const,
        metadata: { name: waypointOptionsName(waypoint), namespace, labels: { ...labels } },
        data: {
            deployment: `spec:\n  replicas: ${replicas}\n`,
            ...(replicas >= 2 ? { podDisruptionBudget: "spec:\n  maxUnavailable: 1\n  unhealthyPodEvictionPolicy: AlwaysAllow\n" } : {}),
        },
    };
}

/**
 * The waypoint of an ambient namespace whose services need L7 (weighted routes, timeouts, outlier
 * detection): one Envoy deployment that istiod creates and sizes (`global.waypoint.resources`), for the
 * namespace's services (`istio.io/waypoint-for: service`), reached over HBONE on 15008.
 */
export function waypointGateway(namespace: string, labels: Record<string, string>, waypoint = WAYPOINT_NAME): WaypointGateway {
    return {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: { name: waypoint, namespace, labels: { ...labels, "istio.io/waypoint-for": "service" }, annotations: { ...WAIT_FOR_PROGRAMMED } },
        spec: {
            gatewayClassName: "istio-waypoint",
            listeners: [{ name: "mesh", port: 15008, protocol: "HBONE" }],
            infrastructure: { parametersRef: { group: "", kind: "ConfigMap", name: waypointOptionsName(waypoint) } },
        },
    };
}

/** HBONE: the port ztunnel and waypoints take tunnelled traffic on. */
export const HBONE_PORT = 15008;

/** What an ambient namespace's network policy lets its pods reach to leave the mesh: the egress waypoint's pods, over HBONE. */
export function egressWaypointPeer(egressNamespace: string): { to: NetworkPeer[]; ports: NetworkPort[] } {
    return { to: [podsIn(egressNamespace, { [WAYPOINT_POD_LABEL]: EGRESS_WAYPOINT_NAME })], ports: [{ protocol: "TCP", port: HBONE_PORT }] };
}
