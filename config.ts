/**
 * The stack's config: read from Pulumi once, defaults applied in one place, validated before any
 * resource exists. Every problem is collected and reported in one error naming each key path and its
 * fix. Components never read config; they get the resolved {@link MeshConfig}.
 */
import * as pulumi from "@pulumi/pulumi";
import { MeshIstioArgs } from "./components/mesh-platform";
import {
    closest,
    ConfigProblem,
    keyOf,
    ProblemList,
    RawObject,
    readBoolean,
    readInteger,
    readObject,
    readString,
    show,
    unknownKeyMessage,
} from "./lib/config-reader";
import { WorkloadScaling } from "./lib/istio-values";
import { parseCpu, parseMemory, ResourceQuantities, ResourceRequirements } from "./lib/quantity";
import { DEFAULT_ISTIO_VERSION, SUPPORTED_ISTIO_MINOR } from "./versions";

/** The config namespace of every meshstack key (`meshstack:istio`, …). */
export const CONFIG_NAMESPACE = "meshstack";

/** The stack's resolved config. */
export interface MeshConfig {
    /**
     * Production-grade redundancy: at least two replicas of istiod and of the egress gateway, each with
     * a PodDisruptionBudget. Sets the replica defaults and is enforced on explicit replica counts.
     * @default true
     */
    highAvailability: boolean;
    /** Istio: control plane, sidecars, egress gateway. */
    istio: MeshIstioArgs;
}

/** Thrown when the config is invalid; its message lists every problem. */
export class ConfigError extends pulumi.RunError {
    constructor(
        readonly stack: string,
        readonly problems: readonly ConfigProblem[],
    ) {
        super(formatProblems(stack, problems));
        this.name = "ConfigError";
    }
}

/** The one error message for a list of config problems. */
export function formatProblems(stack: string, problems: readonly ConfigProblem[]): string {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    const lines = problems.map((problem) => `  - ${problem.key}: ${problem.message}`);
    return [
        `meshstack: the config of stack "${stack}" has ${count}; nothing was changed. ` +
            `Fix them in Pulumi.${stack}.yaml:`,
        ...lines,
    ].join("\n");
}

const SIDECAR_RESOURCES: ResourceRequirements = {
    requests: { cpu: "100m", memory: "128Mi" },
    limits: { cpu: "2000m", memory: "1024Mi" },
};

/** Every default, in one place. Replica counts and istiod's size follow `highAvailability`. */
export function defaultConfig(highAvailability: boolean): MeshConfig {
    const replicas = highAvailability ? { replicas: 2, maxReplicas: 5 } : { replicas: 1, maxReplicas: 1 };
    return {
        highAvailability,
        istio: {
            version: DEFAULT_ISTIO_VERSION,
            namespace: "istio-system",
            proxyResources: SIDECAR_RESOURCES,
            istiod: {
                ...replicas,
                resources: highAvailability
                    ? { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2000m", memory: "4Gi" } }
                    : { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "1000m", memory: "1Gi" } },
            },
            egressGateway: {
                namespace: "istio-egress",
                ...replicas,
                resources: {
                    requests: { cpu: "100m", memory: "128Mi" },
                    limits: { cpu: "2000m", memory: "1024Mi" },
                },
            },
        },
    };
}

const TOP_LEVEL_KEYS = ["highAvailability", "istio"] as const;
const ISTIO_KEYS = ["version", "namespace", "proxy", "istiod", "egressGateway"] as const;
const SCALING_KEYS = ["replicas", "maxReplicas", "resources"] as const;
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const RELEASE_VERSION = /^(\d+)\.(\d+)\.(\d+)$/;

/**
 * The resolved config from the raw values of the `meshstack:` keys (key without the namespace → value
 * as Pulumi holds it: objects and scalars parsed from the stack file). Throws {@link ConfigError}.
 */
