/**
 * The `meshstack:istio` area: the Istio release, istiod, the sidecars and the egress gateway. Owns the
 * schema (with its defaults and docs), the cross-field checks and their messages.
 */
import { z } from "zod";
import { PREFLIGHT_NAMESPACE } from "../lib/preflight";
import type { MeshIstioArgs } from "../model";
import { parseCpu, parseMemory, ResourceRequirements } from "../lib/quantity";
import { DEFAULT_ISTIO_VERSION, SUPPORTED_ISTIO_MINOR } from "../versions";
import { Assert, Equal } from "./asserts";
import { KeyPath, show } from "./keys";
import { cpu, documented, memory, section, text, wholeNumber } from "./leaves";
import type { PathProblem } from "./problems";
import { isDnsLabel, RESERVED_NAMESPACES } from "./names";
import { profileOf } from "./profiles";

const RELEASE_VERSION = /^(\d+)\.(\d+)\.(\d+)$/;

/** Namespaces Kubernetes owns: meshstack would adopt them, and `pulumi destroy` would try to delete them. */

/** Replicas, autoscaler maximum and resources of one workload, as defaults. */
interface ScalingDefaults {
    replicas: number;
    maxReplicas: number;
    resources: ResourceRequirements;
}

/** The defaults of the Istio area; replica counts and istiod's size follow `highAvailability`. */
export function istioDefaults(highAvailability: boolean): {
    proxy: ResourceRequirements;
    istiod: ScalingDefaults;
    egressGateway: ScalingDefaults;
} {
    const { replicas, istiodResources } = profileOf(highAvailability).istio;
    return {
        proxy: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "2000m", memory: "1024Mi" } },
        istiod: { ...replicas, resources: istiodResources },
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

/** Replicas, autoscaler maximum and resources of a workload. */
function scalingShape(defaults: ScalingDefaults, what: string) {
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
        resources: resourcesSchema(defaults.resources, what),
    };
}

/** The default maximum never falls below an explicit minimum. */
function resolveMaximum<T extends { replicas: number; maxReplicas?: number | undefined }>(
    defaults: ScalingDefaults,
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
        proxy: section({ resources: resourcesSchema(defaults.proxy, "every sidecar proxy in the mesh") }).prefault({}),
        istiod: section(scalingShape(defaults.istiod, "istiod"))
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
    }).prefault({});
}

/** The resolved `meshstack:istio`. */
export type IstioConfig = z.output<ReturnType<typeof istioSchema>>;

/** Compile-time proof that the schema yields exactly what `MeshPlatform` takes. */
export type IstioArgsMatchSchema = Assert<Equal<IstioConfig, MeshIstioArgs>>;

/** Cross-field checks of `meshstack:istio`, on the resolved config. */
export function istioProblems(istio: IstioConfig, highAvailability: boolean): PathProblem[] {
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
        const { replicas, maxReplicas } = istio[workload];
        if (maxReplicas < replicas) {
            problems.push({
                path: [...path, "maxReplicas"],
                message: `${maxReplicas} is below replicas (${replicas}). Set it to ${replicas} or more (equal means no autoscaler).`,
                involves: [
                    [...path, "replicas"],
                    [...path, "maxReplicas"],
                ],
            });
        }
        // The autoscaler scales on CPU use relative to the request: without a request it never scales.
        if (maxReplicas > replicas && (parseCpu(istio[workload].resources.requests.cpu) ?? 0) === 0) {
            problems.push({
                path: [...path, "resources", "requests", "cpu"],
                message:
                    `the autoscaler (maxReplicas ${maxReplicas} > replicas ${replicas}) scales on CPU use relative to this request, ` +
                    `and with none it never scales. Set a CPU request above 0, or set maxReplicas to replicas.`,
                involves: [
                    [...path, "resources", "requests", "cpu"],
                    [...path, "maxReplicas"],
                ],
            });
        }
        if (highAvailability && replicas < 2) {
            problems.push({
                path: [...path, "replicas"],
                message:
                    `${replicas} replica cannot stay available through a node drain, which meshstack:highAvailability ` +
                    `requires. Set 2 or more, or set meshstack:highAvailability to false (dev stacks only).`,
            });
        }
    }
    problems.push(...resourceProblems(istio.proxy.resources, [...root, "proxy", "resources"]));
    problems.push(...resourceProblems(istio.istiod.resources, [...root, "istiod", "resources"]));
    problems.push(...resourceProblems(istio.egressGateway.resources, [...root, "egressGateway", "resources"]));
    return problems;
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
