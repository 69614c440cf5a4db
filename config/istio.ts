/**
 * The `meshstack:istio` area: the Istio release, istiod, the sidecars and the egress gateway. Owns the
 * schema (with its defaults and docs), the cross-field checks and their messages.
 */
import { z } from "zod";
import { PREFLIGHT_NAMESPACE } from "../lib/preflight";
import type { MeshIstioArgs } from "../model";
import { parseCpu, parseMemory, ResourceQuantities, ResourceRequirements } from "../lib/quantity";
import { ISTIOD_CPU_RULE, ISTIOD_MEMORY_RULE, istiodRequests, MeshSize } from "../lib/sizing";
import { CNI_RESOURCES, WAYPOINT_RESOURCES, ZTUNNEL_RESOURCES } from "../lib/ambient";
import { DEFAULT_ISTIO_VERSION, SUPPORTED_ISTIO_MINOR } from "../versions";
import { Assert, Equal } from "./asserts";
import { KeyPath, show } from "./keys";
import { cpu, documented, memory, oneOf, section, text, wholeNumber } from "./leaves";
import type { PathProblem } from "./problems";
import { isDnsLabel, RESERVED_NAMESPACES } from "./names";
import { profileOf } from "./profiles";

const RELEASE_VERSION = /^(\d+)\.(\d+)\.(\d+)$/;

/** The data planes meshstack installs (lib/data-plane.ts). */
export const DATA_PLANE_NAMES = ["sidecar", "ambient"] as const;

/** Namespaces Kubernetes owns: meshstack would adopt them, and `pulumi destroy` would try to delete them. */

/** Replicas and autoscaler maximum of one workload, as defaults. */
interface ReplicaDefaults {
    replicas: number;
    maxReplicas: number;
}

/** Replicas, autoscaler maximum and resources of one workload, as defaults. */
interface ScalingDefaults extends ReplicaDefaults {
    resources: ResourceRequirements;
}

/** The defaults of the Istio area; replica counts and istiod's limits follow `highAvailability` (its requests, the mesh's size). */
export function istioDefaults(highAvailability: boolean): {
    proxy: ResourceRequirements;
    istiod: ReplicaDefaults & { limits: ResourceQuantities };
    egressGateway: ScalingDefaults;
} {
    const { replicas, istiodLimits } = profileOf(highAvailability).istio;
    return {
        // lib/sizing.ts EVIDENCE: Istio's per-proxy figures and a measured idle sidecar.
        proxy: { requests: { cpu: "50m", memory: "96Mi" }, limits: { cpu: "2000m", memory: "1024Mi" } },
        istiod: { ...replicas, limits: istiodLimits },
        egressGateway: {
            ...replicas,
            resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "2000m", memory: "1024Mi" } },
        },
    };
}

/** A problem with an Istio release string, or `undefined`. */
export function checkVersion(value: string): string | undefined {
    const match = RELEASE_VERSION.exec(value);
    if (!match) {
        return `${show(value)} is not an Istio release. Set MAJOR.MINOR.PATCH, e.g. "${DEFAULT_ISTIO_VERSION}".`;
    }
    if (`${match[1]}.${match[2]}` !== SUPPORTED_ISTIO_MINOR) {
        return (
            `Istio ${value} is not supported: meshstack's Helm values are checked against the ` +
            `${SUPPORTED_ISTIO_MINOR} charts. Set a ${SUPPORTED_ISTIO_MINOR}.x release, e.g. "${DEFAULT_ISTIO_VERSION}".`
        );
    }
    return undefined;
}

/** A problem with a namespace meshstack creates, or `undefined`. */
export function checkNamespace(value: string): string | undefined {
    if (!isDnsLabel(value)) {
        return (
            `${show(value)} is not a namespace name. Use at most 63 lowercase letters, digits and "-", ` +
            `starting and ending with a letter or digit.`
        );
    }
    if (RESERVED_NAMESPACES.includes(value)) {
        return (
            `${show(value)} belongs to Kubernetes; meshstack creates and deletes the namespaces it uses. ` +
            `Choose a namespace of the mesh's own.`
        );
    }
    if (value === PREFLIGHT_NAMESPACE) {
        return `${show(value)} is the namespace of meshstack's pre-flight gates and local volumes' Jobs. Choose another name.`;
    }
    return undefined;
}

