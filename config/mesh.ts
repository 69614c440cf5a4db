/**
 * The `meshstack:mesh` area: the application namespaces onboarded into the locked-down mesh (mTLS,
 * authorization, sidecar scope, network policy) and the egress allowlist. Owns the schema (with its
 * defaults and docs), the cross-field checks and their messages.
 */
import { z } from "zod";
import type { MeshSecurityArgs } from "../model";
import { entryName } from "../lib/egress";
import { PREFLIGHT_NAMESPACE } from "../lib/preflight";
import { Assert, Equal } from "./asserts";
import { KeyPath, show } from "./keys";
import { documented, flag, list, oneOf, port, section, text } from "./leaves";
import type { PathProblem } from "./problems";
import { isDnsLabel, isDnsSubdomain, isLabelValue, RESERVED_NAMESPACES } from "./names";
import { profileOf } from "./profiles";
import { DATA_PLANE_NAMES } from "./istio";

/** A DNS label as Istio takes one in a host: at most 63 characters. */
const HOST_LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";
/** A full DNS name (at least two labels, at most 253), its top-level label not all digits (not an IP address). */
const DNS_NAME = new RegExp(`^(?=.{1,253}$)(${HOST_LABEL}\\.)+(?!\\d+$)${HOST_LABEL}$`);
/**
 * A Sidecar egress host as Istio takes it: `<namespace>/<host>`, the namespace `*`, `.`, `~` or a name,
 * the host `*`, `*.` and a domain (`*.local`), or a full DNS name (no short names; any case).
 */
const SIDECAR_LABEL = "[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?";
const SIDECAR_HOST = new RegExp(
    `^(\\*|\\.|~|[a-z0-9]([-a-z0-9]*[a-z0-9])?)/(\\*|\\*\\.${SIDECAR_LABEL}(\\.${SIDECAR_LABEL})*|(${SIDECAR_LABEL}\\.)+(?!\\d+$)${SIDECAR_LABEL})$`,
);

/** The mTLS modes meshstack offers mesh-wide. */
export const MTLS_MODES = ["STRICT", "PERMISSIVE"] as const;
/** Istio's outbound traffic policy modes. */
export const OUTBOUND_MODES = ["REGISTRY_ONLY", "ALLOW_ANY"] as const;
/** The protocols of an allowlisted external host. */
export const EGRESS_PROTOCOLS = ["TLS", "HTTP"] as const;

/** A problem with an application namespace name (a DNS-1123 label), or `undefined`. */
export function checkMeshNamespace(value: string): string | undefined {
    if (!isDnsLabel(value)) {
        return `${show(value)} is not a namespace name: at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit.`;
    }
    if (RESERVED_NAMESPACES.includes(value) || value === PREFLIGHT_NAMESPACE) {
        return `${show(value)} is not an application namespace: it belongs to Kubernetes or to meshstack. Choose your application's namespace.`;
    }
    return undefined;
}

/** A problem with an external host name, or `undefined`. */
export function checkExternalHost(value: string): string | undefined {
    if (value.startsWith("*.") && DNS_NAME.test(value.slice(2))) {
        return (
            `${show(value)} is a wildcard: meshstack routes each allowed host through the egress gateway to its own ` +
            `DNS name, which a wildcard does not have. List each host (e.g. "api.example.com").`
        );
    }
    return DNS_NAME.test(value)
        ? undefined
        : `${show(value)} is not a DNS name: lowercase labels of at most 63 letters, digits and "-" joined by ".", the last one not all digits (an IP address cannot be routed by name), e.g. "api.stripe.com".`;
}

/** A problem with a Sidecar egress host (`namespace/host`), or `undefined`. */
export function checkSidecarHost(value: string): string | undefined {
    return SIDECAR_HOST.test(value)
        ? undefined
        : `${show(value)} is not a Sidecar host: "<namespace>/<host>", the host "*" or a full DNS name (Istio refuses short names), e.g. "monitoring/*" or "shared/cache.shared.svc.cluster.local".`;
}

/** A problem with a service account name (a DNS-1123 subdomain), or `undefined`. */
export function checkServiceAccount(value: string): string | undefined {
    return isDnsSubdomain(value)
        ? undefined
        : `${show(value)} is not a service account name: lowercase letters, digits, "-" and ".", as \`kubectl get serviceaccounts\` prints it.`;
}

