/**
 * The policy pack's rules as plain functions over resources as the policy engine shows them (type,
 * name, URN, inputs), so tests run them without the pack's server. `policy/index.ts` wraps each in a
 * mandatory policy.
 */
import { clusterHost } from "../lib/objects";
import { EXCEPTION_REASON_ANNOTATION } from "../lib/zero-trust";

/** A resource as a policy sees it. */
export interface PolicyResource {
    /** Its Pulumi type token, e.g. `kubernetes:networking.istio.io/v1:VirtualService`. */
    type: string;
    /** Its Pulumi name. */
    name: string;
    /** Its URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). */
    urn: string;
    /** Its inputs. */
    props: Record<string, unknown>;
    /** The URNs of the resources it depends on (a component's stand for its resources). @default [] */
    dependencies?: readonly string[];
}

/** What the rules need to know about the stack and the pack's config. */
export interface PolicyContext {
    /** The stack is a production one (the pack's `productionStacks`). */
    production: boolean;
    /** Services (`namespace/name`, or a gateway chart's release as `chart/<release>`) that may be exposed. */
    allowedExposedServices: readonly string[];
}

/** One violation: what is wrong and how to fix it, and the resource's URN. */
export interface Violation {
    urn: string;
    message: string;
}

/** A rule over one resource at a time. */
export interface ResourceRule {
    name: string;
    description: string;
    check(resource: PolicyResource, context: PolicyContext): string[];
}

/** A rule over the whole stack (it relates resources to each other). */
export interface StackRule {
    name: string;
    description: string;
    check(resources: readonly PolicyResource[], context: PolicyContext): Violation[];
}

/** The stacks treated as production unless the pack's config says otherwise. */
export const DEFAULT_PRODUCTION_STACKS: readonly string[] = ["prod"];

/** Istio's official chart repositories (the current one and the storage bucket it fronts). */
export const OFFICIAL_ISTIO_REPOSITORIES: readonly string[] = [
    "https://blob.istio.io/istio-release/charts",
    "https://istio-release.storage.googleapis.com/charts",
];

/** The charts Istio publishes. */
const ISTIO_CHART_NAMES = new Set(["base", "istiod", "gateway", "cni", "ztunnel", "istiod-remote"]);

const CHART_TYPES = new Set(["kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Chart", "kubernetes:helm.sh/v3:Release"]);

/** The stack name in a URN. */
export function stackOfUrn(urn: string): string {
    const match = /^urn:pulumi:([^:]+)::/.exec(urn);
    return match === null ? "" : match[1];
}

function record(value: unknown): Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

function at(value: unknown, ...path: string[]): unknown {
    return path.reduce<unknown>((current, key) => record(current)[key], value);
}

function isKind(resource: PolicyResource, group: string, kind: string): boolean {
    return new RegExp(`^kubernetes:${group.replace(/\./g, "\\.")}/v[0-9a-z]+:${kind}$`).test(resource.type);
}

function objectName(resource: PolicyResource): string {
    const namespace = at(resource.props, "metadata", "namespace");
    const name = at(resource.props, "metadata", "name") ?? resource.name;
    return typeof namespace === "string" ? `${namespace}/${String(name)}` : String(name);
}

/** A chart resource's chart name, or undefined for any other resource. */
function chartName(resource: PolicyResource): string | undefined {
    const chart = CHART_TYPES.has(resource.type) ? resource.props.chart : undefined;
    return typeof chart === "string" ? chart : undefined;
}

const mtlsStrict: ResourceRule = {
    name: "meshstack-mtls-strict",
    description: `PeerAuthentication is STRICT, unless the object carries a ${EXCEPTION_REASON_ANNOTATION} annotation with its reason.`,
    check(resource) {
        if (!isKind(resource, "security.istio.io", "PeerAuthentication")) return [];
        const reason = at(resource.props, "metadata", "annotations", EXCEPTION_REASON_ANNOTATION);
        if (typeof reason === "string" && reason.trim() !== "") return [];
        const portModes = Object.entries(record(at(resource.props, "spec", "portLevelMtls"))).map(
            ([port, setting]) => [`port ${port}`, at(setting, "mode") ?? "UNSET"] as const,
        );
        const mode = at(resource.props, "spec", "mtls", "mode");
        const modes = mode === undefined && portModes.length > 0 ? portModes : [["mtls", mode ?? "UNSET"] as const, ...portModes];
        return modes
            .filter(([, value]) => value !== "STRICT")
            .map(
                ([where, value]) =>
                    `PeerAuthentication ${objectName(resource)}: ${where} is ${String(value)}, not STRICT. Set STRICT, or declare the ` +
                    `exception in meshstack:mesh.namespaces[].mtlsExceptions with its reason (it adds the ${EXCEPTION_REASON_ANNOTATION} annotation).`,
            );
    },
};

