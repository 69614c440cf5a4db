import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF } from "../lib/objects";

/** Labels on every namespace meshstack creates. */
export const MESHSTACK_NAMESPACE_LABELS: Readonly<Record<string, string>> = PART_OF;

/**
 * A namespace named exactly `namespace` (no auto-naming suffix: charts and users address it by name),
 * registered as `resourceName` under `parent`, with meshstack's labels and `extraLabels`.
 */
export function meshNamespace(
    resourceName: string,
    namespace: string,
    parent: pulumi.Resource,
    extraLabels: Readonly<Record<string, string>> = {},
): corev1.Namespace {
    return new corev1.Namespace(
        resourceName,
        { metadata: { name: namespace, labels: { ...MESHSTACK_NAMESPACE_LABELS, ...extraLabels } } },
        { parent },
    );
}
