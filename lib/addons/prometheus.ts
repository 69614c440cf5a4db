/**
 * Prometheus, from the prometheus-community chart (pinned in versions.ts), as an addon: its values
 * (typed with only the keys meshstack sets, checked against 29.27.0 with `helm template`), its network
 * policy, its local volume, its demand and its Service.
 */
import type { WorkloadDemand } from "../capacity";
import { LOCAL_VOLUMES, LocalVolumeRequest } from "../local-volume";
import { byText, PART_OF } from "../objects";
import { PodPlacement, spreadAcrossNodes, Toleration, TopologySpreadConstraint } from "../placement";
import type { ResourceRequirements } from "../quantity";
import { NetworkPeer, NetworkPolicyObject, NetworkPort, podsIn } from "../zero-trust";
import type { ObservabilitySettings, PrometheusSettings, PrometheusSource } from "../../model/observability";
import { PROMETHEUS_CHART } from "../../versions";
import { Addon, AddonPool, AddonRequests, AddonSite, NOT_MESHED } from "./addon";
import { KIALI_POD_LABELS } from "./kiali";

/** Prometheus's release name, which `server.fullnameOverride` makes its Service's name too. */
export const PROMETHEUS_RELEASE = "prometheus";
/** Prometheus's Service port (Istio's convention; the chart's default is 80). */
export const PROMETHEUS_PORT = 9090;

/**
 * Requests and limits of Prometheus's config reloader (`configmapReload.prometheus.resources`; the
 * chart sets none). It watches one ConfigMap and signals a reload: a few MiB in use.
 */
export const CONFIG_RELOADER_RESOURCES: ResourceRequirements = {
    requests: { cpu: "10m", memory: "32Mi" },
    limits: { cpu: "100m", memory: "64Mi" },
};

/** The labels of Prometheus's server pods (the chart's). */
export const PROMETHEUS_POD_LABELS = { "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/component": "server" } as const;

/**
 * Prometheus as an addon: one server, with its config reloader, behind its ingress policy, its data on a
 * claimed volume.
 */
export const PROMETHEUS: Addon<"prometheus"> = {
    name: "prometheus",
    chart: PROMETHEUS_CHART,
    release: PROMETHEUS_RELEASE,
    service: { name: PROMETHEUS_RELEASE, port: PROMETHEUS_PORT },
    demand: (requests: AddonRequests): WorkloadDemand[] => [
        { name: "prometheus", replicas: 1, requests: requests.prometheus.resources.requests },
        { name: "prometheus config reloader", replicas: 1, requests: CONFIG_RELOADER_RESOURCES.requests },
    ],
    // server.resources and configmapReload.prometheus.resources are {} in the chart: no requests.
    chartDefaults: [
        { name: "prometheus", replicas: 1, requests: { cpu: "0", memory: "0" } },
        { name: "prometheus config reloader", replicas: 1, requests: { cpu: "0", memory: "0" } },
    ],
    install: (settings: ObservabilitySettings, site: AddonSite) => ({
        values: prometheusChartValues(settings.prometheus, site.storageClass, site.placement),
        keys: [],
        ingress: prometheusIngress(site.namespace, settings.prometheus.allowFrom),
        claimsVolume: true,
    }),
    localVolume: (settings: ObservabilitySettings, namespace: string, pool: AddonPool) => prometheusLocalVolume(settings.prometheus.persistence, namespace, pool),
};

/**
 * Ingress of Prometheus's server in `namespace`: only Kiali's pods, and the configured `sources`, on its
 * port. The chart turns Prometheus's lifecycle API on (its config reloader calls it on localhost), so
 * anyone who reaches the port could stop it. The kubelet's probes and `kubectl port-forward` do not go
 * through a network policy. Sources in a stable order.
 */
export function prometheusIngress(namespace: string, sources: readonly PrometheusSource[]): NetworkPolicyObject {
    const from = [...sources]
        .map((source) => podsIn(source.namespace, source.podLabels ?? {}))
        .sort((a, b) => byText(JSON.stringify(a), JSON.stringify(b)));
    return {
        metadata: { name: "meshstack-prometheus-ingress", namespace, labels: { ...PART_OF } },
        spec: {
            podSelector: { matchLabels: { ...PROMETHEUS_POD_LABELS } },
            policyTypes: ["Ingress"],
            ingress: [{ from: [podsIn(namespace, { ...KIALI_POD_LABELS }), ...from], ports: [{ protocol: "TCP", port: PROMETHEUS_PORT }] }],
        },
    };
}