/** A host as Istio resolves it in `namespace`: a short name is a Service there. */
function qualifiedHost(host: string, namespace: string): string {
    return host.includes(".") ? host : clusterHost(host, namespace);
}

function routeLists(spec: unknown): Array<[string, unknown[]]> {
    return ["http", "tcp", "tls"].flatMap((protocol) =>
        list(at(spec, protocol)).map((route, index) => [`${protocol}[${index}]`, list(at(route, "route"))] as [string, unknown[]]),
    );
}

const canaryRoutes: StackRule = {
    name: "meshstack-canary-routes",
    description: "VirtualService route weights sum to 100, and every route names a subset its DestinationRule declares.",
    check(resources) {
        const subsets = new Map<string, Set<string>>();
        for (const rule of resources.filter((resource) => isKind(resource, "networking.istio.io", "DestinationRule"))) {
            const namespace = String(at(rule.props, "metadata", "namespace") ?? "default");
            const host = qualifiedHost(String(at(rule.props, "spec", "host")), namespace);
            const names = subsets.get(host) ?? new Set<string>();
            list(at(rule.props, "spec", "subsets")).forEach((subset) => names.add(String(at(subset, "name"))));
            subsets.set(host, names);
        }
        return resources
            .filter((resource) => isKind(resource, "networking.istio.io", "VirtualService"))
            .flatMap((service) => {
                const namespace = String(at(service.props, "metadata", "namespace") ?? "default");
                return routeLists(at(service.props, "spec")).flatMap(([where, destinations]) => {
                    const messages: string[] = [];
                    const weights = destinations.map((destination) => at(destination, "weight"));
                    const total = weights.reduce<number>((sum, weight) => sum + (typeof weight === "number" ? weight : 0), 0);
                    if (destinations.length > 1 || weights.some((weight) => weight !== undefined)) {
                        if (total !== 100 && !(destinations.length === 1 && weights[0] === undefined)) {
                            messages.push(`${where}: the route weights add up to ${total}, not 100. Make meshstack:services[].weights add up to 100.`);
                        }
                    }
                    for (const destination of destinations) {
                        const subset = at(destination, "destination", "subset");
                        if (typeof subset !== "string") continue;
                        const host = qualifiedHost(String(at(destination, "destination", "host")), namespace);
                        if (!(subsets.get(host)?.has(subset) ?? false)) {
                            messages.push(
                                `${where}: subset "${subset}" of ${host} is declared by no DestinationRule in this stack. ` +
                                    `Add it to the DestinationRule of ${host} (meshstack:services[].versions) or route to a declared subset.`,
                            );
                        }
                    }
                    return messages.map((message) => ({ urn: service.urn, message: `VirtualService ${objectName(service)} ${message}` }));
                });
            });
    },
};

/** Everything `urn` depends on, directly or through other resources of the stack. */
function dependenciesOf(urn: string, byUrn: ReadonlyMap<string, PolicyResource>): Set<string> {
    const seen = new Set<string>();
    const pending = [...(byUrn.get(urn)?.dependencies ?? [])];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
        if (!seen.has(next)) {
            seen.add(next);
            pending.push(...(byUrn.get(next)?.dependencies ?? []));
        }
    }
    return seen;
}

/**
 * A weighted route to a version must not reach a cluster before that version's pods do: a share of
 * requests would get 503s. The pack cannot see app teams' pods, but it sees the Deployments the stack
 * itself declares (the demo's): a route that sends traffic to the pods of such a Deployment (same
 * namespace as the service, the subset's labels, the service's `app` label) must depend on it, so
 * Pulumi applies it once the pods are ready. For everyone else: ship a version at weight 0, then shift.
 */
