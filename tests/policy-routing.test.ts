/**
 * The policy pack's routing rules (policy/routing-rules.ts): a table of stacks per rule, each with the
 * exact messages the rule reports on it.
 */
import { PolicyResource } from "../policy/rules";
import { resource, RuleCase, ruleTable, stackRuleMessages, withoutNamespace } from "./policy-fixtures";

/** A title, a stack's resources, and the messages the rule reports on them. */
type Case = RuleCase<PolicyResource[]>;

function table(rule: string, cases: readonly Case[]): void {
    ruleTable(rule, cases, (resources) => stackRuleMessages(rule, resources));
}

const ISTIO = "kubernetes:networking.istio.io/v1";
/** A group whose kinds share Istio's names and shapes, and are not Istio's. */
const OTHER_GROUP = "kubernetes:networking.example.com/v1";

function destinationRule(host: string, subsets: Record<string, Record<string, string>>, namespace = "shop", group = ISTIO): PolicyResource {
    const spec = { host, subsets: Object.entries(subsets).map(([name, labels]) => ({ name, labels })) };
    return resource(`${group}:DestinationRule`, { metadata: { name: host, namespace }, spec }, `dr-${host}-${namespace}`);
}

/** A VirtualService of namespace shop. */
function virtualService(spec: object, name = "checkout", dependencies?: string[], group = ISTIO): PolicyResource {
    return resource(`${group}:VirtualService`, { metadata: { name, namespace: "shop" }, spec }, "vs", dependencies);
}

/** A VirtualService of namespace shop with one HTTP route to `destinations`. */
function routeTo(destinations: object[], name = "checkout", dependencies?: string[], group = ISTIO): PolicyResource {
    return virtualService({ http: [{ route: destinations }] }, name, dependencies, group);
}

function to(host: string, subset: string, weight?: number): object {
    return { destination: { host, subset }, ...(weight === undefined ? {} : { weight }) };
}

