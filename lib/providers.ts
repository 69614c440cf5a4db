/**
 * Settings of meshstack's explicit Kubernetes providers. Every setting that decides the lifecycle is
 * written out, so that no environment variable (`PULUMI_K8S_UPSERT_EXISTING_OBJECTS`,
 * `PULUMI_K8S_ENABLE_SERVER_SIDE_APPLY`, …) can change what a `pulumi up` does.
 */
import type * as provider from "@pulumi/kubernetes/provider";

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

/**
 * What a provider does when it creates an object that already exists in the cluster:
 * - `refuse`: fail with AlreadyExists (@pulumi/kubernetes ≥ 4.29 creates client-side). A rename without
 *   an alias then fails loudly instead of adopting the object and deleting it with the old name.
 * - `adopt`: take the object over with a forced server-side apply (`upsertExistingObjects`,
 *   `enablePatchForce`). Only for objects retained on delete: Pulumi never deletes them, so the
 *   rename hazard cannot occur, and a re-created stack adopts what an earlier one left behind.
 */
export type ExistingObjects = "refuse" | "adopt";

/** The arguments of a meshstack Kubernetes provider. */
export function clusterProviderArgs(cluster: ClusterConnection, existing: ExistingObjects): provider.ProviderArgs {
    const adopt = existing === "adopt";
    return {
        ...(cluster.context === undefined ? {} : { context: cluster.context }),
        ...(cluster.kubeconfig === undefined ? {} : { kubeconfig: cluster.kubeconfig }),
        enableServerSideApply: true,
        upsertExistingObjects: adopt,
        enablePatchForce: adopt,
    };
}
