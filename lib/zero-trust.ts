/**
 * The objects that lock an application namespace into the mesh, built by small typed functions from
 * resolved config: STRICT mTLS (with per-port exceptions), default-deny authorization with allow rules,
 * a Sidecar scope, and a NetworkPolicy that keeps pods from bypassing the egress gateway.
 */
import { createHash } from "crypto";
import { byText, istioObject, IstioObject, PART_OF } from "./objects";
import type { MtlsMode, MtlsException, AllowedSource } from "../model/mesh";
export type { MtlsMode, MtlsException, AllowedSource } from "../model/mesh";

/** The annotation that marks a PERMISSIVE exception, with its reason as the value. */
export const EXCEPTION_REASON_ANNOTATION = "meshstack.io/mtls-exception-reason";



/** The namespace-wide (or, in the root namespace, mesh-wide) PeerAuthentication. */
export function peerAuthentication(namespace: string, mode: MtlsMode): IstioObject<{ mtls: { mode: MtlsMode } }> {
    return istioObject("security.istio.io/v1", "PeerAuthentication", "default", namespace, { mtls: { mode } });
}

/**
 * A workload's `app` label as a part of an object name: as it is when it is a DNS label, else lowercased,
 * every run of other characters as one "-", with a short hash of the label (`My_App` → `my-app-0e86b8`),
 * so two labels never share a name.
 */
export function workloadNamePart(workload: string): string {
    if (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(workload)) {
        return workload;
    }
    const safe = workload
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        // Each run is one "-" by now: at most one at either end.
        .replace(/^-|-$/g, "");
    return `${safe === "" ? "workload" : safe}-${createHash("sha256").update(workload).digest("hex").slice(0, 6)}`;
}

/** One workload's plain-text ports, each with its reason: Istio applies one PeerAuthentication per workload. */
export interface WorkloadExceptions {
    workload: string;
    exceptions: MtlsException[];
}

/**
 * The exceptions grouped per workload, in a stable order (workload, then port): Istio applies only one
 * workload-level PeerAuthentication to a pod (the oldest, when several select it), so all of a
 * workload's plain-text ports go in one.
 */
export function byWorkload(exceptions: readonly MtlsException[]): WorkloadExceptions[] {
    const workloads = [...new Set(exceptions.map((exception) => exception.workload))].sort();
    return workloads.map((workload) => ({
        workload,
        exceptions: exceptions.filter((exception) => exception.workload === workload).sort((a, b) => a.port - b.port),
    }));
}

/**
 * The name of a workload's PeerAuthentication, `permissive-<workload>`: one object per workload, whose
 * ports may change without the object being replaced (a replacement would leave the ports STRICT for
 * a moment).
 */
export function mtlsExceptionName(group: WorkloadExceptions): string {
    return `permissive-${workloadNamePart(group.workload)}`;
}

/**
 * A PeerAuthentication for one workload: its other ports keep the namespace's mode, each listed port
 * accepts plain text. Marked with the reasons (`<port>: <reason>` when there are several), so a policy
 * check and an auditor can tell it is deliberate.
 */
export function mtlsException(
    namespace: string,
    mode: MtlsMode,
    group: WorkloadExceptions,
): IstioObject<{
    selector: { matchLabels: Record<string, string> };
    mtls: { mode: MtlsMode };
    portLevelMtls: Record<string, { mode: "PERMISSIVE" }>;
}> {
    const object = istioObject("security.istio.io/v1", "PeerAuthentication", mtlsExceptionName(group), namespace, {
        selector: { matchLabels: { app: group.workload } },
        mtls: { mode },
        portLevelMtls: Object.fromEntries(group.exceptions.map((exception) => [String(exception.port), { mode: "PERMISSIVE" as const }])),
    });
    const reason =
        group.exceptions.length === 1 ? group.exceptions[0].reason : group.exceptions.map((exception) => `${exception.port}: ${exception.reason}`).join("; ");
    return { ...object, metadata: { ...object.metadata, annotations: { [EXCEPTION_REASON_ANNOTATION]: reason } } };
}

