/**
 * The `meshstack:cluster` area: which cluster the stack deploys to. meshstack declares every
 * Kubernetes object through explicit providers built from these keys; the provider's own
 * `kubernetes:*` config is not read by explicit providers, so it is refused (see {@link foreignKeyProblems}).
 */
import { z } from "zod";
import type { ClusterConnection } from "../lib/providers";
import { Assert, documented, Equal, section, text } from "./kit";

const nonEmpty = (value: string): string | undefined =>
    value.trim() === "" ? "is empty. Set a value, or remove the key to use the default." : undefined;

/** The schema of `meshstack:cluster`. */
export function clusterSchema() {
    return section({
        context: documented(text(nonEmpty).optional(), {
            description:
                "The kubeconfig context of the target cluster. Set it in every stack, so that a stack never " +
                "deploys to whatever context happens to be current.",
            docDefault: "the kubeconfig's current context",
        }),
        kubeconfig: documented(text(nonEmpty).optional(), {
            description: "Path of the kubeconfig file.",
            docDefault: "`$KUBECONFIG`, else `~/.kube/config`",
        }),
    }).prefault({});
}

/** The resolved `meshstack:cluster`. */
export type ClusterConfig = z.output<ReturnType<typeof clusterSchema>>;

/** Compile-time proof that the schema yields exactly what `MeshPlatform` takes. */
export type ClusterArgsMatchSchema = Assert<Equal<ClusterConfig, ClusterConnection>>;
