/** The resolved `meshstack:mesh`: mTLS, authorization, the application namespaces and the egress allowlist. Plain types: no zod, no Pulumi. */
import type { DataPlaneName } from "./istio";

/** mTLS mode of a PeerAuthentication. */
export type MtlsMode = "STRICT" | "PERMISSIVE";

/** One port of one workload that accepts plain text. */
export interface MtlsException {
    /** The workload's `app` label. */
    workload: string;
    /** The port. */
    port: number;
    /** Why (the auditor reads it). */
    reason: string;
}

/** A source allowed to call into a namespace. */
export interface AllowedSource {
    /** Its namespace. */
    namespace: string;
    /** Only this service account. @default every service account of the namespace */
    serviceAccount?: string | undefined;
}

/** One allowed external host. */
export interface EgressEntry {
    /** The host's DNS name. */
    host: string;
    /** Its port. */
    port: number;
    /** `TLS`: HTTPS from the application; `HTTP`: plain HTTP. */
    protocol: "TLS" | "HTTP";
    /** Why data may go there. @default none */
    reason?: string | undefined;
}

/** An application namespace of {@link MeshSecurityArgs}. */
export interface MeshNamespaceSettings {
    /** The namespace. */
    name: string;
    /** Label an existing namespace instead of creating it. */
    adopt: boolean;
    /** Deny every call in but those of `allowFrom`. */
    defaultDeny: boolean;
    /** Who may call in. */
    allowFrom: AllowedSource[];
    /** Plain-text ports of single workloads, each with its reason. */
    mtlsExceptions: MtlsException[];
    /** Extra hosts the namespace's proxies may reach (`<namespace>/<host>`). */
    sidecarHosts: string[];
    /** The namespace's data plane, while a mesh migrates. @default the mesh's (`MeshIstioArgs.dataPlane`) */
    dataPlane?: DataPlaneName | undefined;
}

/** Zero trust and egress control: `meshstack:mesh`. */
export interface MeshSecurityArgs {
    /** mTLS mesh-wide and in every application namespace. */
    mtlsMode: MtlsMode;
    /** What proxies may reach outside the mesh registry. */
    outboundTrafficPolicy: "REGISTRY_ONLY" | "ALLOW_ANY";
    /** The application namespaces onboarded into the mesh. */
    namespaces: MeshNamespaceSettings[];
    /** The external hosts the mesh may reach, through the egress gateway. */
    egress: EgressEntry[];
}
