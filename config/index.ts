/**
 * The stack's config: read from Pulumi once, parsed by one schema composed of one file per area, and
 * validated before any resource exists. Every problem is collected and reported in one error naming
 * each key path and its fix. Components never read config; they get the resolved {@link MeshConfig}.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { clusterSchema } from "./cluster";
import { istioProblems, istioSchema, resolveIstio } from "./istio";
import { dataPlaneProblems } from "./data-plane";
import { meshProblems, meshSchema } from "./mesh";
import { servicesProblems, servicesSchema } from "./services";
import { demoProblems, demoSchema } from "./demo";
import { observabilityProblems, observabilitySchema, resolveObservability } from "./observability";
import { addonDemand } from "../lib/addons";
import { budgetProblems, nodePoolProblems, nodePoolSchema } from "./node-pool";
import { closest, CONFIG_NAMESPACE, ConfigProblem, unknownKeyMessage } from "./keys";
import { documented, flag, section } from "./leaves";
import { ConfigError, PathProblem, validate } from "./problems";
import type { MeshSize } from "../lib/sizing";

export { ConfigError } from "./problems";

// A program parses its config once: zod's compiled fast path costs more to generate than it saves on
// one parse (first parse at N = 1,000 services: 137 ms jitless against 144 ms; the schema's warm-up too).
z.config({ jitless: true });

function parsedStackSchema(highAvailability: boolean) {
    return section({
        highAvailability: documented(flag().default(true), {
            description:
                "Production-grade redundancy. Sets the replica defaults, and requires at least 2 replicas of " +
                "istiod and of the egress gateway. Set `false` for dev stacks only.",
        }),
        cluster: clusterSchema(),
        nodePool: nodePoolSchema(),
        istio: istioSchema(highAvailability),
        mesh: meshSchema(highAvailability),
        services: servicesSchema(),
        demo: demoSchema(),
        observability: observabilitySchema(highAvailability),
    });
}

/** The config as parsed, before the defaults that follow the mesh's size are resolved. */
type ParsedStack = z.output<ReturnType<typeof parsedStackSchema>>;

/** The mesh's size as the config declares it (lib/sizing.ts): what istiod's and Prometheus's requests follow. */
export function declaredMeshSize(config: Pick<ParsedStack, "nodePool" | "services" | "istio">): MeshSize {
    return {
        meshedPods: config.nodePool.budget.meshedPods + config.services.reduce((pods, service) => pods + service.replicas, 0),
        gatewayPods: config.istio.egressGateway.maxReplicas,
    };
}

/** The parsed config with istiod's and Prometheus's sized defaults resolved. */
function withSizedDefaults(parsed: ParsedStack) {
    const size = declaredMeshSize(parsed);
    return {
        ...parsed,
        istio: resolveIstio(parsed.istio, size, parsed.highAvailability),
        observability: resolveObservability(parsed.observability, size, parsed.highAvailability),
    };
}

function buildStackSchema(highAvailability: boolean) {
    return parsedStackSchema(highAvailability).transform(withSizedDefaults);
}

/** Each variant, built when first asked for: a stack needs one, and building one costs tens of milliseconds. */
const SCHEMAS = new Map<boolean, ReturnType<typeof buildStackSchema>>();

/**
 * The schema of every `meshstack:` key, with the defaults of a stack with or without
 * `highAvailability` (replica counts and istiod's size depend on it). Built once per value.
 */
export function stackSchema(highAvailability: boolean): ReturnType<typeof buildStackSchema> {
    const built = SCHEMAS.get(highAvailability) ?? buildStackSchema(highAvailability);
    SCHEMAS.set(highAvailability, built);
    return built;
}

/**
 * Forgets the schemas built so far. For the tests under mutation testing (tests/harness.ts), which run
 * again for each mutant in one process: a schema built with one mutant switched on must not serve the next.
 */
export function forgetStackSchemas(): void {
    SCHEMAS.clear();
}

/** The stack's resolved config. */
export type MeshConfig = z.output<ReturnType<typeof buildStackSchema>>;

/** Every cross-field check, area by area, on the resolved config. */
function crossFieldProblems(config: MeshConfig): PathProblem[] {
    return [
        ...nodePoolProblems(config.nodePool, config.highAvailability),
        ...istioProblems(config.istio, config.highAvailability),
        ...budgetProblems(
            config.nodePool,
            config.istio,
            config.services,
            addonDemand(config.observability),
            config.mesh.namespaces,
            config.mesh.egress.length > 0 ? config.istio.egressGateway.namespace : undefined,
        ),
        ...meshProblems(config.mesh, config.highAvailability, {
            istioNamespace: config.istio.namespace,
            egressNamespace: config.istio.egressGateway.namespace,
        }),
        ...servicesProblems(
            config.services,
            config.mesh.namespaces.map((namespace) => namespace.name),
            config.istio.proxy.resources,
        ),
        ...observabilityProblems(config.observability, config.highAvailability, {
            storageClass: config.nodePool.storageClass,
            nodes: config.nodePool.nodes.map((node) => node.name),
        }),
        ...demoProblems(config.demo, config.highAvailability, config.mesh.namespaces, config.services),
    ];
}