/** Requests and limits, each field defaulted on its own. `what` starts each description. */
export function resourcesSchema(defaults: ResourceRequirements, what: string) {
    const quantities = (kind: "requests" | "limits", noun: "request" | "limit") =>
        section({
            cpu: documented(cpu().default(defaults[kind].cpu), {
                description: `CPU ${noun} of ${what}.`,
                docType: "quantity",
                default: defaults[kind].cpu,
            }),
            memory: documented(memory().default(defaults[kind].memory), {
                description: `Memory ${noun} of ${what}.`,
                docType: "quantity",
                default: defaults[kind].memory,
            }),
        }).prefault({});
    return section({ requests: quantities("requests", "request"), limits: quantities("limits", "limit") }).prefault({});
}

/** Replicas and autoscaler maximum of a workload. */
function replicaShape(defaults: ReplicaDefaults, what: string) {
    return {
        replicas: documented(wholeNumber(1).default(defaults.replicas), {
            description:
                `Replicas of ${what}; the autoscaler's minimum. 2 or more adds a PodDisruptionBudget ` +
                `(maxUnavailable 1, unhealthy pods always evictable). With highAvailability, at least 2.`,
        }),
        maxReplicas: documented(wholeNumber(1).optional(), {
            description: `The autoscaler's maximum for ${what}, never below replicas; equal to replicas installs no autoscaler.`,
            default: defaults.maxReplicas,
        }),
    };
}

/** Replicas, autoscaler maximum and resources of a workload. */
function scalingShape(defaults: ScalingDefaults, what: string) {
    return { ...replicaShape(defaults, what), resources: resourcesSchema(defaults.resources, what) };
}

/** How the README and editors show a request that is resolved after parsing. */
export type SizedRequestDocs = { docDefault: string } | { default: string };

/**
 * Requests and limits of a workload whose requests follow the mesh's size (lib/sizing.ts): every field
 * may be left unset and is resolved after parsing by {@link resolveSizedResources}.
 */
export function sizedResourcesSchema(
    what: string,
    requests: Record<keyof ResourceQuantities, SizedRequestDocs>,
    limits: ResourceQuantities,
) {
    const field = (kind: "request" | "limit", name: keyof ResourceQuantities, shown: SizedRequestDocs) =>
        documented((name === "cpu" ? cpu() : memory()).optional(), {
            description:
                `${name === "cpu" ? "CPU" : "Memory"} ${kind} of ${what}.` +
                (kind === "limit" ? " Unset, never below the request." : ""),
            docType: "quantity",
            ...shown,
        });
    return section({
        requests: section({ cpu: field("request", "cpu", requests.cpu), memory: field("request", "memory", requests.memory) }).prefault({}),
        limits: section({
            cpu: field("limit", "cpu", { default: limits.cpu }),
            memory: field("limit", "memory", { default: limits.memory }),
        }).prefault({}),
    }).prefault({});
}

/** What {@link sizedResourcesSchema} parses to. */
export interface SizedResourcesInput {
    requests: { cpu?: string | undefined; memory?: string | undefined };
    limits: { cpu?: string | undefined; memory?: string | undefined };
}

/**
 * The resources of a sized workload: each request as set, else `sized`; each limit as set, else the
 * default limit, raised to the request (Kubernetes rejects a request above its limit).
 */
export function resolveSizedResources(
    input: SizedResourcesInput,
    sized: ResourceQuantities,
    limits: ResourceQuantities,
): ResourceRequirements {
    const requests = { cpu: input.requests.cpu ?? sized.cpu, memory: input.requests.memory ?? sized.memory };
    const atLeast = (parse: (text: string) => number | undefined, limit: string, request: string): string =>
        (parse(request) ?? 0) > (parse(limit) ?? Infinity) ? request : limit;
    return {
        requests,
        limits: {
            cpu: input.limits.cpu ?? atLeast(parseCpu, limits.cpu, requests.cpu),
            memory: input.limits.memory ?? atLeast(parseMemory, limits.memory, requests.memory),
        },
    };
}

/** The default maximum never falls below an explicit minimum. */
function resolveMaximum<T extends { replicas: number; maxReplicas?: number | undefined }>(
    defaults: ReplicaDefaults,
): (value: T) => { [K in keyof T]-?: K extends "maxReplicas" ? number : T[K] } {
    return (value) =>
        ({ ...value, maxReplicas: value.maxReplicas ?? Math.max(defaults.maxReplicas, value.replicas) }) as {
            [K in keyof T]-?: K extends "maxReplicas" ? number : T[K];
        };
}