const canaryRolloutOrder: StackRule = {
    name: "meshstack-canary-rollout-order",
    description: "A route that sends traffic to a version waits for the stack's own Deployment of that version (rollout order: pods first, then weight).",
    check(resources) {
        const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
        const subsetLabels = new Map<string, Record<string, unknown>>();
        for (const rule of resources.filter((resource) => isKind(resource, "networking.istio.io", "DestinationRule"))) {
            const namespace = String(at(rule.props, "metadata", "namespace") ?? "default");
            const host = qualifiedHost(String(at(rule.props, "spec", "host")), namespace);
            for (const subset of list(at(rule.props, "spec", "subsets"))) {
                subsetLabels.set(`${host}|${String(at(subset, "name"))}`, record(at(subset, "labels")));
            }
        }
        const deployments = resources.filter((resource) => isKind(resource, "apps", "Deployment"));
        return resources
            .filter((resource) => isKind(resource, "networking.istio.io", "VirtualService"))
            .flatMap((service) => {
                const namespace = String(at(service.props, "metadata", "namespace") ?? "default");
                const waitsFor = dependenciesOf(service.urn, byUrn);
                return routeLists(at(service.props, "spec")).flatMap(([, destinations]) =>
                    destinations.flatMap((destination) => {
                        const weight = at(destination, "weight");
                        const subset = at(destination, "destination", "subset");
                        if (typeof subset !== "string" || weight === 0) return [];
                        const host = qualifiedHost(String(at(destination, "destination", "host")), namespace);
                        const labels = subsetLabels.get(`${host}|${subset}`);
                        if (labels === undefined) return [];
                        const [serviceName, serviceNamespace] = host.split(".");
                        return deployments
                            .filter((deployment) => {
                                const pod = record(at(deployment.props, "spec", "template", "metadata", "labels"));
                                return (
                                    String(at(deployment.props, "metadata", "namespace") ?? "default") === serviceNamespace &&
                                    (pod.app === undefined || pod.app === serviceName) &&
                                    Object.entries(labels).every(([key, value]) => pod[key] === value)
                                );
                            })
                            .filter((deployment) => !waitsFor.has(deployment.urn))
                            .map((deployment) => ({
                                urn: service.urn,
                                message:
                                    `VirtualService ${objectName(service)} sends ${typeof weight === "number" ? `${weight} %` : "traffic"} to subset "${subset}" of ${host} ` +
                                    `without waiting for the stack's Deployment ${objectName(deployment)}, whose pods serve it: until they run, that share gets 503s. ` +
                                    `Make the route depend on the Deployment, or ship the version at weight 0 and shift once its pods run.`,
                            }));
                    }),
                );
            });
    },
};

const istioChartsPinned: ResourceRule = {
    name: "meshstack-istio-charts-pinned",
    description: "Istio's charts come from the official repository at an exact version (no range, no latest).",
    check(resource) {
        const chart = chartName(resource);
        if (chart === undefined || !ISTIO_CHART_NAMES.has(chart)) return [];
        const problems: string[] = [];
        const repository = at(resource.props, "repositoryOpts", "repo");
        if (typeof repository !== "string" || !OFFICIAL_ISTIO_REPOSITORIES.includes(repository.replace(/\/+$/, ""))) {
            problems.push(
                `Istio chart "${chart}" comes from ${String(repository ?? "no repository")}. ` +
                    `Use the official repository, ${OFFICIAL_ISTIO_REPOSITORIES[0]} (versions.ts).`,
            );
        }
        const version = resource.props.version;
        if (typeof version !== "string" || !/^\d+\.\d+\.\d+$/.test(version)) {
            problems.push(`Istio chart "${chart}" has version ${JSON.stringify(version ?? null)}. Pin an exact release, e.g. 1.31.1 (meshstack:istio.version).`);
        }
        return problems;
    },
};

const productionRegistryOnly: ResourceRule = {
    name: "meshstack-production-registry-only",
    description: "In production, istiod's outbound traffic policy is REGISTRY_ONLY.",
    check(resource, context) {
        if (!context.production || chartName(resource) !== "istiod") return [];
        const mode = at(resource.props, "values", "meshConfig", "outboundTrafficPolicy", "mode") ?? "ALLOW_ANY";
        return mode === "REGISTRY_ONLY"
            ? []
            : [`istiod's outbound traffic policy is ${String(mode)} in a production stack. Set meshstack:mesh.outboundTrafficPolicy to REGISTRY_ONLY.`];
    },
};

/** A budget lets a node drain: one pod at a time, and unhealthy pods always evictable. */
function drainSafe(budget: unknown): boolean {
    return at(budget, "maxUnavailable") === 1 && at(budget, "unhealthyPodEvictionPolicy") === "AlwaysAllow";
}