export function parseMeshConfig(raw: RawObject, stack: string, earlier: readonly ConfigProblem[] = []): MeshConfig {
    const problems = new ProblemList(earlier);
    for (const key of Object.keys(raw)) {
        if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) {
            problems.add(`${CONFIG_NAMESPACE}:${key}`, topLevelKeyMessage(key));
        }
    }
    const highAvailability = readBoolean(raw.highAvailability, `${CONFIG_NAMESPACE}:highAvailability`, true, problems);
    const defaults = defaultConfig(highAvailability);
    const istio = readIstio(raw.istio, `${CONFIG_NAMESPACE}:istio`, defaults, problems);

    if (problems.problems.length > 0) {
        throw new ConfigError(stack, problems.problems);
    }
    return { highAvailability, istio };
}

/** The message for an unknown top-level key; a path set without `--path` gets the command that works. */
function topLevelKeyMessage(key: string): string {
    const head = key.split(/[.[]/)[0];
    if (head !== key && (TOP_LEVEL_KEYS as readonly string[]).includes(head)) {
        return (
            `unknown key: a path set as one flat key. Set it inside ${CONFIG_NAMESPACE}:${head} with ` +
            `\`pulumi config set --path '${CONFIG_NAMESPACE}:${key}' <value>\`, then \`pulumi config rm '${CONFIG_NAMESPACE}:${key}'\`.`
        );
    }
    return unknownKeyMessage(key, TOP_LEVEL_KEYS);
}

function readIstio(raw: unknown, key: string, defaults: MeshConfig, problems: ProblemList): MeshIstioArgs {
    const fallback = defaults.istio;
    const object = readObject(raw, key, ISTIO_KEYS, problems);
    const version = readString(object.version, keyOf(key, "version"), fallback.version, problems, checkVersion);
    const namespace = readString(object.namespace, keyOf(key, "namespace"), fallback.namespace, problems, checkNamespace);
    const proxy = readObject(object.proxy, keyOf(key, "proxy"), ["resources"], problems);
    const proxyResources = readResources(proxy.resources, keyOf(keyOf(key, "proxy"), "resources"), fallback.proxyResources, problems);
    const istiodKey = keyOf(key, "istiod");
    const istiod = readScaling(
        readObject(object.istiod, istiodKey, SCALING_KEYS, problems),
        istiodKey,
        fallback.istiod,
        defaults.highAvailability,
        problems,
    );

    const egressKey = keyOf(key, "egressGateway");
    const egress = readObject(object.egressGateway, egressKey, ["namespace", ...SCALING_KEYS], problems);
    const egressNamespace = readString(
        egress.namespace,
        keyOf(egressKey, "namespace"),
        fallback.egressGateway.namespace,
        problems,
        checkNamespace,
    );
    if (egressNamespace === namespace) {
        problems.add(
            keyOf(egressKey, "namespace"),
            `${show(egressNamespace)} is also istiod's namespace (meshstack:istio.namespace); the egress gateway ` +
                `gets a namespace of its own. Set another name, e.g. "istio-egress".`,
        );
    }
    const egressScaling = readScaling(egress, egressKey, fallback.egressGateway, defaults.highAvailability, problems);
    return { version, namespace, proxyResources, istiod, egressGateway: { namespace: egressNamespace, ...egressScaling } };
}

/** Replicas and resources from `object`, already read (and its unknown keys reported) by the caller. */
function readScaling(
    object: RawObject,
    key: string,
    fallback: WorkloadScaling,
    highAvailability: boolean,
    problems: ProblemList,
): WorkloadScaling {
    const replicas = readInteger(object.replicas, keyOf(key, "replicas"), fallback.replicas, 1, problems);
    const maxReplicas = readInteger(
        object.maxReplicas,
        keyOf(key, "maxReplicas"),
        Math.max(fallback.maxReplicas, replicas),
        1,
        problems,
    );
    if (maxReplicas < replicas) {
        problems.add(
            keyOf(key, "maxReplicas"),
            `${maxReplicas} is below replicas (${replicas}). Set it to ${replicas} or more (equal means no autoscaler).`,
        );
    }
    if (highAvailability && replicas < 2) {
        problems.add(
            keyOf(key, "replicas"),
            `${replicas} replica cannot stay available through a node drain, which meshstack:highAvailability ` +
                `requires. Set 2 or more, or set meshstack:highAvailability to false (dev stacks only).`,
        );
    }
    const resources = readResources(object.resources, keyOf(key, "resources"), fallback.resources, problems);
    return { replicas, maxReplicas, resources };
}

function readResources(
    raw: unknown,
    key: string,
    fallback: ResourceRequirements,
    problems: ProblemList,
): ResourceRequirements {
    const object = readObject(raw, key, ["requests", "limits"], problems);
    const requests = readQuantities(object.requests, keyOf(key, "requests"), fallback.requests, problems);
    const limits = readQuantities(object.limits, keyOf(key, "limits"), fallback.limits, problems);
    const pairs = [
        ["cpu", parseCpu],
        ["memory", parseMemory],
    ] as const;
    for (const [field, parse] of pairs) {
        const request = parse(requests[field]);
        const limit = parse(limits[field]);
        if (request !== undefined && limit !== undefined && request > limit) {
            problems.add(
                keyOf(keyOf(key, "requests"), field),
                `${show(requests[field])} is above its limit ${show(limits[field])} ` +
                    `(${keyOf(keyOf(key, "limits"), field)}), which Kubernetes rejects. ` +
                    `Lower the request or raise the limit.`,
            );
        }
    }
    return { requests, limits };
}

function readQuantities(
    raw: unknown,
    key: string,
    fallback: ResourceQuantities,
    problems: ProblemList,
): ResourceQuantities {
    const object = readObject(raw, key, ["cpu", "memory"], problems);
    const cpu = readString(object.cpu, keyOf(key, "cpu"), fallback.cpu, problems, (value) =>
        parseCpu(value) === undefined
            ? `${show(value)} is not a CPU quantity. Use cores ("2", "0.5") or millicores ("500m").`
            : undefined,
    );
    const memory = readString(object.memory, keyOf(key, "memory"), fallback.memory, problems, (value) =>
        parseMemory(value) === undefined
            ? `${show(value)} is not a memory quantity. Use bytes with a suffix, e.g. "128Mi", "1Gi" or "512M".`
            : undefined,
    );
    return { cpu, memory };
}

function checkVersion(value: string): string | undefined {
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

/** Namespaces Kubernetes owns: meshstack would adopt them, and `pulumi destroy` would try to delete them. */
const RESERVED_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

function checkNamespace(value: string): string | undefined {
    if (value.length > 63 || !NAMESPACE_NAME.test(value)) {
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
    return undefined;
}

/**
 * The raw `meshstack:` values of a config map as Pulumi hands it to a program (`namespace:key` →
 * string; objects and lists as JSON).
 */
export function rawMeshConfig(all: Readonly<Record<string, string>>): RawObject {
    const raw: RawObject = {};
    const prefix = `${CONFIG_NAMESPACE}:`;
    for (const [fullKey, text] of Object.entries(all)) {
        if (fullKey.startsWith(prefix)) {
            raw[fullKey.slice(prefix.length)] = parseValue(text);
        }
    }
    return raw;
}

function parseValue(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/**
 * Keys of a config namespace that is a likely typo of `meshstack` (`meshstak:istio`): Pulumi would pass
 * them on unread, and the stack would deploy its defaults without a word.
 */
export function misspeltNamespaceProblems(all: Readonly<Record<string, string>>): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    for (const fullKey of Object.keys(all)) {
        const separator = fullKey.indexOf(":");
        const namespace = fullKey.slice(0, separator);
        if (separator > 0 && namespace !== CONFIG_NAMESPACE && closest(namespace, [CONFIG_NAMESPACE]) !== undefined) {
            const meant = `${CONFIG_NAMESPACE}:${fullKey.slice(separator + 1)}`;
            problems.push({
                key: fullKey,
                message: `unknown config namespace "${namespace}". Did you mean "${meant}"? Rename the key.`,
            });
        }
    }
    return problems;
}

/** The resolved config from the whole config map of a stack, as Pulumi hands it to a program. */
export function configFromPulumi(all: Readonly<Record<string, string>>, stack: string): MeshConfig {
    return parseMeshConfig(rawMeshConfig(all), stack, misspeltNamespaceProblems(all));
}

/** Reads and validates the current stack's config. The one place meshstack reads Pulumi config. */
export function loadMeshConfig(): MeshConfig {
    return configFromPulumi(pulumi.runtime.allConfig(), pulumi.getStack());
}
