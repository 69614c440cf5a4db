/**
 * Kiali, from Kiali's kiali-server chart (pinned in versions.ts), as an addon: its values (typed with
 * only the keys meshstack sets, checked against 2.29.0 with `helm template`), its signing key's
 * Secret, its demand and its Service.
 */
import type { WorkloadDemand } from "../capacity";
import { PodPlacement, spreadAcrossNodes, Toleration, TopologySpreadConstraint } from "../placement";
import type { ResourceRequirements } from "../quantity";
import type { KialiSettings, ObservabilitySettings } from "../../model/observability";
import { KIALI_CHART } from "../../versions";
import { Addon, AddonRequests, AddonSite, addonUrl, NOT_MESHED } from "./addon";
import { PROMETHEUS } from "./prometheus";

/** Kiali's release name; the chart names its Service `kiali` (its `deployment.instance_name`). */
export const KIALI_RELEASE = "kiali";
/** Kiali's Service name and port. */
export const KIALI_SERVICE = { name: "kiali", port: 20001 } as const;
/** The Secret that holds Kiali's login-token signing key, and its key. */
export const KIALI_SIGNING_KEY_SECRET = { name: "kiali-signing-key", key: "key" } as const;
/** The labels of Kiali's pods. */
export const KIALI_POD_LABELS = { "app.kubernetes.io/name": "kiali" } as const;

/**
 * Kiali as an addon: one server, given a stable login signing key. Left empty, the chart draws a new
 * key at every render, which Pulumi shows as a change on every preview and which restarts Kiali on
 * every `pulumi up`.
 */
export const KIALI: Addon<"kiali"> = {
    name: "kiali",
    chart: KIALI_CHART,
    release: KIALI_RELEASE,
    service: KIALI_SERVICE,
    demand: (requests: AddonRequests): WorkloadDemand[] => [{ name: "kiali", replicas: 1, requests: requests.kiali.resources.requests }],
    // The kiali-server chart's deployment.resources.requests.
    chartDefaults: [{ name: "kiali", replicas: 1, requests: { cpu: "10m", memory: "64Mi" } }],
    install: (settings: ObservabilitySettings, site: AddonSite) => ({
        values: kialiChartValues(settings.kiali, site.namespace, site.placement),
        keys: [{ id: "signing-key", secret: KIALI_SIGNING_KEY_SECRET, length: 32 }],
        claimsVolume: false,
    }),
};

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
            prometheus: { url: addonUrl(PROMETHEUS, namespace) },
            tracing: { enabled: false },
            grafana: { enabled: false },
        },
        login_token: { signing_key: `secret:${KIALI_SIGNING_KEY_SECRET.name}:${KIALI_SIGNING_KEY_SECRET.key}` },
    };
}

