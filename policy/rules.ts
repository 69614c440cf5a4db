/**
 * The policy pack's rules as plain functions over resources as the policy engine shows them (type,
 * name, URN, inputs), so tests run them without the pack's server. `policy/index.ts` wraps each in a
 * mandatory policy.
 */
import { EXCEPTION_REASON_ANNOTATION } from "../lib/zero-trust";
import { at, isKind, list, objectName, PolicyContext, PolicyResource, record, ResourceRule, StackRule, Violation } from "./resources";
import { ROUTING_RULES } from "./routing-rules";

export type { PolicyContext, PolicyResource, ResourceRule, StackRule, Violation } from "./resources";
export { stackOfUrn } from "./resources";

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
export const RESOURCE_RULES: readonly ResourceRule[] = [mtlsStrict, istioChartsPinned, productionRegistryOnly, productionHighAvailability, containerResources, noExposedServices];

/** Every stack-wide rule. */
export const STACK_RULES: readonly StackRule[] = ROUTING_RULES;

/** Runs every rule over a stack's resources: what the pack would report. */
export function evaluate(resources: readonly PolicyResource[], context: PolicyContext): Array<Violation & { rule: string }> {
    return [
        ...resources.flatMap((resource) =>
            RESOURCE_RULES.flatMap((rule) => rule.check(resource, context).map((message) => ({ rule: rule.name, urn: resource.urn, message }))),
        ),
        ...STACK_RULES.flatMap((rule) => rule.check(resources, context).map((violation) => ({ rule: rule.name, ...violation }))),
    ];
}