/** A problem with an `app` label value, or `undefined`. */
export function checkAppLabel(value: string): string | undefined {
    return isLabelValue(value)
        ? undefined
        : `${show(value)} is not an \`app\` label value: at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit.`;
}

const nonEmpty = (value: string): string | undefined =>
    value.trim() === ""
        ? "is empty. Say why the exception is needed: auditors read it."
        : value.length > 1024
          ? `is ${value.length} characters long; it goes in an annotation, whose size Kubernetes caps. Keep it under 1024 characters: link to the ticket.`
          : undefined;

const permissiveBlock = (what: string) =>
    documented(text(nonEmpty), { description: `Why ${what} is needed (shown to auditors in the stack outputs). Required.` });

function namespaceSchema(highAvailability: boolean) {
    return section({
        name: documented(text(checkMeshNamespace), { description: "The application namespace." }),
        adopt: documented(flag().default(false), {
            description:
                "The namespace exists already (created by someone else): label it instead of creating it, and never delete it.",
        }),
        defaultDeny: documented(flag().default(profileOf(highAvailability).mesh.defaultDeny), {
            description: "Deny every call into the namespace but those `allowFrom` lists (an Istio AuthorizationPolicy).",
        }),
        allowFrom: documented(
            list(
                section({
                    namespace: documented(text(checkMeshNamespace), {
                        description: "A mesh namespace (declared here) whose workloads may call in; list the namespace itself to allow calls within it.",
                    }),
                    serviceAccount: documented(text(checkServiceAccount).optional(), {
                        description: "Only this service account of that namespace.",
                        docDefault: "every service account",
                    }),
                }),
                "sources",
            ).default([]),
            { description: "Who may call into the namespace when `defaultDeny` is on." },
        ),
        mtlsExceptions: documented(
            list(
                section({
                    workload: documented(text(checkAppLabel), { description: "The `app` label of the workload." }),
                    port: documented(port(), { description: "The workload's port that accepts plain text." }),
                    reason: permissiveBlock("the plain-text port"),
                }),
                "exceptions",
            ).default([]),
            { description: "Ports that accept plain text (PERMISSIVE) on one workload, each with a reason." },
        ),
        sidecarHosts: documented(list(text(checkSidecarHost), "hosts").default([]), {
            description:
                "Hosts the namespace's proxies may reach beyond their own namespace, istiod's and the egress gateway's, as `<namespace>/<host>`.",
        }),
        dataPlane: documented(oneOf(DATA_PLANE_NAMES).optional(), {
            description: "The namespace's own data plane (`sidecar` or `ambient`), to move one namespace at a time.",
            docDefault: "`meshstack:istio.dataPlane`",
        }),
    });
}

function egressSchema() {
    return section({
        host: documented(text(checkExternalHost), { description: "The external host (a DNS name)." }),
        port: documented(port(), { description: "Its port." }),
        protocol: documented(oneOf(EGRESS_PROTOCOLS), {
            description: "`TLS`: the application speaks TLS (HTTPS), passed through by SNI; `HTTP`: plain HTTP.",
        }),
        reason: documented(text().optional(), { description: "Why data may go there (shown to auditors).", docDefault: "none" }),
    });
}

/** The schema of `meshstack:mesh` for a stack with or without `highAvailability`. */
export function meshSchema(highAvailability: boolean) {
    return section({
        mtlsMode: documented(oneOf(MTLS_MODES).default("STRICT"), {
            description:
                "Mesh-wide and per-namespace mTLS. `PERMISSIVE` (plain text accepted) only without highAvailability, to migrate.",
        }),
        outboundTrafficPolicy: documented(oneOf(OUTBOUND_MODES).default("REGISTRY_ONLY"), {
            description:
                "`REGISTRY_ONLY`: proxies reach only known services and the egress allowlist. `ALLOW_ANY`: proxies pass " +
                "unknown hosts through, but the mesh namespaces' NetworkPolicy still keeps their pods inside the cluster.",
        }),
        namespaces: documented(list(namespaceSchema(highAvailability), "namespaces").default([]), {
            description: "Application namespaces onboarded into the mesh.",
        }),
        egress: documented(list(egressSchema(), "hosts").default([]), {
            description: "External hosts the mesh may reach, each through the egress gateway.",
        }),
    }).prefault({});
}