/** The schema of `meshstack:istio` for a stack with or without `highAvailability`. */
export function istioSchema(highAvailability: boolean) {
    const defaults = istioDefaults(highAvailability);
    return section({
        version: documented(text(checkVersion).default(DEFAULT_ISTIO_VERSION), {
            description:
                `Istio release of every chart. Must be a ${SUPPORTED_ISTIO_MINOR}.x release (the charts ` +
                `meshstack's values were checked against). Quote it in YAML.`,
        }),
        namespace: documented(text(checkNamespace).default("istio-system"), {
            description: "Namespace of istiod, created by meshstack. Not one of Kubernetes' own (`default`, `kube-*`).",
        }),
        dataPlane: documented(oneOf(DATA_PLANE_NAMES).default("sidecar"), {
            description:
                "How pods join the mesh: `sidecar` (an Envoy proxy injected into each pod) or `ambient` (a ztunnel per node " +
                "carries mTLS and L4 policy; a waypoint per namespace adds L7 where a service needs it). A namespace may " +
                "state its own (meshstack:mesh.namespaces[].dataPlane) while a mesh migrates.",
        }),
        proxy: section({ resources: resourcesSchema(defaults.proxy, "every sidecar proxy in the mesh") }).prefault({}),
        istiod: section({
            ...replicaShape(defaults.istiod, "istiod"),
            resources: sizedResourcesSchema(
                "istiod",
                {
                    cpu: { docDefault: `sized from the mesh: ${ISTIOD_CPU_RULE}` },
                    memory: { docDefault: `sized from the mesh: ${ISTIOD_MEMORY_RULE}` },
                },
                defaults.istiod.limits,
            ),
        })
            .transform(resolveMaximum(defaults.istiod))
            .prefault({}),
        egressGateway: section({
            namespace: documented(text(checkNamespace).default("istio-egress"), {
                description:
                    "The egress gateway's own namespace, created by meshstack; must differ from `istio.namespace`. " +
                    "Never labelled `istio-injection=disabled` (the gateway pods are injected).",
            }),
            ...scalingShape(defaults.egressGateway, "the egress gateway"),
        })
            .transform(resolveMaximum(defaults.egressGateway))
            .prefault({}),
        ztunnel: section({ resources: resourcesSchema(ZTUNNEL_RESOURCES, "ztunnel on each node (ambient)") }).prefault({}),
        cni: section({ resources: resourcesSchema(CNI_RESOURCES, "Istio's CNI agent on each node (ambient)") }).prefault({}),
        waypoint: section({
            replicas: documented(wholeNumber(1).default(defaults.istiod.replicas), {
                description:
                    "Replicas of each ambient namespace's waypoint (its services' L7). 2 or more adds a PodDisruptionBudget " +
                    "(maxUnavailable 1). With highAvailability, at least 2.",
            }),
            resources: resourcesSchema(WAYPOINT_RESOURCES, "each waypoint (ambient)"),
        }).prefault({}),
    }).prefault({});
}

/** `meshstack:istio` as parsed: istiod's resources are resolved from the mesh's size by {@link resolveIstio}. */
export type ParsedIstio = z.output<ReturnType<typeof istioSchema>>;

/** `meshstack:istio` resolved: istiod's requests sized from the mesh where they are not set. */
export function resolveIstio(parsed: ParsedIstio, size: MeshSize, highAvailability: boolean): MeshIstioArgs {
    const { istiod } = parsed;
    const sized = istiodRequests(size, istiod.maxReplicas > istiod.replicas);
    const limits = istioDefaults(highAvailability).istiod.limits;
    return { ...parsed, istiod: { ...istiod, resources: resolveSizedResources(istiod.resources, sized, limits) } };
}

/** Compile-time proof that the schema yields exactly what `MeshPlatform` takes, istiod's resources aside. */
export type IstioArgsMatchSchema = Assert<Equal<Omit<ParsedIstio, "istiod">, Omit<MeshIstioArgs, "istiod">>>;
/** The same for istiod's own keys. */
export type IstiodArgsMatchSchema = Assert<Equal<Omit<ParsedIstio["istiod"], "resources">, Omit<MeshIstioArgs["istiod"], "resources">>>;