describe("policy pack: routing rules", () => {
    const weights = (service: string, where: string, total: number): string =>
        `VirtualService ${service} ${where}: the route weights add up to ${total}, not 100. Make meshstack:services[].weights add up to 100.`;
    const undeclared = (service: string, where: string, subset: string, host: string): string =>
        `VirtualService ${service} ${where}: subset "${subset}" of ${host} is declared by no DestinationRule in this stack. ` +
        `Add it to the DestinationRule of ${host} (meshstack:services[].versions) or route to a declared subset.`;
    const checkout = destinationRule("checkout", { v1: { version: "v1" }, v2: { version: "v2" } });
    const inShop = "checkout.shop.svc.cluster.local";
    table("meshstack-canary-routes", [
        ["weights of 90 and 10 to declared subsets, by the service's short name", [checkout, routeTo([to("checkout", "v1", 90), to("checkout", "v2", 10)])], []],
        ["one destination without a weight: it gets all the traffic", [checkout, routeTo([to("checkout", "v1")])], []],
        ["one destination at weight 100", [checkout, routeTo([to("checkout", "v1", 100)])], []],
        ["one destination at weight 50", [checkout, routeTo([to("checkout", "v1", 50)])], [weights("shop/checkout", "http[0]", 50)]],
        ["two destinations without weights add up to 0", [checkout, routeTo([to("checkout", "v1"), to("checkout", "v2")])], [weights("shop/checkout", "http[0]", 0)]],
        ["a destination without a weight counts 0: 100 and none add up to 100", [checkout, routeTo([to("checkout", "v1", 100), to("checkout", "v2")])], []],
        ["a route without destinations (a redirect) has no weights", [checkout, virtualService({ http: [{ redirect: { uri: "/v2" } }] })], []],
        [
            "weights of 90 and 20, and a subset the DestinationRule of the (full) host does not declare",
            [checkout, routeTo([to(inShop, "v1", 90), to(inShop, "v3", 20)])],
            [
                "VirtualService shop/checkout http[0]: the route weights add up to 110, not 100. Make meshstack:services[].weights add up to 100.",
                'VirtualService shop/checkout http[0]: subset "v3" of checkout.shop.svc.cluster.local is declared by no DestinationRule in this stack. ' +
                    "Add it to the DestinationRule of checkout.shop.svc.cluster.local (meshstack:services[].versions) or route to a declared subset.",
            ],
        ],
        [
            "HTTP, TCP and TLS routes, each reported where it is",
            [
                checkout,
                virtualService(
                    {
                        http: [{ route: [to("checkout", "v1")] }, { route: [to("checkout", "v1", 50)] }],
                        tcp: [{ route: [to("checkout", "v1", 60)] }],
                        tls: [{ match: [{ sniHosts: ["checkout.example.com"] }], route: [to("checkout", "v1", 70)] }],
                    },
                ),
            ],
            [weights("shop/checkout", "http[1]", 50), weights("shop/checkout", "tcp[0]", 60), weights("shop/checkout", "tls[0]", 70)],
        ],
        ["a subset of a host no DestinationRule is for", [checkout, routeTo([to("payments", "v1")])], [undeclared("shop/checkout", "http[0]", "v1", "payments.shop.svc.cluster.local")]],
        [
            "a DestinationRule of namespace backend declares the subsets of backend's service of that short name",
            [destinationRule("checkout", { v1: {} }, "backend"), routeTo([to("checkout", "v1")])],
            [undeclared("shop/checkout", "http[0]", "v1", inShop)],
        ],
        [
            "without metadata.namespace, both are in namespace default",
            [destinationRule("checkout", { v1: {} }), routeTo([to("checkout", "v1", 90), to("checkout", "v2", 10)])].map(withoutNamespace),
            [undeclared("checkout", "http[0]", "v2", "checkout.default.svc.cluster.local")],
        ],
        [
            "a DestinationRule and a VirtualService of another API group are not Istio's: not read",
            [
                checkout,
                destinationRule("checkout", { v3: {} }, "shop", OTHER_GROUP),
                routeTo([to("checkout", "v1", 50)], "checkout", undefined, OTHER_GROUP),
                routeTo([to("checkout", "v1", 90), to("checkout", "v3", 10)]),
            ],
            [undeclared("shop/checkout", "http[0]", "v3", inShop)],
        ],
    ]);

    const sends = (service: string, share: string, host: string, deployment: string): string =>
        `VirtualService ${service} sends ${share} to subset "v2" of ${host} without waiting for the stack's Deployment ${deployment}, ` +
        "whose pods serve it: until they run, that share gets 503s. Make the route depend on the Deployment, or ship the version at weight 0 and shift once its pods run.";
    const deployment = (name: string, labels: Record<string, string>, namespace = "shop"): PolicyResource =>
        resource("kubernetes:apps/v1:Deployment", { metadata: { name, namespace }, spec: { template: { metadata: { labels } } } }, name);
    const helloworld = destinationRule("helloworld", { v1: { version: "v1" }, v2: { version: "v2" } });
    const v2 = deployment("helloworld-v2", { app: "helloworld", version: "v2" });
    /** A VirtualService of namespace shop that sends `share` % to helloworld's v2 and the rest to v1. */
    const split = (share: number, dependencies: string[] = []): PolicyResource =>
        routeTo([to("helloworld", "v1", 100 - share), to("helloworld", "v2", share)], "helloworld", dependencies);
    const between = resource("kubernetes:core/v1:Service", { metadata: { name: "helloworld", namespace: "shop" } }, "between", [v2.urn]);
    const inShopNamespace = "helloworld.shop.svc.cluster.local";
    table("meshstack-canary-rollout-order", [
        [
            "10 % to v2 before the Deployment of v2 (of helloworld, in shop) runs",
            [
                helloworld,
                v2,
                deployment("checkout-v2", { app: "checkout", version: "v2" }),
                deployment("helloworld-v2-elsewhere", { app: "helloworld", version: "v2" }, "backend"),
                split(10),
            ],
            [
                'VirtualService shop/helloworld sends 10 % to subset "v2" of helloworld.shop.svc.cluster.local without waiting for the ' +
                    "stack's Deployment shop/helloworld-v2, whose pods serve it: until they run, that share gets 503s. Make the route depend " +
                    "on the Deployment, or ship the version at weight 0 and shift once its pods run.",
            ],
        ],
        ["at weight 0 the route may come first", [helloworld, v2, split(0)], []],
        ["a route that depends on the Deployment", [helloworld, v2, split(10, [v2.urn])], []],
        ["a route that depends on it through another resource", [helloworld, v2, between, split(10, [between.urn])], []],
        [
            "a route that depends on a resource the stack does not list (its provider)",
            [helloworld, v2, split(10, ["urn:pulumi:prod::meshstack::pulumi:providers:kubernetes::cluster"])],
            [sends("shop/helloworld", "10 %", inShopNamespace, "shop/helloworld-v2")],
        ],
        [
            "a route among its own dependencies (a component's child that depends on the component)",
            [helloworld, v2, split(10, [split(10).urn])],
            [sends("shop/helloworld", "10 %", inShopNamespace, "shop/helloworld-v2")],
        ],
        [
            "one destination without a weight: all its traffic",
            [helloworld, v2, routeTo([to("helloworld", "v2")], "helloworld")],
            [sends("shop/helloworld", "traffic", inShopNamespace, "shop/helloworld-v2")],
        ],
        [
            "a Deployment whose pods have no app label, only the subset's labels",
            [helloworld, deployment("v2-pods", { version: "v2" }), split(10)],
            [sends("shop/helloworld", "10 %", inShopNamespace, "shop/v2-pods")],
        ],
        [
            "a Deployment whose pods carry some of the subset's labels, not all, does not serve it",
            [
                destinationRule("helloworld", { v2: { version: "v2", track: "canary" } }),
                v2,
                deployment("helloworld-canary", { app: "helloworld", version: "v2", track: "canary" }),
                split(10),
            ],
            [sends("shop/helloworld", "10 %", inShopNamespace, "shop/helloworld-canary")],
        ],
        [
            "a subset no DestinationRule declares: meshstack-canary-routes reports it",
            [helloworld, deployment("helloworld-v3", { app: "helloworld", version: "v3" }), routeTo([to("helloworld", "v1", 90), to("helloworld", "v3", 10)], "helloworld")],
            [],
        ],
        [
            "without metadata.namespace, all are in namespace default",
            [helloworld, v2, split(10)].map(withoutNamespace),
            [sends("helloworld", "10 %", "helloworld.default.svc.cluster.local", "helloworld-v2")],
        ],
        [
            "a DestinationRule and a VirtualService of another API group are not Istio's: not read",
            [
                helloworld,
                v2,
                destinationRule("helloworld", { v3: { version: "v3" } }, "shop", OTHER_GROUP),
                deployment("helloworld-v3", { app: "helloworld", version: "v3" }),
                routeTo([to("helloworld", "v1", 90), to("helloworld", "v2", 10)], "helloworld", [], OTHER_GROUP),
                routeTo([to("helloworld", "v1", 90), to("helloworld", "v3", 10)], "helloworld"),
            ],
            [],
        ],
    ]);

    const noWaypoint = (route: string, namespace: string): string =>
        `HTTPRoute ${route} routes a Service of namespace "${namespace}", which sends its services through no waypoint this stack declares: ` +
        "ztunnel would ignore the route's weights and timeout. Keep the namespace in meshstack:mesh.namespaces (meshstack gives an " +
        "ambient namespace with services its waypoint), or route it with sidecars.";
    const weightsOf = (total: number): string => `HTTPRoute shop/checkout the backend weights add up to ${total}, not 100. Make meshstack:services[].weights add up to 100.`;
    const namespace = (name: string, labels: Record<string, string>, kind = "Namespace"): PolicyResource =>
        resource(`kubernetes:core/v1:${kind}`, { metadata: { name, labels } }, `${kind}-${name}`);
    const ambient = { "istio.io/dataplane-mode": "ambient" };
    const enrolled = (name = "shop"): PolicyResource => namespace(name, { ...ambient, "istio.io/use-waypoint": "waypoint" });
    const gateway = (gatewayClassName: string): PolicyResource =>
        resource("kubernetes:gateway.networking.k8s.io/v1:Gateway", { metadata: { name: "waypoint", namespace: "shop" }, spec: { gatewayClassName } }, "wp");
    const waypoint = gateway("istio-waypoint");
    /** An HTTPRoute of namespace shop on `parents`, a rule a list of backend weights (`undefined`: none). */
    const route = (rules: Array<Array<number | undefined>> = [[90, 10]], parents = ["Service"], type = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"): PolicyResource =>
        resource(
            type,
            {
                metadata: { name: "checkout", namespace: "shop" },
                spec: {
                    parentRefs: parents.map((kind) => ({ group: kind === "Service" ? "" : "gateway.networking.k8s.io", kind, name: "checkout" })),
                    rules: rules.map((backends) => ({
                        backendRefs: backends.map((weight, index) => ({ name: `checkout-v${index + 1}`, port: 8080, ...(weight === undefined ? {} : { weight }) })),
                    })),
                },
            },
            "route",
        );
    table("meshstack-ambient-routes-have-waypoint", [
        ["a namespace that uses its waypoint, and weights of 90 and 10", [enrolled(), waypoint, route()], []],
        ["a namespace that names a waypoint the stack does not declare", [enrolled(), route()], [noWaypoint("shop/checkout", "shop")]],
        ["a namespace that uses no waypoint", [namespace("shop", ambient), waypoint, route()], [noWaypoint("shop/checkout", "shop")]],
        ["a namespace whose waypoint is an ingress Gateway (class istio), not a waypoint", [enrolled(), gateway("istio"), route()], [noWaypoint("shop/checkout", "shop")]],
        ["the label set by a NamespacePatch", [namespace("shop", ambient), namespace("shop", { "istio.io/use-waypoint": "waypoint" }, "NamespacePatch"), waypoint, route()], []],
        ["a NamespacePatch without the label keeps the Namespace's", [enrolled(), namespace("shop", { team: "payments" }, "NamespacePatch"), waypoint, route()], []],
        [
            "a Service's own istio.io/use-waypoint label (a Service named like its namespace) is not its namespace's",
            [namespace("shop", ambient), resource("kubernetes:core/v1:Service", { metadata: { name: "shop", namespace: "shop", labels: { "istio.io/use-waypoint": "waypoint" } } }), waypoint, route()],
            [noWaypoint("shop/checkout", "shop")],
        ],
        ["a route on a Gateway only (north-south) is not mesh routing", [route([[90, 20]], ["Gateway"])], []],
        ["a route on a Gateway and a Service", [route([[90, 10]], ["Gateway", "Service"])], [noWaypoint("shop/checkout", "shop")]],
        ["without metadata.namespace, all are in namespace default", [enrolled("default"), ...[waypoint, route()].map(withoutNamespace)], []],
        ["without metadata.namespace nor a waypoint: namespace default reported", [withoutNamespace(route())], [noWaypoint("checkout", "default")]],
        [
            "weights of 90 and 20",
            [enrolled(), waypoint, route([[90, 20]])],
            ["HTTPRoute shop/checkout the backend weights add up to 110, not 100. Make meshstack:services[].weights add up to 100."],
        ],
        ["each rule's backends; one without a weight counts 1 (the Gateway API's default)", [enrolled(), waypoint, route([[99, undefined], [undefined, undefined]])], [weightsOf(2)]],
        ["one backend: its weight does not matter", [enrolled(), waypoint, route([[50]])], []],
        [
            "an HTTPRoute of the old Service APIs (networking.x-k8s.io) is not the Gateway API's: not read",
            [route(undefined, undefined, "kubernetes:networking.x-k8s.io/v1alpha1:HTTPRoute")],
            [],
        ],
    ]);
});