/**
 * Under default deny, the plain-text port of an mTLS exception must also be allowed: its callers have no
 * mTLS identity, so no `allowFrom` rule can match them. Any caller may reach that one port.
 */
export function allowPlaintextPort(
    namespace: string,
    exception: MtlsException,
): IstioObject<{
    selector: { matchLabels: Record<string, string> };
    action: "ALLOW";
    rules: Array<{ to: Array<{ operation: { ports: string[] } }> }>;
}> {
    const object = istioObject("security.istio.io/v1", "AuthorizationPolicy", `allow-plaintext-${workloadNamePart(exception.workload)}-${exception.port}`, namespace, {
        selector: { matchLabels: { app: exception.workload } },
        action: "ALLOW" as const,
        rules: [{ to: [{ operation: { ports: [String(exception.port)] } }] }],
    });
    return { ...object, metadata: { ...object.metadata, annotations: { [EXCEPTION_REASON_ANNOTATION]: exception.reason } } };
}

/** The mesh namespaces, as {@link sidecarImports} reads them. */
export interface NamespaceReach {
    name: string;
    defaultDeny: boolean;
    allowFrom: ReadonlyArray<{ namespace: string }>;
}

/**
 * For each mesh namespace, the other mesh namespaces whose services it may call, and so whose
 * configuration its proxies need (`<namespace>/*`, sorted): those without default deny, and those whose
 * `allowFrom` names it. Without them in its Sidecar, a proxy has no route to the service (and with
 * REGISTRY_ONLY, the call fails). One pass over the namespaces and their `allowFrom`, then each list
 * (as long as what its namespace may reach: that is the semantics): not every namespace against every other.
 */
export function sidecarImports(namespaces: readonly NamespaceReach[]): ReadonlyMap<string, string[]> {
    const open = namespaces.filter((namespace) => !namespace.defaultDeny).map((namespace) => namespace.name);
    const allowedBy = new Map<string, Set<string>>();
    for (const callee of namespaces.filter((namespace) => namespace.defaultDeny)) {
        for (const source of callee.allowFrom) {
            allowedBy.set(source.namespace, (allowedBy.get(source.namespace) ?? new Set()).add(callee.name));
        }
    }
    return new Map(
        namespaces.map((namespace): [string, string[]] => {
            const reachable = new Set([...open, ...(allowedBy.get(namespace.name) ?? [])]);
            reachable.delete(namespace.name);
            return [namespace.name, [...reachable].map((name) => `${name}/*`).sort(byText)];
        }),
    );
}

/**
 * The namespaces a Sidecar's hosts (`<namespace>/<host>`) name, besides its own (`.`): `"*"` for a host
 * in any namespace; `~` names none.
 */
export function hostNamespaces(hosts: readonly string[]): string[] {
    const namespaces = hosts.map((host) => host.slice(0, host.indexOf("/"))).filter((namespace) => namespace !== "." && namespace !== "~");
    return [...new Set(namespaces)].sort();
}

/** An AuthorizationPolicy with an empty spec: it allows nothing, so only other ALLOW policies let calls in. */
export function denyAll(namespace: string): IstioObject<Record<string, never>> {
    return istioObject("security.istio.io/v1", "AuthorizationPolicy", "deny-all", namespace, {});
}

