/**
 * The Helm values meshstack gives the Prometheus and Kiali charts, typed with only the keys it sets
 * (value paths checked against prometheus 29.27.0 and kiali-server 2.29.0, rendered with `helm
 * template`), and the names both charts give their Services, from which every URL is derived.
 */
import { PodPlacement, spreadAcrossNodes, Toleration, TopologySpreadConstraint } from "./placement";
import { byText, clusterHost, PART_OF } from "./objects";
import { ResourceRequirements } from "./quantity";
import { NetworkPeer, NetworkPolicyObject, NetworkPort, podsIn } from "./zero-trust";
import { LOCAL_VOLUMES, LocalVolumeRequest } from "./local-volume";
import type { PrometheusSource, PrometheusSettings, KialiSettings } from "../model/observability";
export type { PrometheusSource, PrometheusSettings, KialiSettings } from "../model/observability";

/** Prometheus's release name, which `server.fullnameOverride` makes its Service's name too. */
export const PROMETHEUS_RELEASE = "prometheus";
/** Prometheus's Service port (Istio's convention; the chart's default is 80). */
export const PROMETHEUS_PORT = 9090;
/** Kiali's release name; the chart names its Service `kiali` (its `deployment.instance_name`). */
export const KIALI_RELEASE = "kiali";
/** Kiali's Service name and port. */
export const KIALI_SERVICE = { name: "kiali", port: 20001 } as const;
/** The Secret that holds Kiali's login-token signing key, and its key. */
export const KIALI_SIGNING_KEY_SECRET = { name: "kiali-signing-key", key: "key" } as const;

/**
 * Requests and limits of Prometheus's config reloader (`configmapReload.prometheus.resources`; the
 * chart sets none). It watches one ConfigMap and signals a reload: a few MiB in use.
 */
export const CONFIG_RELOADER_RESOURCES: ResourceRequirements = {
    requests: { cpu: "10m", memory: "32Mi" },
    limits: { cpu: "100m", memory: "64Mi" },
};

/** Pods that must stay out of the mesh (scraping and Kiali reach the proxies directly). */
const NOT_MESHED = { "sidecar.istio.io/inject": "false" } as const;

/** Prometheus's in-cluster URL. */
export function prometheusUrl(namespace: string): string {
    return `http://${clusterHost(PROMETHEUS_RELEASE, namespace)}:${PROMETHEUS_PORT}`;
}

/** Kiali's in-cluster URL. */
export function kialiUrl(namespace: string): string {
    return `http://${clusterHost(KIALI_SERVICE.name, namespace)}:${KIALI_SERVICE.port}`;
}

/** The commands that open each UI on localhost. */
export function portForwardCommands(namespace: string): { kiali: string; prometheus: string } {
    return {
        kiali: `kubectl port-forward svc/${KIALI_SERVICE.name} -n ${namespace} ${KIALI_SERVICE.port}:${KIALI_SERVICE.port}`,
        prometheus: `kubectl port-forward svc/${PROMETHEUS_RELEASE} -n ${namespace} ${PROMETHEUS_PORT}:${PROMETHEUS_PORT}`,
    };
}

/** The labels of Prometheus's server pods (the chart's), and of Kiali's. */
export const PROMETHEUS_POD_LABELS = { "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/component": "server" } as const;
export const KIALI_POD_LABELS = { "app.kubernetes.io/name": "kiali" } as const;

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

/** Values of the kiali-server chart that meshstack sets. */
export interface KialiChartValues {
    auth: { strategy: string; openid?: { issuer_uri: string; client_id: string } };
    clustering: { autodetect_secrets: { enabled: false } };
    deployment: {
        cluster_wide_access: true;
        pod_labels: Record<string, string>;
        resources: ResourceRequirements;
        node_selector: Record<string, string>;
        tolerations: Toleration[];
        priority_class_name: string;
        topology_spread_constraints: TopologySpreadConstraint[];
    };
    external_services: {
        prometheus: { url: string };
        tracing: { enabled: false };
        grafana: { enabled: false };
    };
    login_token: { signing_key: string };
}

/**
 * Values for Kiali: reading our Prometheus (its URL derived from the same names the chart gets),
 * tracing and Grafana off, its login signing key read from a Secret (`secret:<name>:<key>`, which the
 * chart mounts), so the key never appears in the chart's values, ConfigMap or Pulumi's state.
 */
export function kialiChartValues(settings: KialiSettings, namespace: string, placement: PodPlacement): KialiChartValues {
    const { strategy, openid } = settings.auth;
    return {
        auth:
            strategy === "openid"
                ? { strategy, openid: { issuer_uri: openid.issuerUri ?? "", client_id: openid.clientId ?? "" } }
                : { strategy },
        // One cluster: no remote-cluster Secrets to find. Left on, the chart lists every Secret of the
        // namespace while it renders, which the read-only preview identity may not do.
        clustering: { autodetect_secrets: { enabled: false } },
        deployment: {
            // The chart's default, written out: the other way, it lists every namespace while rendering.
            cluster_wide_access: true,
            pod_labels: { ...NOT_MESHED },
            resources: settings.resources,
            node_selector: placement.nodeSelector,
            tolerations: placement.tolerations,
            priority_class_name: placement.priorityClassName,
            topology_spread_constraints: spreadAcrossNodes({ ...KIALI_POD_LABELS }),
        },
        external_services: {
            prometheus: { url: prometheusUrl(namespace) },
            tracing: { enabled: false },
            grafana: { enabled: false },
        },
        login_token: { signing_key: `secret:${KIALI_SIGNING_KEY_SECRET.name}:${KIALI_SIGNING_KEY_SECRET.key}` },
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
    pool: { storageClass: { name: string; provisioner: string }; nodes: readonly { name: string }[] },
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
