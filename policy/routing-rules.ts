/**
 * The stack-wide rules about routing: canary weights and subsets, the rollout order, and ambient's routes
 * through waypoints.
 */
import { clusterHost } from "../lib/objects";
import { at, isKind, list, objectName, PolicyResource, record, StackRule } from "./resources";

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
                    // Weights count with several destinations, or once one is set: a lone destination without one gets all the traffic.
                    if ((destinations.length > 1 || weights.some((weight) => weight !== undefined)) && total !== 100) {
                        messages.push(`${where}: the route weights add up to ${total}, not 100. Make meshstack:services[].weights add up to 100.`);
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

/** Everything `resource` depends on, directly or through other resources of the stack. */
function dependenciesOf(resource: PolicyResource, byUrn: ReadonlyMap<string, PolicyResource>): Set<string> {
    const seen = new Set<string>();
    const pending = [...(resource.dependencies ?? [])];
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
                const waitsFor = dependenciesOf(service, byUrn);
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

/** Every routing rule. */
export const ROUTING_RULES: readonly StackRule[] = [canaryRoutes, canaryRolloutOrder, ambientRoutesHaveWaypoint];