/** Cross-field checks of `meshstack:istio`, on the resolved config. */
export function istioProblems(istio: MeshIstioArgs, highAvailability: boolean): PathProblem[] {
    const problems: PathProblem[] = [];
    const root: KeyPath = ["istio"];
    const egressNamespace = [...root, "egressGateway", "namespace"];
    if (istio.egressGateway.namespace === istio.namespace) {
        problems.push({
            path: egressNamespace,
            message:
                `${show(istio.egressGateway.namespace)} is also istiod's namespace (meshstack:istio.namespace); the ` +
                `egress gateway gets a namespace of its own. Set another name, e.g. "istio-egress".`,
            involves: [[...root, "namespace"], egressNamespace],
        });
    }
    for (const workload of ["istiod", "egressGateway"] as const) {
        const path = [...root, workload];
        const replicasPath = [...path, "replicas"];
        const maxPath = [...path, "maxReplicas"];
        const { replicas, maxReplicas } = istio[workload];
        if (maxReplicas < replicas) {
            problems.push({
                path: maxPath,
                message: `${maxReplicas} is below replicas (${replicas}). Set it to ${replicas} or more (equal means no autoscaler).`,
                involves: [replicasPath, maxPath],
            });
        }
        // The autoscaler scales on CPU use relative to the request: without a request it never scales.
        const cpuPath = [...path, "resources", "requests", "cpu"];
        if (maxReplicas > replicas && (parseCpu(istio[workload].resources.requests.cpu) ?? 0) === 0) {
            problems.push({
                path: cpuPath,
                message:
                    `the autoscaler (maxReplicas ${maxReplicas} > replicas ${replicas}) scales on CPU use relative to this request, ` +
                    `and with none it never scales. Set a CPU request above 0, or set maxReplicas to replicas.`,
                involves: [cpuPath, maxPath],
            });
        }
        problems.push(...highAvailabilityReplicaProblems(replicas, highAvailability, replicasPath));
    }
    problems.push(...resourceProblems(istio.proxy.resources, [...root, "proxy", "resources"]));
    problems.push(...resourceProblems(istio.istiod.resources, [...root, "istiod", "resources"]));
    problems.push(...resourceProblems(istio.egressGateway.resources, [...root, "egressGateway", "resources"]));
    problems.push(...resourceProblems(istio.ztunnel.resources, [...root, "ztunnel", "resources"]));
    problems.push(...resourceProblems(istio.cni.resources, [...root, "cni", "resources"]));
    problems.push(...resourceProblems(istio.waypoint.resources, [...root, "waypoint", "resources"]));
    problems.push(...highAvailabilityReplicaProblems(istio.waypoint.replicas, highAvailability, [...root, "waypoint", "replicas"]));
    return problems;
}

/** A workload with one replica in a highly available stack: a node drain would take it down. */
function highAvailabilityReplicaProblems(replicas: number, highAvailability: boolean, path: KeyPath): PathProblem[] {
    return highAvailability && replicas < 2
        ? [
              {
                  path,
                  message:
                      `${replicas} replica cannot stay available through a node drain, which meshstack:highAvailability ` +
                      `requires. Set 2 or more, or set meshstack:highAvailability to false (dev stacks only).`,
              },
          ]
        : [];
}

/** A request above its limit, which Kubernetes rejects. */
export function resourceProblems(resources: ResourceRequirements, path: KeyPath): PathProblem[] {
    const problems: PathProblem[] = [];
    const pairs = [
        ["cpu", parseCpu],
        ["memory", parseMemory],
    ] as const;
    for (const [field, parse] of pairs) {
        const request = resources.requests[field];
        const limit = resources.limits[field];
        const requestPath = [...path, "requests", field];
        const limitPath = [...path, "limits", field];
        if ((parse(request) ?? 0) > (parse(limit) ?? Infinity)) {
            problems.push({
                path: requestPath,
                message:
                    `${show(request)} is above its limit ${show(limit)} (${keyNameOf(limitPath)}), which Kubernetes ` +
                    `rejects. Lower the request or raise the limit.`,
                involves: [requestPath, limitPath],
            });
        }
    }
    return problems;
}

function keyNameOf(path: KeyPath): string {
    return `meshstack:${path.join(".")}`;
}