/** The message for an unknown top-level key; a path set without `--path` gets the command that works. */
function topLevelKeyMessage(key: string, known: readonly string[]): string {
    // A known key's first part: the key has a "." or "[" (an unknown key is no known key itself).
    const head = key.split(/[.[]/)[0];
    if (known.includes(head)) {
        return (
            `unknown key: a path set as one flat key. Set it inside ${CONFIG_NAMESPACE}:${head} with ` +
            `\`pulumi config set --path '${CONFIG_NAMESPACE}:${key}' <value>\`, then \`pulumi config rm '${CONFIG_NAMESPACE}:${key}'\`.`
        );
    }
    return unknownKeyMessage(key, known);
}

/**
 * The resolved config from the raw values of the `meshstack:` keys (key without the namespace → value
 * as Pulumi holds it: objects and scalars parsed from the stack file). Throws {@link ConfigError} with
 * `earlier` problems first, then every problem of these keys in the order of the schema.
 */
export function parseMeshConfig(
    raw: Record<string, unknown>,
    stack: string,
    earlier: readonly ConfigProblem[] = [],
): MeshConfig {
    const highAvailability = flag().safeParse(raw.highAvailability);
    const schema = stackSchema(highAvailability.success ? highAvailability.data : true);
    const rawProxy = typeof raw.istio === "object" && raw.istio !== null ? (raw.istio as Record<string, unknown>).proxy : undefined;
    const proxySet = rawProxy !== undefined && rawProxy !== null;
    // highAvailability decides defaults and rules across every area: every verdict reads it, and while it
    // is invalid (its default standing in) the verdicts would mislead, so they wait until it is fixed.
    const checks = (config: MeshConfig): PathProblem[] =>
        [
            ...crossFieldProblems(config),
            ...dataPlaneProblems({ dataPlane: config.istio.dataPlane, namespaces: config.mesh.namespaces, services: config.services, proxySet }),
        ].map((problem) => ({ ...problem, involves: [...(problem.involves ?? [problem.path]), ["highAvailability"]] }));
    const result = validate(schema, raw, checks, topLevelKeyMessage);
    const problems = [...earlier, ...result.problems];
    if (problems.length > 0 || result.config === undefined) {
        throw new ConfigError(stack, problems);
    }
    return result.config;
}

/**
 * The raw `meshstack:` values of a config map as Pulumi hands it to a program (`namespace:key` →
 * string; objects and lists as JSON).
 */
export function rawMeshConfig(all: Readonly<Record<string, string>>): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
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
 * Keys of other config namespaces that would be silently ignored: a namespace that is a likely typo of
 * `meshstack` (`meshstak:istio`), and the Kubernetes provider's own keys (`kubernetes:context`), which
 * meshstack's explicit providers do not read.
 */
export function foreignKeyProblems(all: Readonly<Record<string, string>>): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    for (const fullKey of Object.keys(all)) {
        const separator = fullKey.indexOf(":");
        const namespace = fullKey.slice(0, separator);
        const key = fullKey.slice(separator + 1);
        if (separator <= 0 || namespace === CONFIG_NAMESPACE) {
            continue;
        }
        if (namespace === "kubernetes") {
            const meant = key === "context" || key === "kubeconfig" ? ` Set ${CONFIG_NAMESPACE}:cluster.${key} instead.` : "";
            problems.push({
                key: fullKey,
                message:
                    `is not read: meshstack deploys through explicit Kubernetes providers, which ignore the ` +
                    `kubernetes:* config (the object would go to the kubeconfig's current context).${meant} ` +
                    `Remove the key.`,
            });
        } else if (closest(namespace, [CONFIG_NAMESPACE]) !== undefined) {
            problems.push({
                key: fullKey,
                message: `unknown config namespace "${namespace}". Did you mean "${CONFIG_NAMESPACE}:${key}"? Rename the key.`,
            });
        }
    }
    return problems;
}

/** The resolved config from the whole config map of a stack, as Pulumi hands it to a program. */
export function configFromPulumi(all: Readonly<Record<string, string>>, stack: string): MeshConfig {
    return parseMeshConfig(rawMeshConfig(all), stack, foreignKeyProblems(all));
}

/** Reads and validates the current stack's config. The one place meshstack reads Pulumi config. */
export function loadMeshConfig(): MeshConfig {
    return configFromPulumi(pulumi.runtime.allConfig(), pulumi.getStack());
}
