/** Requests and limits of a container, as the resolved config gives them (Kubernetes quantities). */

/** A CPU request or limit, e.g. `{ cpu: "100m", memory: "128Mi" }`. */
export interface ResourceQuantities {
    /** CPU in cores (`"2"`, `"0.5"`) or millicores (`"500m"`). */
    cpu: string;
    /** Memory in bytes with an optional suffix (`"128Mi"`, `"1Gi"`, `"512M"`). */
    memory: string;
}

/** Requests and limits of one container, as Kubernetes and the Istio charts take them. */
export interface ResourceRequirements {
    /** What the scheduler reserves for the container. */
    requests: ResourceQuantities;
    /** The most the container may use: CPU beyond it is throttled, memory beyond it is OOM-killed. */
    limits: ResourceQuantities;
}
