import * as pulumi from "@pulumi/pulumi";

/** The Pulumi type of a CustomResourceDefinition rendered by a Helm v4 Chart. */
export const CUSTOM_RESOURCE_DEFINITION_TYPE = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";

/**
 * A `transforms` entry for a Helm v4 Chart: every CustomResourceDefinition the chart renders gets
 * `retainOnDelete: true` and the `retainedProvider`, one that adopts objects that already exist.
 *
 * - Retained: neither `pulumi destroy` nor a refactor that drops or renames the chart deletes a CRD.
 *   Deleting a CRD deletes every custom resource of its kind (each VirtualService, DestinationRule,
 *   PeerAuthentication, …) with it. Helm v4 charts already map Istio's `helm.sh/resource-policy: keep`
 *   annotation to `retainOnDelete`; meshstack sets it explicitly so that the guarantee does not hang
 *   on an annotation upstream may drop.
 * - Adopted: the next `pulumi up` after a destroy finds the retained CRDs in the cluster, and the
 *   provider takes them over instead of failing with AlreadyExists. Safe exactly because these
 *   objects are never deleted by Pulumi.
 *
 * Every other object keeps the chart's provider and options (`undefined`).
 */
export function retainAndAdoptCustomResourceDefinitions(
    retainedProvider: pulumi.ProviderResource,
): (args: pulumi.ResourceTransformArgs) => pulumi.ResourceTransformResult | undefined {
    return retainAndAdopt([CUSTOM_RESOURCE_DEFINITION_TYPE], retainedProvider);
}

/**
 * A `transforms` entry that retains every rendered object of `types` on delete and gives it the
 * provider that adopts existing objects (see {@link retainAndAdoptCustomResourceDefinitions}).
 */
export function retainAndAdopt(
    types: readonly string[],
    retainedProvider: pulumi.ProviderResource,
): (args: pulumi.ResourceTransformArgs) => pulumi.ResourceTransformResult | undefined {
    const transform = (args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined => {
        if (!types.includes(args.type)) {
            return undefined;
        }
        return { props: args.props, opts: { ...args.opts, retainOnDelete: true, provider: retainedProvider } };
    };
    return named(`retain and adopt ${types.map((type) => type.slice(type.lastIndexOf(":") + 1)).join(", ")}`, transform);
}

/** `transform`, named `name` for the plan (`npm run plan` lists each resource's transforms by name). */
export function named<T extends (...args: never[]) => unknown>(name: string, transform: T): T {
    return Object.defineProperty(transform, "name", { value: name });
}
