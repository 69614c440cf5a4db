/**
 * The `meshstack:cluster` area: which cluster the stack deploys to. meshstack declares every
 * Kubernetes object through explicit providers built from these keys; the provider's own
 * `kubernetes:*` config is not read by explicit providers, so it is refused (see {@link foreignKeyProblems}).
 */
import { z } from "zod";
import type { ClusterSettings } from "../model";
import { Assert, Equal } from "./asserts";
import { show } from "./keys";
import { documented, section, text } from "./leaves";

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A problem with a NodeLocal DNSCache address (an IPv4 address), or `undefined`. */
export function checkNodeLocalDns(value: string): string | undefined {
    return IPV4.test(value)
        ? undefined
        : `${show(value)} is not an IPv4 address. Set the address pods resolve through (\`nameserver\` in a pod's /etc/resolv.conf), e.g. "169.254.25.10".`;
}

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
        nodeLocalDnsAddress: documented(text(checkNodeLocalDns).optional(), {
            description:
                "The NodeLocal DNSCache address the pods resolve through, if the cluster runs it (kubespray's default is 169.254.25.10): the mesh namespaces' network policy then lets pods reach it on UDP and TCP 53.",
            docDefault: "none (the kube-dns pods)",
        }),
    }).prefault({});
}

/** The resolved `meshstack:cluster`. */
export type ClusterConfig = z.output<ReturnType<typeof clusterSchema>>;

/** Compile-time proof that the schema yields exactly what `MeshPlatform` takes. */
export type ClusterArgsMatchSchema = Assert<Equal<ClusterConfig, ClusterSettings>>;
