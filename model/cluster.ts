/** The resolved `meshstack:cluster`: where the stack deploys, and the cluster's DNS. Plain types: no zod, no Pulumi. */

/** Where the providers connect. */
export interface ClusterConnection {
    /**
     * The kubeconfig context of the target cluster.
     * @default the kubeconfig's current context
     */
    context?: string | undefined;
    /**
     * Path of the kubeconfig file.
     * @default `$KUBECONFIG`, else `~/.kube/config`
     */
    kubeconfig?: string | undefined;
}

/** The target cluster, as `meshstack:cluster` resolves it: where to connect, and its DNS. */
export interface ClusterSettings extends ClusterConnection {
    /**
     * The NodeLocal DNSCache address pods resolve through (kubespray's default: 169.254.25.10), when the
     * cluster runs it: the mesh namespaces' network policy lets pods reach it on UDP and TCP 53.
     * @default none (pods resolve through the kube-dns pods)
     */
    nodeLocalDnsAddress?: string | undefined;
}