const productionHighAvailability: ResourceRule = {
    name: "meshstack-production-high-availability",
    description:
        "In production, istiod and the egress gateway run at least 2 replicas with a PodDisruptionBudget that lets a node drain " +
        "(maxUnavailable 1, unhealthyPodEvictionPolicy AlwaysAllow).",
    check(resource, context) {
        const chart = chartName(resource);
        if (!context.production || (chart !== "istiod" && chart !== "gateway")) return [];
        const values = record(resource.props.values);
        const what = chart === "istiod" ? "istiod" : "the egress gateway";
        const key = chart === "istiod" ? "meshstack:istio.istiod.replicas" : "meshstack:istio.egressGateway.replicas";
        // The charts' defaults: autoscaling on, from 1 replica.
        const minimum =
            chart === "istiod"
                ? at(values, "autoscaleEnabled") === false
                    ? (at(values, "replicaCount") ?? 1)
                    : (at(values, "autoscaleMin") ?? 1)
                : at(values, "autoscaling", "enabled") === false
                  ? (at(values, "replicaCount") ?? 1)
                  : (at(values, "autoscaling", "minReplicas") ?? 1);
        const problems: string[] = [];
        if (typeof minimum !== "number" || minimum < 2) {
            problems.push(`${what} runs ${String(minimum)} replica(s) at least in a production stack. Set ${key} to 2 or more.`);
        }
        const budget = chart === "istiod" ? at(values, "pdb") : at(values, "podDisruptionBudget");
        const budgetOn = chart === "istiod" ? at(values, "global", "defaultPodDisruptionBudget", "enabled") !== false : true;
        if (!budgetOn || !drainSafe(budget)) {
            problems.push(
                `${what} has no PodDisruptionBudget that lets a node drain (${JSON.stringify(budget ?? null)}). ` +
                    `It needs maxUnavailable 1 and unhealthyPodEvictionPolicy AlwaysAllow, as meshstack sets with 2 or more replicas.`,
            );
        }
        return problems;
    },
};

const WORKLOAD_POD_SPECS: Array<[string, string, string[]]> = [
    ["core", "Pod", ["spec"]],
    ["apps", "Deployment", ["spec", "template", "spec"]],
    ["apps", "StatefulSet", ["spec", "template", "spec"]],
    ["apps", "DaemonSet", ["spec", "template", "spec"]],
    ["apps", "ReplicaSet", ["spec", "template", "spec"]],
    ["batch", "Job", ["spec", "template", "spec"]],
    ["batch", "CronJob", ["spec", "jobTemplate", "spec", "template", "spec"]],
];

const containerResources: ResourceRule = {
    name: "meshstack-container-resources",
    description: "Every container has CPU and memory requests and limits.",
    check(resource) {
        const workload = WORKLOAD_POD_SPECS.find(([group, kind]) => isKind(resource, group, kind));
        if (workload === undefined) return [];
        const podSpec = at(resource.props, ...workload[2]);
        const containers = [...list(at(podSpec, "initContainers")), ...list(at(podSpec, "containers"))];
        return containers.flatMap((container) => {
            const missing = ["requests", "limits"].flatMap((kind) =>
                ["cpu", "memory"].filter((quantity) => at(container, "resources", kind, quantity) === undefined).map((quantity) => `${kind}.${quantity}`),
            );
            return missing.length === 0
                ? []
                : [`${workload[1]} ${objectName(resource)}: container "${String(at(container, "name"))}" has no resources.${missing.join(", resources.")}. Set CPU and memory requests and limits.`];
        });
    },
};

const EXPOSED_TYPES = new Set(["LoadBalancer", "NodePort"]);

const noExposedServices: ResourceRule = {
    name: "meshstack-no-exposed-services",
    description: "No Service of type LoadBalancer or NodePort (nor a gateway chart rendering one) unless the pack's allowedExposedServices lists it.",
    check(resource, context) {
        if (isKind(resource, "core", "Service")) {
            const type = at(resource.props, "spec", "type");
            const name = objectName(resource);
            return typeof type === "string" && EXPOSED_TYPES.has(type) && !context.allowedExposedServices.includes(name)
                ? [`Service ${name} is of type ${type}. Use ClusterIP, or list "${name}" in the policy pack's allowedExposedServices.`]
                : [];
        }
        if (chartName(resource) === "gateway") {
            // The gateway chart's default Service is a LoadBalancer.
            const type = at(resource.props, "values", "service", "type") ?? "LoadBalancer";
            const release = `chart/${String(resource.props.name ?? resource.name)}`;
            return typeof type === "string" && EXPOSED_TYPES.has(type) && !context.allowedExposedServices.includes(release)
                ? [`The gateway chart ${release} renders a ${type} Service. Set values.service.type to ClusterIP, or list "${release}" in the policy pack's allowedExposedServices.`]
                : [];
        }
        return [];
    },
};

