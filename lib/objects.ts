/**
 * What every object meshstack declares carries: its labels, and the shape of the Istio custom resources
 * the lib builders return.
 */
import type * as pulumi from "@pulumi/pulumi";

/** Labels on every object meshstack declares. */
export const PART_OF: Readonly<Record<string, string>> = { "app.kubernetes.io/part-of": "meshstack" };

/**
 * The Pod Security level of a namespace whose pods work on the node itself (hostPath, host networking,
 * NET_ADMIN): the baseline and restricted levels refuse them, and the DaemonSet or Job would never start.
 */
export const PRIVILEGED_NAMESPACE: Readonly<Record<string, string>> = { "pod-security.kubernetes.io/enforce": "privileged" };

/** An Istio custom resource, as Pulumi's `CustomResource` takes it. */
export interface IstioObject<Spec> {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string> };
    spec: Spec;
}

/** An Istio object of `kind` in `namespace`, labelled as meshstack's. */
export function istioObject<Spec>(apiVersion: string, kind: string, name: string, namespace: string, spec: Spec): IstioObject<Spec> {
    return { apiVersion, kind, metadata: { name, namespace, labels: { ...PART_OF } }, spec };
}

/**
 * Orders two strings by their UTF-16 code units: the same on every machine, whatever its locale
 * (`localeCompare` sorts by the machine's language and would reorder lists between machines).
 */
export function byText(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** The cluster's DNS domain; meshstack assumes the default. */
export const CLUSTER_DOMAIN = "cluster.local";

/** The in-cluster host of Service `name` in `namespace`: the one place the cluster domain rule lives. */
export function clusterHost(name: string, namespace: string): string {
    return `${name}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}

/** `props` (an object's inputs, as a transform gets them) with `annotations` merged into its metadata's. */
export function withAnnotations(props: pulumi.Inputs, annotations: Record<string, string>): pulumi.Inputs {
    const metadata = (props.metadata ?? {}) as { annotations?: Record<string, string> };
    return { ...props, metadata: { ...metadata, annotations: { ...metadata.annotations, ...annotations } } };
}
