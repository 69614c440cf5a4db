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