/** Prometheus's server pods and port, as an egress rule of a namespace that may query it. */
export function prometheusPeer(namespace: string): { to: NetworkPeer[]; ports: NetworkPort[] } {
    return { to: [podsIn(namespace, { ...PROMETHEUS_POD_LABELS })], ports: [{ protocol: "TCP", port: PROMETHEUS_PORT }] };
}

/** Values of the prometheus chart that meshstack sets. */
export interface PrometheusChartValues {
    alertmanager: { enabled: boolean };
    "prometheus-pushgateway": { enabled: boolean };
    "kube-state-metrics": { enabled: boolean };
    "prometheus-node-exporter": { enabled: boolean };
    configmapReload: { prometheus: { resources: ResourceRequirements } };
    server: {
        fullnameOverride: string;
        podLabels: Record<string, string>;
        retention: string;
        persistentVolume: { enabled: boolean; size?: string; storageClass?: string };
        resources: ResourceRequirements;
        service: { servicePort: number };
        global: { scrape_interval: string };
        nodeSelector: Record<string, string>;
        tolerations: Toleration[];
        priorityClassName: string;
        topologySpreadConstraints: TopologySpreadConstraint[];
        securityContext: { fsGroupChangePolicy: "OnRootMismatch" };
    };
}

/**
 * Values for Prometheus: the server only (subcharts off unless asked for), outside the mesh, with the
 * chart's default scrape jobs, which read the `prometheus.io/*` annotations Istio puts on every
 * injected pod (port 15020, `/stats/prometheus`: Envoy's and the application's merged metrics) and on
 * istiod's Service (port 15014).
 */
export function prometheusChartValues(settings: PrometheusSettings, storageClass: string, placement: PodPlacement): PrometheusChartValues {
    const persistence = settings.persistence;
    return {
        alertmanager: { enabled: settings.alertmanager },
        "prometheus-pushgateway": { enabled: settings.pushgateway },
        "kube-state-metrics": { enabled: settings.kubeStateMetrics },
        "prometheus-node-exporter": { enabled: settings.nodeExporter },
        configmapReload: { prometheus: { resources: CONFIG_RELOADER_RESOURCES } },
        server: {
            fullnameOverride: PROMETHEUS_RELEASE,
            podLabels: { ...NOT_MESHED },
            retention: settings.retention,
            persistentVolume: persistence.enabled
                ? { enabled: true, size: persistence.size, storageClass: persistence.storageClass ?? storageClass }
                : { enabled: false },
            resources: settings.resources,
            service: { servicePort: PROMETHEUS_PORT },
            global: { scrape_interval: "15s" },
            nodeSelector: placement.nodeSelector,
            tolerations: placement.tolerations,
            priorityClassName: placement.priorityClassName,
            topologySpreadConstraints: spreadAcrossNodes({ ...PROMETHEUS_POD_LABELS }),
            // Merged into the chart's own (user and fsGroup 65534): the kubelet gives the volume to the
            // group once, not file by file on every start (a 50Gi TSDB).
            securityContext: { fsGroupChangePolicy: "OnRootMismatch" },
        },
    };
}

/**
 * The local volume Prometheus's claim needs, or `undefined` when none is to be declared: persistence
 * off, or a StorageClass whose provisioner creates volumes itself. The volume is pre-bound to the
 * chart's claim (`prometheus` in `namespace`, `server.fullnameOverride`).
 */
export function prometheusLocalVolume(
    persistence: PrometheusSettings["persistence"],
    namespace: string,
    pool: AddonPool,
): LocalVolumeRequest | undefined {
    if (!persistence.enabled || pool.storageClass.provisioner !== LOCAL_VOLUMES || (persistence.storageClass ?? pool.storageClass.name) !== pool.storageClass.name) {
        return undefined;
    }
    return {
        name: PROMETHEUS_RELEASE,
        node: persistence.node ?? pool.nodes[0].name,
        size: persistence.size,
        claim: { namespace, name: PROMETHEUS_RELEASE },
    };
}