/** The resolved `meshstack:mesh`. */
export type MeshConfig = z.output<ReturnType<typeof meshSchema>>;

/** Compile-time proof that the schema yields exactly what `MeshPlatform` takes. */
export type MeshArgsMatchSchema = Assert<Equal<MeshConfig, MeshSecurityArgs>>;

/** Cross-field checks of `meshstack:mesh`, on the resolved config. */
export function meshProblems(
    mesh: MeshConfig,
    highAvailability: boolean,
    reserved: { istioNamespace: string; egressNamespace: string },
): PathProblem[] {
    const problems: PathProblem[] = [];
    const root: KeyPath = ["mesh"];
    if (highAvailability && mesh.mtlsMode !== "STRICT") {
        problems.push({
            path: [...root, "mtlsMode"],
            message:
                "a highly available stack accepts only mutual TLS: plain text inside the cluster is an audit finding. " +
                "Set STRICT, and an exception per port in meshstack:mesh.namespaces[].mtlsExceptions where needed.",
        });
    }
    const declared = new Set(mesh.namespaces.map((namespace) => namespace.name));
    const seen = new Set<string>();
    mesh.namespaces.forEach((namespace, index) => {
        const path = [...root, "namespaces", index];
        const namePath = [...path, "name"];
        if (seen.has(namespace.name)) {
            problems.push({ path: namePath, message: `${show(namespace.name)} is listed more than once. List each namespace once.` });
        }
        seen.add(namespace.name);
        if (namespace.name === reserved.istioNamespace || namespace.name === reserved.egressNamespace) {
            problems.push({
                path: namePath,
                message:
                    `${show(namespace.name)} is istiod's or the egress gateway's namespace (meshstack:istio), which meshstack ` +
                    `runs itself. Onboard application namespaces only.`,
                involves: [namePath, ["istio"]],
            });
        }
        namespace.allowFrom.forEach((source, sourceIndex) => {
            if (!declared.has(source.namespace)) {
                problems.push({
                    path: [...path, "allowFrom", sourceIndex, "namespace"],
                    message:
                        `${show(source.namespace)} is not a mesh namespace, so its calls carry no identity to allow. Declare it in ` +
                        `meshstack:mesh.namespaces, or remove the rule.`,
                    // The rule and the namespaces it may name: all of them under meshstack:mesh.namespaces.
                    involves: [[...root, "namespaces"]],
                });
            }
        });
        if (!namespace.defaultDeny && namespace.allowFrom.length > 0) {
            problems.push({
                path: [...path, "allowFrom"],
                message: "allow rules need defaultDeny (without it every call is allowed anyway). Set defaultDeny: true, or remove allowFrom.",
            });
        }
        const ports = new Set<string>();
        namespace.mtlsExceptions.forEach((exception, exceptionIndex) => {
            const id = `${exception.workload}:${exception.port}`;
            if (ports.has(id)) {
                problems.push({
                    path: [...path, "mtlsExceptions", exceptionIndex],
                    message: `a second exception for ${exception.workload} port ${exception.port}. List each port once.`,
                });
            }
            ports.add(id);
        });
    });
    const hosts = new Set<string>();
    const names = new Map<string, string>();
    const protocols = new Map<number, { protocol: string; host: string }>();
    mesh.egress.forEach((entry, index) => {
        const path = [...root, "egress", index];
        if (hosts.has(entry.host)) {
            problems.push({ path: [...path, "host"], message: `${show(entry.host)} is listed more than once. List each external host once.` });
            return;
        }
        hosts.add(entry.host);
        const name = entryName(entry.host);
        const clash = names.get(name);
        if (clash !== undefined) {
            problems.push({
                path: [...path, "host"],
                message: `${show(entry.host)} and ${show(clash)} give their Istio objects the same name (${name}). Route one of them through another host name.`,
            });
        }
        names.set(name, entry.host);
        const other = protocols.get(entry.port);
        if (other !== undefined && other.protocol !== entry.protocol) {
            problems.push({
                path: [...path, "protocol"],
                message:
                    `port ${entry.port} is ${other.protocol} for ${show(other.host)}: a port carries one protocol in the mesh ` +
                    `(the sidecars listen on it once). Use ${other.protocol} here, or another port.`,
            });
        }
        protocols.set(entry.port, other ?? { protocol: entry.protocol, host: entry.host });
    });
    return problems;
}
