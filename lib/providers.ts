/**
 * Settings of meshstack's explicit Kubernetes providers. Every setting that decides the lifecycle is
 * written out (see {@link LIFECYCLE_SETTINGS}), so that no environment variable
 * (`PULUMI_K8S_UPSERT_EXISTING_OBJECTS`, `PULUMI_K8S_ENABLE_CONFIGMAP_MUTABLE`, …) can change what a
 * `pulumi up` does: the SDK reads such a variable only for an option left unset, and the provider reads
 * its variable only when the SDK sent nothing.
 */
import type * as provider from "@pulumi/kubernetes/provider";
import type { ClusterConnection } from "../model/cluster";
export type { ClusterConnection } from "../model/cluster";

/**
 * What a provider does when it creates an object that already exists in the cluster:
 * - `refuse`: fail with AlreadyExists (@pulumi/kubernetes ≥ 4.29 creates client-side). A rename without
 *   an alias then fails loudly instead of adopting the object and deleting it with the old name.
 * - `adopt`: take the object over with a forced server-side apply (`upsertExistingObjects`,
 *   `enablePatchForce`). For objects retained on delete: Pulumi never deletes them, so the rename
 *   hazard cannot occur, and a re-created stack adopts what an earlier one left behind. One exception:
 *   Prometheus's volume claim, which an earlier meshstack retained through this provider and which
 *   stays with it so that existing stacks keep it in place (a provider change replaces a resource). It
 *   is not retained any more, so for it the hazard is real: never rename the Prometheus chart or its
 *   component without an alias (the program tree test pins their names).
 */
export type ExistingObjects = "refuse" | "adopt";

/**
 * Every provider option of @pulumi/kubernetes 4.34 that changes what happens to an object, each with
 * the environment variable that would set it when left unset. meshstack sets each of them on both
 * providers (a test checks the list against the SDK's provider options).
 *
 * - `enableServerSideApply` (true): field ownership, so meshstack patches only what it declares.
 * - `upsertExistingObjects`, `enablePatchForce`: see {@link ExistingObjects}.
 * - `enableConfigMapMutable`, `enableSecretMutable` (true): a changed ConfigMap or Secret is updated
 *   in place. Off, the provider replaces it, and with fixed names that is delete, then create: every
 *   mesh-config change (and every Istio patch bump, which changes `istio-sidecar-injector`) would run
 *   the mesh on Istio's defaults for the gap, `ALLOW_ANY` among them. A ConfigMap marked `immutable`
 *   is still replaced.
 * - `deleteUnreachable` (false): an unreachable cluster fails `pulumi up`; it never drops objects from
 *   the state as if they were gone.
 * - `skipUpdateUnreachable` (false): likewise, no update is skipped as if it had been made.
 *
 * `PULUMI_K8S_AWAIT_ALL`, which makes the provider wait for every kind, has no provider option and
 * cannot be pinned here: leave it unset (the README says so).
 */
export const LIFECYCLE_SETTINGS = {
    enableServerSideApply: "PULUMI_K8S_ENABLE_SERVER_SIDE_APPLY",
    upsertExistingObjects: "PULUMI_K8S_UPSERT_EXISTING_OBJECTS",
    enablePatchForce: "PULUMI_K8S_ENABLE_PATCH_FORCE",
    enableConfigMapMutable: "PULUMI_K8S_ENABLE_CONFIGMAP_MUTABLE",
    enableSecretMutable: "PULUMI_K8S_ENABLE_SECRET_MUTABLE",
    deleteUnreachable: "PULUMI_K8S_DELETE_UNREACHABLE",
    skipUpdateUnreachable: "PULUMI_K8S_SKIP_UPDATE_UNREACHABLE",
} as const;

/** The lifecycle options, each written out. */
export type LifecycleSettings = { [K in keyof typeof LIFECYCLE_SETTINGS]: boolean };

/** The arguments of a meshstack Kubernetes provider. */
export function clusterProviderArgs(cluster: ClusterConnection, existing: ExistingObjects): provider.ProviderArgs & LifecycleSettings {
    const adopt = existing === "adopt";
    return {
        ...(cluster.context === undefined ? {} : { context: cluster.context }),
        ...(cluster.kubeconfig === undefined ? {} : { kubeconfig: cluster.kubeconfig }),
        enableServerSideApply: true,
        upsertExistingObjects: adopt,
        enablePatchForce: adopt,
        enableConfigMapMutable: true,
        enableSecretMutable: true,
        deleteUnreachable: false,
        skipUpdateUnreachable: false,
    };
}
