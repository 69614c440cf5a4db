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

/** The mesh's default sidecar resources. */
export const SIDECAR_RESOURCES = {
    requests: { cpu: "100m", memory: "128Mi" },
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
