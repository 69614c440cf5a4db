/** The resolved `meshstack:observability`: Prometheus and Kiali. Plain types: no zod, no Pulumi. */
import type { ResourceRequirements } from "./resources";

/** Prometheus settings (`meshstack:observability.prometheus`). */
export interface PrometheusSettings {
    /** How long samples are kept. @default "15d" with highAvailability, else "2d" */
    retention: string;
    /** The data volume. */
    persistence: {
        /** On a persistent volume. @default true with highAvailability */
        enabled: boolean;
        /** Its size. @default "50Gi" with highAvailability, else "8Gi" */
        size: string;
        /** Its StorageClass. @default the node pool's */
        storageClass?: string | undefined;
        /** The pool node that holds a local volume. @default the pool's first node */
        node?: string | undefined;
    };
    /** Requests and limits. @default 500m/2Gi, limits 2000m/4Gi with highAvailability; 100m/512Mi, 1000m/2Gi without */
    resources: ResourceRequirements;
    /** Who besides Kiali may reach Prometheus's port. @default [] */
    allowFrom: PrometheusSource[];
    /** The chart's Alertmanager. @default false */
    alertmanager: boolean;
    /** The chart's Pushgateway. @default false */
    pushgateway: boolean;
    /** The chart's kube-state-metrics. @default false */
    kubeStateMetrics: boolean;
    /** The chart's node exporter. @default false */
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
        /** The strategy. @default "token" with highAvailability, else "anonymous" */
        strategy: "anonymous" | "token" | "openid";
        /** The OpenID provider (with `openid`). */
        openid: {
            /** The issuer URL. @default none */
            issuerUri?: string | undefined;
            /** Kiali's client id. @default none */
            clientId?: string | undefined;
        };
    };
    /** Requests and limits. @default 100m/256Mi, limits 1000m/1Gi with highAvailability; 10m/64Mi, 500m/1Gi without */
    resources: ResourceRequirements;
}

/** Prometheus and Kiali settings, as `meshstack:observability` resolves them. */
export interface ObservabilitySettings {
    /**
     * Prometheus.
     * @default retention 15d on a 50Gi volume with highAvailability; 2d, no volume without
     */
    prometheus: PrometheusSettings;
    /**
     * Kiali.
     * @default the token strategy with highAvailability, anonymous without
     */
    kiali: KialiSettings;
}
