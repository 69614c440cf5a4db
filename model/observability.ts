/** The resolved `meshstack:observability`: Prometheus and Kiali. Plain types: no zod, no Pulumi. */
import type { ResourceRequirements } from "./resources";

/** Prometheus settings (`meshstack:observability.prometheus`). */
export interface PrometheusSettings {
    /** How long samples are kept. */
    retention: string;
    /** The data volume. */
    persistence: {
        /** On a persistent volume. */
        enabled: boolean;
        /** Its size. */
        size: string;
        /** Its StorageClass. @default the node pool's */
        storageClass?: string | undefined;
        /** The pool node that holds a local volume. @default the pool's first node */
        node?: string | undefined;
    };
    /** Requests and limits. */
    resources: ResourceRequirements;
    /** Who besides Kiali may reach Prometheus's port. */
    allowFrom: PrometheusSource[];
    /** The chart's Alertmanager. */
    alertmanager: boolean;
    /** The chart's Pushgateway. */
    pushgateway: boolean;
    /** The chart's kube-state-metrics. */
    kubeStateMetrics: boolean;
    /** The chart's node exporter. */
    nodeExporter: boolean;
}

/** Pods that may query Prometheus. */
export interface PrometheusSource {
    /** Their namespace. */
    namespace: string;
    /** Only pods with these labels. @default every pod of the namespace */
    podLabels?: Record<string, string> | undefined;
}

/** Kiali settings (`meshstack:observability.kiali`). */
export interface KialiSettings {
    /** How people log in. */
    auth: {
        /** The strategy. */
        strategy: "anonymous" | "token" | "openid";
        /** The OpenID provider (with `openid`). */
        openid: {
            /** The issuer URL. @default none */
            issuerUri?: string | undefined;
            /** Kiali's client id. @default none */
            clientId?: string | undefined;
        };
    };
    /** Requests and limits. */
    resources: ResourceRequirements;
}

/** Prometheus and Kiali settings, as `meshstack:observability` resolves them. */
export interface ObservabilitySettings {
    /** Prometheus. */
    prometheus: PrometheusSettings;
    /** Kiali. */
    kiali: KialiSettings;
}