/** Every per-resource rule. */
/**
 * An HTTPRoute attached to a Service is mesh (L7) routing, which in ambient only a waypoint applies:
 * without one, ztunnel carries the traffic at L4 and the route's weights and timeout are silently
 * ignored. Every such route's namespace must be a namespace of the stack that sends its services through
 * a waypoint (`istio.io/use-waypoint`) the stack declares there (a Gateway of class `istio-waypoint`),
 * and its weights add up to 100.
 */
const ambientRoutesHaveWaypoint: StackRule = {
    name: "meshstack-ambient-routes-have-waypoint",
    description: "An HTTPRoute on a Service goes through a waypoint the stack declares in its namespace, and its weights add up to 100.",
    check(resources) {
        const waypoints = new Set(
            resources
                .filter((resource) => isKind(resource, "gateway.networking.k8s.io", "Gateway") && at(resource.props, "spec", "gatewayClassName") === "istio-waypoint")
                .map((gateway) => `${String(at(gateway.props, "metadata", "namespace") ?? "default")}/${String(at(gateway.props, "metadata", "name"))}`),
        );
        // From the Namespace or a patch of it, whichever sets the label.
        const useWaypoint = new Map(
            resources
                .filter((resource) => /^kubernetes:core\/v1:Namespace(Patch)?$/.test(resource.type))
                .map((namespace) => [String(at(namespace.props, "metadata", "name")), at(namespace.props, "metadata", "labels", "istio.io/use-waypoint")] as const)
                .filter(([, waypoint]) => typeof waypoint === "string"),
        );
        return resources
            .filter((resource) => isKind(resource, "gateway.networking.k8s.io", "HTTPRoute"))
            .flatMap((route) => {
                const namespace = String(at(route.props, "metadata", "namespace") ?? "default");
                const onService = list(at(route.props, "spec", "parentRefs")).some((parent) => at(parent, "kind") === "Service");
                if (!onService) return [];
                const messages: string[] = [];
                const waypoint = useWaypoint.get(namespace);
                if (typeof waypoint !== "string" || !waypoints.has(`${namespace}/${waypoint}`)) {
                    messages.push(
                        `routes a Service of namespace "${namespace}", which sends its services through no waypoint this stack declares: ` +
                            `ztunnel would ignore the route's weights and timeout. Keep the namespace in meshstack:mesh.namespaces (meshstack gives ` +
                            `an ambient namespace with services its waypoint), or route it with sidecars.`,
                    );
                }
                for (const rule of list(at(route.props, "spec", "rules"))) {
                    const weights = list(at(rule, "backendRefs")).map((backend) => at(backend, "weight"));
                    const total = weights.reduce<number>((sum, weight) => sum + (typeof weight === "number" ? weight : 1), 0);
                    if (weights.length > 1 && total !== 100) {
                        messages.push(`the backend weights add up to ${total}, not 100. Make meshstack:services[].weights add up to 100.`);
                    }
                }
                return messages.map((message) => ({ urn: route.urn, message: `HTTPRoute ${objectName(route)} ${message}` }));
            });
    },
};

export const RESOURCE_RULES: readonly ResourceRule[] = [mtlsStrict, istioChartsPinned, productionRegistryOnly, productionHighAvailability, containerResources, noExposedServices];

/** Every stack-wide rule. */
export const STACK_RULES: readonly StackRule[] = [canaryRoutes, canaryRolloutOrder, ambientRoutesHaveWaypoint];

/** Runs every rule over a stack's resources: what the pack would report. */
export function evaluate(resources: readonly PolicyResource[], context: PolicyContext): Array<Violation & { rule: string }> {
    return [
        ...resources.flatMap((resource) =>
            RESOURCE_RULES.flatMap((rule) => rule.check(resource, context).map((message) => ({ rule: rule.name, urn: resource.urn, message }))),
        ),
        ...STACK_RULES.flatMap((rule) => rule.check(resources, context).map((violation) => ({ rule: rule.name, ...violation }))),
    ];
}