/** The ALLOW policy listing who may call in, by mTLS identity (namespace, or service account principal). */
export function allowFrom(
    namespace: string,
    sources: readonly AllowedSource[],
    trustDomain = "cluster.local",
): IstioObject<{ action: "ALLOW"; rules: Array<{ from: Array<{ source: { namespaces?: string[]; principals?: string[] } }> }> }> {
    // In a stable order: the same sources in another order are the same policy.
    const from = [...sources]
        .sort((a, b) => byText(`${a.namespace}/${a.serviceAccount ?? ""}`, `${b.namespace}/${b.serviceAccount ?? ""}`))
        .map((source) =>
            source.serviceAccount === undefined
                ? { source: { namespaces: [source.namespace] } }
                : { source: { principals: [`${trustDomain}/ns/${source.namespace}/sa/${source.serviceAccount}`] } },
        );
    return istioObject("security.istio.io/v1", "AuthorizationPolicy", "allow-from-config", namespace, {
        action: "ALLOW" as const,
        rules: [{ from }],
    });
}

/** A policy's target: the namespace's waypoint (the Gateway), which then enforces it with the callers' own identities. */
export interface WaypointTarget {
    group: "gateway.networking.k8s.io";
    kind: "Gateway";
    name: string;
}

/**
 * `policy`, enforced at the namespace's waypoint instead of at the pods: with a waypoint in the path, the
 * pods' ztunnel sees the waypoint's identity, and only the waypoint still knows who called.
 */
export function atWaypoint<Spec extends object>(policy: IstioObject<Spec>, waypoint: string): IstioObject<Spec & { targetRefs: WaypointTarget[] }> {
    return {
        ...policy,
        metadata: { ...policy.metadata, name: `${policy.metadata.name}-at-waypoint` },
        spec: { targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: waypoint }], ...policy.spec },
    };
}

/**
 * The ALLOW policy that lets the namespace's waypoint reach its pods: behind a default deny, the pods'
 * ztunnel sees every call the waypoint forwards as the waypoint's own identity.
 */
export function allowFromWaypoint(
    namespace: string,
    waypoint: string,
    trustDomain = "cluster.local",
): IstioObject<{ action: "ALLOW"; rules: Array<{ from: Array<{ source: { principals: string[] } }> }> }> {
    return istioObject("security.istio.io/v1", "AuthorizationPolicy", "allow-from-waypoint", namespace, {
        action: "ALLOW" as const,
        rules: [{ from: [{ source: { principals: [`${trustDomain}/ns/${namespace}/sa/${waypoint}`] } }] }],
    });
}

/**
 * The namespace's Sidecar: its proxies get configuration only for their own namespace, istiod's, the
 * egress gateway's (where the allowlist's ServiceEntries live), kube-system's (cluster DNS) and
 * `extraHosts`.
 */
export function sidecarScope(
    namespace: string,
    istioNamespace: string,
    egressNamespace: string,
    extraHosts: readonly string[],
): IstioObject<{ egress: Array<{ hosts: string[] }> }> {
    // kube-system: cluster DNS, whatever its Service's name (kube-dns, kubespray's coredns). A lookup
    // over TCP is captured by the sidecar, and under REGISTRY_ONLY a Service it does not know is the
    // black hole. (The network policy still lets pods reach only the DNS pods there.)
    const fixed = ["./*", `${istioNamespace}/*`, `${egressNamespace}/*`, `${KUBE_DNS.namespace}/*`];
    const extra = [...new Set(extraHosts)].filter((host) => !fixed.includes(host)).sort();
    return istioObject("networking.istio.io/v1", "Sidecar", "default", namespace, {
        egress: [{ hosts: [...fixed, ...extra] }],
    });
}

/** A peer of a NetworkPolicy rule. */
export interface NetworkPeer {
    namespaceSelector?: { matchLabels?: Record<string, string> };
    podSelector?: { matchLabels: Record<string, string> };
    ipBlock?: { cidr: string };
}

/** A port of a NetworkPolicy rule. */
export interface NetworkPort {
    protocol: "UDP" | "TCP";
    port: number;
}

/** A Kubernetes NetworkPolicy, as `networking/v1` `NetworkPolicy` takes it. */
export interface NetworkPolicyObject {
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    spec: {
        podSelector: { matchLabels?: Record<string, string> };
        policyTypes: Array<"Egress" | "Ingress">;
        egress?: Array<{ to: NetworkPeer[]; ports?: NetworkPort[] }>;
        ingress?: Array<{ from: NetworkPeer[]; ports?: NetworkPort[] }>;
    };
}

