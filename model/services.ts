/** The resolved `meshstack:services`: canary routing and resilience per service, its pods and sidecar size. Plain types: no zod, no Pulumi. */

/** One version of a service: a subset, and the pod labels that select it. */
export interface ServiceVersion {
    /** The subset's name. */
    name: string;
    /**
     * The labels of the version's pods.
     * @default { version: <name> }
     */
    labels?: Record<string, string> | undefined;
}

/** Retries of a route. */
export interface RetryPolicy {
    /** Attempts after the first call. */
    attempts: number;
    /** Timeout of each attempt. @default none (Istio: the route's timeout) */
    perTryTimeout?: string | undefined;
    /** The conditions to retry on. @default none (Istio's default) */
    retryOn?: string | undefined;
}

/** Ejecting failing endpoints from the load-balancing pool. */
export interface OutlierDetection {
    /** Consecutive 5xx errors that eject an endpoint. */
    consecutive5xxErrors: number;
    /** How often endpoints are analysed. */
    interval: string;
    /** How long an ejected endpoint stays out (times the number of ejections). */
    baseEjectionTime: string;
    /** The most of the pool that may be ejected, in percent. */
    maxEjectionPercent: number;
}

/** Limits that trip the circuit breaker. */
export interface ConnectionPool {
    /** The most TCP connections to the service (per caller proxy). */
    maxConnections?: number | undefined;
    /** The most requests queued waiting for a connection. */
    http1MaxPendingRequests?: number | undefined;
    /** The most requests per connection (1 disables keep-alive). */
    maxRequestsPerConnection?: number | undefined;
}

/** What a service's routing and resilience is built from. */
export interface TrafficSettings {
    /** The Kubernetes Service's name. */
    name: string;
    /** Its namespace. */
    namespace: string;
    /** Its port. */
    port: number;
    /** Its versions. */
    versions: ServiceVersion[];
    /** The share of requests per version, in percent (summing to 100). */
    weights: Record<string, number>;
    /** The route's timeout. @default none (Istio: no timeout) */
    timeout?: string | undefined;
    /** The route's retries. @default none (Istio's default retries) */
    retries?: RetryPolicy | undefined;
    /** Outlier detection. @default none */
    outlierDetection?: OutlierDetection | undefined;
    /** Circuit breaking. @default none */
    connectionPool?: ConnectionPool | undefined;
}

/** Sidecar resources one service declares for its pods. */
export interface SidecarSize {
    /** CPU request. */
    cpu: string;
    /** Memory request. */
    memory: string;
    /** CPU limit. @default the mesh's */
    cpuLimit?: string | undefined;
    /** Memory limit. @default the mesh's */
    memoryLimit?: string | undefined;
}

/** One service's settings, as `meshstack:services[]` resolves them. */
export interface MeshServiceSettings extends TrafficSettings {
    /** The pods of the service (all versions) expected to run; the capacity budget counts their sidecars. */
    replicas: number;
    /**
     * The sidecar size the service's pods declare (pod annotations).
     * @default the mesh's proxy resources
     */
    sidecar?: SidecarSize | undefined;
}
