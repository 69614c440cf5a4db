import * as pulumi from "@pulumi/pulumi";

/** The Pulumi type of a CustomResourceDefinition rendered by a Helm v4 Chart. */
export const CUSTOM_RESOURCE_DEFINITION_TYPE = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";

/**
 * A `transforms` entry for a Helm v4 Chart: every CustomResourceDefinition the chart renders gets
 * `retainOnDelete: true`, so that neither `pulumi destroy` nor a refactor that drops or renames the chart
 * deletes it from the cluster. Deleting a CRD deletes every custom resource of its kind (each
 * VirtualService, DestinationRule, PeerAuthentication, …) with it.
 *
 * `retainOnDelete` set on the Chart itself does not reach the objects it renders
 * (pulumi/pulumi-kubernetes#3065). Istio's CRDs carry the Helm convention `helm.sh/resource-policy: keep`,
 * but meshstack relies neither on how Pulumi treats that annotation nor on Istio keeping it: this
 * transform sets the option explicitly. Every other object is left as it is (`undefined`).
 */
export function retainCustomResourceDefinitions(
    args: pulumi.ResourceTransformArgs,
): pulumi.ResourceTransformResult | undefined {
    if (args.type !== CUSTOM_RESOURCE_DEFINITION_TYPE) {
        return undefined;
    }
    return { props: args.props, opts: { ...args.opts, retainOnDelete: true } };
}
