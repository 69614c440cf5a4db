/** Expected values written out once for the tests that check them in several places. */

/** The topology spread constraint every replicated meshstack workload carries, written out by hand. */
export function expectedSpread(matchLabels: Record<string, string>): object[] {
    return [
        {
            maxSkew: 1,
            topologyKey: "kubernetes.io/hostname",
            whenUnsatisfiable: "DoNotSchedule",
            nodeTaintsPolicy: "Honor",
            labelSelector: { matchLabels },
        },
    ];
}

/** Istio's chart repository, as the charts' `repositoryOpts`. */
export const ISTIO_REPOSITORY = { repo: "https://blob.istio.io/istio-release/charts" };

/** The egress gateway's default resources (Istio's gateway chart). */
export const GATEWAY_RESOURCES = {
    requests: { cpu: "100m", memory: "128Mi" },
    limits: { cpu: "2000m", memory: "1024Mi" },
};

/** The mesh's default sidecar resources. */
export const SIDECAR_RESOURCES = {
    requests: { cpu: "50m", memory: "96Mi" },
    limits: { cpu: "2000m", memory: "1024Mi" },
};

/**
 * What every meshstack pod on the default pool gets with the pre-flight gates on (dev and prod): the
 * pool's nodes whose gate passed (the shipped stacks set no taints).
 */
export const POOL_SELECTOR = { "meshstack.io/pool": "mesh", "meshstack.io/preflight": "passed" };

/** What every meshstack pod on the default pool gets (the shipped stacks set no taints). */
export const POOL_PLACEMENT = {
    nodeSelector: POOL_SELECTOR,
    tolerations: [],
};

/**
 * The annotations that size a sidecar, requests as given and the limits the mesh's (2000m / 1024Mi) or
 * those given: Istio 1.31 drops the mesh's limits once a pod sets a request annotation.
 */
export function sidecar(cpu: string, memory: string, cpuLimit = "2000m", memoryLimit = "1024Mi"): Record<string, string> {
    return {
        "sidecar.istio.io/proxyCPU": cpu,
        "sidecar.istio.io/proxyMemory": memory,
        "sidecar.istio.io/proxyCPULimit": cpuLimit,
        "sidecar.istio.io/proxyMemoryLimit": memoryLimit,
    };
}
