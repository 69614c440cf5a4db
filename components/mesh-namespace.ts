import * as apiextensions from "@pulumi/kubernetes/apiextensions";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as networkingv1 from "@pulumi/kubernetes/networking/v1";
import * as pulumi from "@pulumi/pulumi";
import { MESHSTACK_NAMESPACE_LABELS } from "./namespace";
import { DataPlane, enrolmentLabels } from "../lib/data-plane";
import { USE_WAYPOINT_LABEL, WAYPOINT_NAME, waypointGateway, waypointOptions } from "../lib/ambient";
import { GATEWAY_PORT } from "../lib/egress";
import { ISTIOD_POD_LABELS } from "../lib/istio-values";
import { IstioObject, PART_OF } from "../lib/objects";
import {
    AllowedSource,
    allowFrom,
    allowFromWaypoint,
    atWaypoint,
    ClusterDns,
    hostNamespaces,
    NetworkPeer,
    NetworkPort,
    allowPlaintextPort,
    byWorkload,
    denyAll,
    egressLockdown,
    mtlsException,
    MtlsException,
    mtlsExceptionName,
    MtlsMode,
    peerAuthentication,
    sidecarScope,
    workloadNamePart,
} from "../lib/zero-trust";

/** Arguments of {@link MeshNamespace}. All are resolved by the config module. */
export interface MeshNamespaceArgs {
    /** The application namespace. */
    name: string;
    /** How its pods join the mesh: its enrolment labels, and whether they have sidecars to scope. */
    dataPlane: DataPlane;
    /**
     * (Ambient) the namespace's services need L7: a waypoint for the namespace (with these replicas), its
     * services' traffic sent through it, and the allow rules enforced there (where the callers' identities
     * are known). `undefined`: none.
     */
    waypoint: { replicas: number } | undefined;
    /**
     * The namespace exists already: label it (server-side apply of the injection label) instead of
     * creating it, so that `pulumi destroy` never deletes it.
     */
    adopt: boolean;
    /** mTLS of the namespace's workloads. */
    mtlsMode: MtlsMode;
    /** Ports of single workloads that accept plain text, each with its reason. */
    mtlsExceptions: MtlsException[];
    /** Deny every call in but those of `allowFrom`. */
    defaultDeny: boolean;
    /** Who may call in when `defaultDeny` is on. */
    allowFrom: AllowedSource[];
    /**
     * Hosts beyond the namespace's own, istiod's and the egress gateway's that its proxies may reach:
     * the mesh namespaces it may call (`<namespace>/*`) and the configured `sidecarHosts`.
     */
    sidecarHosts: string[];
    /** istiod's namespace (the Sidecar imports it). */
    istioNamespace: string;
    /** The egress gateway's namespace (the Sidecar imports it; the network policy lets pods reach it). */
    egressNamespace: string;
    /** The labels of the egress gateway's pods, which the network policy lets pods reach. */
    egressGatewaySelector: Record<string, string>;
    /** More the namespace's pods may reach (Prometheus, when the namespace may query it). */
    egressExtra: Array<{ to: NetworkPeer[]; ports: NetworkPort[] }>;
    /** Cluster DNS as pods reach it (the NodeLocal DNSCache address, if any), for the network policy. */
    dns: ClusterDns;
    /** The ready control plane: Istio objects are applied once istiod's validating webhook serves. */
    controlPlane: pulumi.Resource;
}

/**
 * One application namespace in the locked-down mesh: created (or adopted) with sidecar injection,
 * STRICT mTLS with explicit per-port exceptions, default-deny authorization with allow rules, a
 * Sidecar that scopes its proxies' configuration, and a NetworkPolicy that only lets its pods reach
 * DNS, istiod, the egress gateway and the namespaces they may call.
 */
export class MeshNamespace extends pulumi.ComponentResource {
    constructor(name: string, args: MeshNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshstack:mesh:MeshNamespace", name, {}, opts);

        // The waypoint label comes last (below), once the waypoint is programmed: set with the rest, it would
        // send a live namespace's traffic to a waypoint that does not exist yet.
        const labels = { ...MESHSTACK_NAMESPACE_LABELS, ...enrolmentLabels(args.dataPlane, undefined) };
        const namespace = args.adopt
            ? new corev1.NamespacePatch(`${name}-namespace`, { metadata: { name: args.name, labels } }, { parent: this })
            : new corev1.Namespace(`${name}-namespace`, { metadata: { name: args.name, labels } }, { parent: this });
        const after = { parent: this, dependsOn: [namespace, args.controlPlane] };

        const istio = (suffix: string, object: IstioObject<unknown>): apiextensions.CustomResource =>
            new apiextensions.CustomResource(`${name}-${suffix}`, { ...object }, after);

        istio("peer-authentication", peerAuthentication(args.name, args.mtlsMode));
        for (const group of byWorkload(args.mtlsExceptions)) {
            istio(mtlsExceptionName(group), mtlsException(args.name, args.mtlsMode, group));
        }
        if (args.waypoint !== undefined) {
            const options = new corev1.ConfigMap(`${name}-waypoint-options`, { ...waypointOptions(args.name, args.waypoint.replicas, PART_OF) }, after);
            const waypoint = new apiextensions.CustomResource(
                `${name}-waypoint`,
                { ...waypointGateway(args.name, { ...PART_OF }) },
                { parent: this, dependsOn: [namespace, args.controlPlane, options] },
            );
            new corev1.NamespacePatch(
                `${name}-use-waypoint`,
                { metadata: { name: args.name, labels: { [USE_WAYPOINT_LABEL]: WAYPOINT_NAME } } },
                { parent: this, dependsOn: [waypoint] },
            );
        }
        if (args.defaultDeny) {
            istio("deny-all", denyAll(args.name));
            if (args.allowFrom.length > 0) {
                istio("allow-from", allowFrom(args.name, args.allowFrom));
            }
            if (args.waypoint !== undefined) {
                // The waypoint allows only the configured callers (none: nothing), and the pods' ztunnel
                // lets the waypoint through. Callers with sidecars bypass waypoints: the rule above lets them in.
                istio(
                    "waypoint-policy",
                    args.allowFrom.length > 0 ? atWaypoint(allowFrom(args.name, args.allowFrom), WAYPOINT_NAME) : atWaypoint(denyAll(args.name), WAYPOINT_NAME),
                );
                istio("allow-from-waypoint", allowFromWaypoint(args.name, WAYPOINT_NAME));
            }
            for (const exception of byWorkload(args.mtlsExceptions).flatMap((group) => group.exceptions)) {
                istio(`allow-plaintext-${workloadNamePart(exception.workload)}-${exception.port}`, allowPlaintextPort(args.name, exception));
            }
        }
        // Ambient pods have no sidecar to scope (a Sidecar object would select nothing there).
        if (args.dataPlane.name === "sidecar") {
            istio("sidecar", sidecarScope(args.name, args.istioNamespace, args.egressNamespace, args.sidecarHosts));
        }
        new networkingv1.NetworkPolicy(
            `${name}-egress-lockdown`,
            egressLockdown(args.name, {
                istiod: { namespace: args.istioNamespace, labels: { ...ISTIOD_POD_LABELS } },
                egressGateway: { namespace: args.egressNamespace, labels: args.egressGatewaySelector, port: GATEWAY_PORT },
                dns: args.dns,
                namespaces: hostNamespaces(args.sidecarHosts),
                extra: args.egressExtra,
            }),
            { parent: this, dependsOn: [namespace] },
        );

        // No outputs: the stack output `meshNamespaces` names them.
        this.registerOutputs({});
    }
}