/** The label Kubernetes puts on every namespace, with its name. */
const NAMESPACE_NAME = "kubernetes.io/metadata.name";

/** A peer: the pods labelled `labels` in `namespace` (every pod with `{}`). */
export function podsIn(namespace: string, labels: Record<string, string>): NetworkPeer {
    return {
        namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: namespace } },
        ...(Object.keys(labels).length === 0 ? {} : { podSelector: { matchLabels: labels } }),
    };
}

/** Cluster DNS as the mesh's pods reach it. */
export interface ClusterDns {
    /** The NodeLocal DNSCache address the pods resolve through, if the cluster runs it (e.g. 169.254.25.10). */
    nodeLocalAddress?: string | undefined;
}

/** The DNS pods every cluster runs (CoreDNS keeps kube-dns's label). */
export const KUBE_DNS = { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } } as const;

/** The port istiod serves its proxies on (xDS and certificates). */
export const ISTIOD_XDS_PORT = 15012;

/** What a mesh namespace's pods may reach, for {@link egressLockdown}. */
export interface EgressReach {
    /** istiod's namespace and its pods' labels. */
    istiod: { namespace: string; labels: Record<string, string> };
    /** The egress gateway's namespace, its pods' labels and the port the sidecars send to. */
    egressGateway: { namespace: string; labels: Record<string, string>; port: number };
    /** Cluster DNS. */
    dns: ClusterDns;
    /** The other namespaces it may call (`"*"`: any). */
    namespaces: readonly string[];
    /** More it may reach: pods and ports (e.g. Prometheus, when the namespace may query it). @default [] */
    extra?: ReadonlyArray<{ to: NetworkPeer[]; ports: NetworkPort[] }>;
}

/**
 * Egress of every pod in `namespace`: only what a meshed pod needs. DNS (the kube-dns pods, and the
 * NodeLocal DNSCache address when the cluster runs one, UDP and TCP 53), istiod (15012: configuration
 * and certificates), the egress gateway's pods on the one port the sidecars send to (the only way out),
 * its own namespace, the mesh namespaces its Sidecar imports, and `extra`. A pod that bypasses its sidecar (or has none) reaches nothing else:
 * not the internet, not another namespace that could relay there. Every list in a stable order.
 */
export function egressLockdown(namespace: string, reach: EgressReach): NetworkPolicyObject {
    const dnsPorts: NetworkPort[] = [
        { protocol: "UDP", port: 53 },
        { protocol: "TCP", port: 53 },
    ];
    const others = reach.namespaces.includes("*")
        ? [{ namespaceSelector: {} }]
        : [...new Set([namespace, ...reach.namespaces])].sort().map((name) => podsIn(name, {}));
    return {
        metadata: { name: "meshstack-egress-lockdown", namespace, labels: { ...PART_OF } },
        spec: {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [
                {
                    to: [
                        podsIn(KUBE_DNS.namespace, { ...KUBE_DNS.labels }),
                        ...(reach.dns.nodeLocalAddress === undefined ? [] : [{ ipBlock: { cidr: `${reach.dns.nodeLocalAddress}/32` } }]),
                    ],
                    ports: dnsPorts,
                },
                { to: [podsIn(reach.istiod.namespace, reach.istiod.labels)], ports: [{ protocol: "TCP", port: ISTIOD_XDS_PORT }] },
                { to: [podsIn(reach.egressGateway.namespace, reach.egressGateway.labels)], ports: [{ protocol: "TCP", port: reach.egressGateway.port }] },
                { to: others },
                ...(reach.extra ?? []).map((rule) => ({ to: [...rule.to], ports: [...rule.ports] })),
            ],
        },
    };
}
