/**
 * The policy pack's rules (policy/rules.ts): each with a resource that passes and one that fails, with
 * the exact message, and the shipped stacks' programs, which must pass every rule.
 */
import * as assert from "assert";
import { evaluate, OFFICIAL_ISTIO_REPOSITORIES, PolicyContext, PolicyResource, RESOURCE_RULES, STACK_RULES, stackOfUrn } from "../policy/rules";
import { ISTIO_CHART_REPOSITORY } from "../versions";
import * as fs from "fs";
import * as path from "path";
import { ProgramRun, PROJECT_ROOT, stackRun } from "./harness";
import { ambientDev, migratingProd } from "./program-fixtures";

const PROD: PolicyContext = { production: true, allowedExposedServices: [] };
const DEV: PolicyContext = { production: false, allowedExposedServices: [] };

function resource(type: string, props: Record<string, unknown>, name = "r"): PolicyResource {
    return { type, name, urn: `urn:pulumi:prod::meshstack::${type}::${name}`, props };
}

function check(rule: string, subject: PolicyResource, context: PolicyContext = PROD): string[] {
    const found = RESOURCE_RULES.find((candidate) => candidate.name === rule);
    assert.ok(found, rule);
    return found.check(subject, context);
}

const PA = "kubernetes:security.istio.io/v1:PeerAuthentication";
const CHART = "kubernetes:helm.sh/v4:Chart";
const OFFICIAL = "https://blob.istio.io/istio-release/charts";

function peerAuthentication(spec: object, annotations?: Record<string, string>): PolicyResource {
    return resource(PA, { metadata: { name: "default", namespace: "shop", ...(annotations ? { annotations } : {}) }, spec });
}

function istiod(values: object, extra: object = {}): PolicyResource {
    return resource(CHART, { chart: "istiod", version: "1.31.1", repositoryOpts: { repo: OFFICIAL }, values, ...extra });
}

/** A shipped stack's program, as the policy engine would show its resources. */
/**
 * A program run as the policy engine sees it. Dependencies as the SDK registers them: a component in
 * `dependsOn` stands for every resource below it.
 */
async function programResources(stack: string, programRun: () => Promise<ProgramRun> = () => stackRun(stack)): Promise<PolicyResource[]> {
    const run = await programRun();
    const urn = (name: string): string => {
        const resource = run.resource(name);
        return `urn:pulumi:${stack}::meshstack::${resource.type}::${resource.name}`;
    };
    const below = (name: string): string[] =>
        run.resources.filter((resource) => resource.parent === name).flatMap((child) => [child.name, ...below(child.name)]);
    const expanded = (name: string): string[] => (run.resource(name).type.startsWith("meshstack:") ? below(name) : [name]);
    return run.resources.map((recorded) => ({
        type: recorded.type,
        name: recorded.name,
        urn: urn(recorded.name),
        props: recorded.inputs,
        dependencies: [...new Set(recorded.dependsOn.flatMap(expanded))].map(urn),
    }));
}

const DRAIN_SAFE = { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" };

describe("policy pack", () => {
    it("reads the stack from a URN", () => {
        assert.deepStrictEqual([stackOfUrn("urn:pulumi:prod::meshstack::a:b:C::n"), stackOfUrn("nonsense")], ["prod", ""]);
    });

    it("mTLS: STRICT passes, PERMISSIVE fails unless it carries its reason", () => {
        assert.deepStrictEqual(check("meshstack-mtls-strict", peerAuthentication({ mtls: { mode: "STRICT" } })), []);
        assert.deepStrictEqual(check("meshstack-mtls-strict", peerAuthentication({ mtls: { mode: "PERMISSIVE" }, portLevelMtls: { "9000": { mode: "DISABLE" } } })), [
            "PeerAuthentication shop/default: mtls is PERMISSIVE, not STRICT. Set STRICT, or declare the exception in meshstack:mesh.namespaces[].mtlsExceptions with its reason (it adds the meshstack.io/mtls-exception-reason annotation).",
            "PeerAuthentication shop/default: port 9000 is DISABLE, not STRICT. Set STRICT, or declare the exception in meshstack:mesh.namespaces[].mtlsExceptions with its reason (it adds the meshstack.io/mtls-exception-reason annotation).",
        ]);
        assert.deepStrictEqual(check("meshstack-mtls-strict", peerAuthentication({}))[0].slice(0, 56), "PeerAuthentication shop/default: mtls is UNSET, not STRI");
        const excepted = peerAuthentication({ portLevelMtls: { "9000": { mode: "PERMISSIVE" } } }, { "meshstack.io/mtls-exception-reason": "legacy probe" });
        assert.deepStrictEqual(check("meshstack-mtls-strict", excepted), []);
        assert.strictEqual(check("meshstack-mtls-strict", peerAuthentication({ portLevelMtls: { "9000": { mode: "PERMISSIVE" } } }, { "meshstack.io/mtls-exception-reason": " " })).length, 1);
    });

    it("ambient: an HTTPRoute on a Service needs the waypoint its namespace uses, and weights that add up to 100", () => {
        const rule = STACK_RULES.find((candidate) => candidate.name === "meshstack-ambient-routes-have-waypoint");
        assert.ok(rule);
        const namespace = (labels: Record<string, string>) => resource("kubernetes:core/v1:Namespace", { metadata: { name: "shop", labels } }, "ns");
        const waypoint = resource("kubernetes:gateway.networking.k8s.io/v1:Gateway", { metadata: { name: "waypoint", namespace: "shop" }, spec: { gatewayClassName: "istio-waypoint" } }, "wp");
        const route = (weights: number[]) =>
            resource(
                "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
                {
                    metadata: { name: "checkout", namespace: "shop" },
                    spec: {
                        parentRefs: [{ group: "", kind: "Service", name: "checkout", port: 8080 }],
                        rules: [{ backendRefs: weights.map((weight, index) => ({ name: `checkout-v${index + 1}`, port: 8080, weight })) }],
                    },
                },
                "route",
            );
        const enrolled = namespace({ "istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint" });
        assert.deepStrictEqual(rule.check([enrolled, waypoint, route([90, 10])], PROD), []);
        const noWaypoint =
            'HTTPRoute shop/checkout routes a Service of namespace "shop", which sends its services through no waypoint this stack declares: ' +
            "ztunnel would ignore the route's weights and timeout. Keep the namespace in meshstack:mesh.namespaces (meshstack gives an " +
            "ambient namespace with services its waypoint), or route it with sidecars.";
        assert.deepStrictEqual(
            [
                rule.check([enrolled, route([90, 10])], PROD),
                rule.check([namespace({ "istio.io/dataplane-mode": "ambient" }), waypoint, route([90, 10])], PROD),
            ].map((violations) => violations.map((violation) => violation.message)),
            [[noWaypoint], [noWaypoint]],
        );
        assert.deepStrictEqual(
            rule.check([enrolled, waypoint, route([90, 20])], PROD).map((violation) => violation.message),
            ["HTTPRoute shop/checkout the backend weights add up to 110, not 100. Make meshstack:services[].weights add up to 100."],
        );
    });

    it("canary rollout order: a route to a version waits for the stack's own Deployment of it", () => {
        const rule = STACK_RULES.find((candidate) => candidate.name === "meshstack-canary-rollout-order");
        assert.ok(rule);
        const destinationRule = resource("kubernetes:networking.istio.io/v1:DestinationRule", {
            metadata: { name: "helloworld", namespace: "shop" },
            spec: { host: "helloworld.shop.svc.cluster.local", subsets: [{ name: "v1", labels: { version: "v1" } }, { name: "v2", labels: { version: "v2" } }] },
        });
        const deployment = (name: string, labels: Record<string, string>, namespace = "shop"): PolicyResource =>
            resource("kubernetes:apps/v1:Deployment", { metadata: { name, namespace }, spec: { template: { metadata: { labels } } } }, name);
        const v2 = deployment("helloworld-v2", { app: "helloworld", version: "v2" });
        const others = [
            deployment("checkout-v2", { app: "checkout", version: "v2" }),
            deployment("helloworld-v2-elsewhere", { app: "helloworld", version: "v2" }, "backend"),
        ];
        const virtualService = (v2Weight: number, dependencies: string[]): PolicyResource => ({
            ...resource(
                "kubernetes:networking.istio.io/v1:VirtualService",
                {
                    metadata: { name: "helloworld", namespace: "shop" },
                    spec: {
                        http: [
                            {
                                route: [
                                    { destination: { host: "helloworld.shop.svc.cluster.local", subset: "v1" }, weight: 100 - v2Weight },
                                    { destination: { host: "helloworld.shop.svc.cluster.local", subset: "v2" }, weight: v2Weight },
                                ],
                            },
                        ],
                    },
                },
                "vs",
            ),
            dependencies,
        });
        assert.deepStrictEqual(rule.check([destinationRule, v2, ...others, virtualService(10, [])], PROD), [
            {
                urn: "urn:pulumi:prod::meshstack::kubernetes:networking.istio.io/v1:VirtualService::vs",
                message:
                    'VirtualService shop/helloworld sends 10 % to subset "v2" of helloworld.shop.svc.cluster.local without waiting for the ' +
                    "stack's Deployment shop/helloworld-v2, whose pods serve it: until they run, that share gets 503s. Make the route depend " +
                    "on the Deployment, or ship the version at weight 0 and shift once its pods run.",
            },
        ]);
        // At weight 0 it may come first; depending on the Deployment (directly, or through another resource) it may send traffic.
        assert.deepStrictEqual(rule.check([destinationRule, v2, virtualService(0, [])], PROD), []);
        assert.deepStrictEqual(rule.check([destinationRule, v2, virtualService(10, [v2.urn])], PROD), []);
        const between = { ...resource("kubernetes:core/v1:Service", { metadata: { name: "helloworld", namespace: "shop" } }, "between"), dependencies: [v2.urn] };
        assert.deepStrictEqual(rule.check([destinationRule, v2, between, virtualService(10, [between.urn])], PROD), []);
    });

    it("canary routes: weights add up to 100 and name declared subsets", () => {
        const rule = STACK_RULES.find((candidate) => candidate.name === "meshstack-canary-routes");
        assert.ok(rule);
        const destinationRule = resource("kubernetes:networking.istio.io/v1:DestinationRule", {
            metadata: { name: "checkout", namespace: "shop" },
            spec: { host: "checkout", subsets: [{ name: "v1" }, { name: "v2" }] },
        });
        const virtualService = (route: object[]): PolicyResource =>
            resource("kubernetes:networking.istio.io/v1:VirtualService", { metadata: { name: "checkout", namespace: "shop" }, spec: { http: [{ route }] } }, "vs");
        const to = (subset: string, weight?: number): object => ({ destination: { host: "checkout.shop.svc.cluster.local", subset }, ...(weight === undefined ? {} : { weight }) });
        assert.deepStrictEqual(rule.check([destinationRule, virtualService([to("v1", 90), to("v2", 10)])], PROD), []);
        assert.deepStrictEqual(rule.check([destinationRule, virtualService([to("v1")])], PROD), []);
        assert.deepStrictEqual(rule.check([destinationRule, virtualService([to("v1", 90), to("v3", 20)])], PROD), [
            {
                urn: "urn:pulumi:prod::meshstack::kubernetes:networking.istio.io/v1:VirtualService::vs",
                message: "VirtualService shop/checkout http[0]: the route weights add up to 110, not 100. Make meshstack:services[].weights add up to 100.",
            },
            {
                urn: "urn:pulumi:prod::meshstack::kubernetes:networking.istio.io/v1:VirtualService::vs",
                message:
                    'VirtualService shop/checkout http[0]: subset "v3" of checkout.shop.svc.cluster.local is declared by no DestinationRule in this stack. ' +
                    "Add it to the DestinationRule of checkout.shop.svc.cluster.local (meshstack:services[].versions) or route to a declared subset.",
            },
        ]);
    });

    it("Istio charts: the official repository at an exact version", () => {
        assert.deepStrictEqual(check("meshstack-istio-charts-pinned", istiod({})), []);
        assert.deepStrictEqual(check("meshstack-istio-charts-pinned", istiod({}, { version: "~1.31", repositoryOpts: { repo: "https://charts.example.com" } })), [
            'Istio chart "istiod" comes from https://charts.example.com. Use the official repository, https://blob.istio.io/istio-release/charts (versions.ts).',
            'Istio chart "istiod" has version "~1.31". Pin an exact release, e.g. 1.31.1 (meshstack:istio.version).',
        ]);
        assert.deepStrictEqual(check("meshstack-istio-charts-pinned", istiod({}, { version: undefined })), [
            'Istio chart "istiod" has version null. Pin an exact release, e.g. 1.31.1 (meshstack:istio.version).',
        ]);
        assert.ok(OFFICIAL_ISTIO_REPOSITORIES.includes(ISTIO_CHART_REPOSITORY));
    });

    it("production: REGISTRY_ONLY; other stacks may allow any", () => {
        const allowAny = istiod({ meshConfig: { outboundTrafficPolicy: { mode: "ALLOW_ANY" } } });
        assert.deepStrictEqual(check("meshstack-production-registry-only", allowAny), [
            "istiod's outbound traffic policy is ALLOW_ANY in a production stack. Set meshstack:mesh.outboundTrafficPolicy to REGISTRY_ONLY.",
        ]);
        assert.deepStrictEqual(check("meshstack-production-registry-only", allowAny, DEV), []);
        assert.deepStrictEqual(check("meshstack-production-registry-only", istiod({ meshConfig: { outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } } })), []);
    });

    it("production: istiod and the egress gateway at 2 or more, with a budget that lets a node drain", () => {
        const rule = "meshstack-production-high-availability";
        assert.deepStrictEqual(check(rule, istiod({ autoscaleMin: 2, pdb: DRAIN_SAFE })), []);
        assert.deepStrictEqual(check(rule, istiod({ autoscaleMin: 2, pdb: { minAvailable: 1 } })), [
            'istiod has no PodDisruptionBudget that lets a node drain ({"minAvailable":1}). It needs maxUnavailable 1 and unhealthyPodEvictionPolicy AlwaysAllow, as meshstack sets with 2 or more replicas.',
        ]);
        // The chart's default: an autoscaler from 1.
        assert.deepStrictEqual(check(rule, istiod({ replicaCount: 3, pdb: DRAIN_SAFE })), [
            "istiod runs 1 replica(s) at least in a production stack. Set meshstack:istio.istiod.replicas to 2 or more.",
        ]);
        assert.deepStrictEqual(check(rule, istiod({ autoscaleEnabled: false, replicaCount: 2, pdb: DRAIN_SAFE, global: { defaultPodDisruptionBudget: { enabled: false } } })), [
            'istiod has no PodDisruptionBudget that lets a node drain ({"maxUnavailable":1,"unhealthyPodEvictionPolicy":"AlwaysAllow"}). It needs maxUnavailable 1 and unhealthyPodEvictionPolicy AlwaysAllow, as meshstack sets with 2 or more replicas.',
        ]);
        const gateway = (values: object): PolicyResource => resource(CHART, { chart: "gateway", name: "istio-egressgateway", values });
        assert.deepStrictEqual(check(rule, gateway({ autoscaling: { enabled: true, minReplicas: 2 }, podDisruptionBudget: DRAIN_SAFE })), []);
        assert.deepStrictEqual(check(rule, gateway({ autoscaling: { enabled: false }, replicaCount: 1, podDisruptionBudget: {} })), [
            "the egress gateway runs 1 replica(s) at least in a production stack. Set meshstack:istio.egressGateway.replicas to 2 or more.",
            "the egress gateway has no PodDisruptionBudget that lets a node drain ({}). It needs maxUnavailable 1 and unhealthyPodEvictionPolicy AlwaysAllow, as meshstack sets with 2 or more replicas.",
        ]);
        assert.deepStrictEqual(check(rule, gateway({}), DEV), []);
    });

    it("every container, init containers and CronJobs included, has CPU and memory requests and limits", () => {
        const rule = "meshstack-container-resources";
        const full = { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "32Mi" } };
        const deployment = (initResources: object): PolicyResource =>
            resource("kubernetes:apps/v1:Deployment", {
                metadata: { name: "web", namespace: "shop" },
                spec: { template: { spec: { initContainers: [{ name: "init", resources: initResources }], containers: [{ name: "app", resources: full }] } } },
            });
        assert.deepStrictEqual(check(rule, deployment(full)), []);
        assert.deepStrictEqual(check(rule, deployment({ requests: { cpu: "10m" } })), [
            'Deployment shop/web: container "init" has no resources.requests.memory, resources.limits.cpu, resources.limits.memory. Set CPU and memory requests and limits.',
        ]);
        const cronJob = resource("kubernetes:batch/v1:CronJob", {
            metadata: { name: "report", namespace: "shop" },
            spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "run" }] } } } } },
        });
        assert.deepStrictEqual(check(rule, cronJob), [
            'CronJob shop/report: container "run" has no resources.requests.cpu, resources.requests.memory, resources.limits.cpu, resources.limits.memory. Set CPU and memory requests and limits.',
        ]);
    });

    it("no LoadBalancer or NodePort Service, nor a gateway chart rendering one, unless allowed", () => {
        const rule = "meshstack-no-exposed-services";
        const service = (type: string): PolicyResource => resource("kubernetes:core/v1:Service", { metadata: { name: "web", namespace: "shop" }, spec: { type } });
        assert.deepStrictEqual(check(rule, service("ClusterIP")), []);
        assert.deepStrictEqual(check(rule, service("NodePort")), ['Service shop/web is of type NodePort. Use ClusterIP, or list "shop/web" in the policy pack\'s allowedExposedServices.']);
        assert.deepStrictEqual(check(rule, service("LoadBalancer"), { production: true, allowedExposedServices: ["shop/web"] }), []);
        const gateway = resource(CHART, { chart: "gateway", name: "istio-ingressgateway", values: {} });
        assert.deepStrictEqual(check(rule, gateway), [
            'The gateway chart chart/istio-ingressgateway renders a LoadBalancer Service. Set values.service.type to ClusterIP, or list "chart/istio-ingressgateway" in the policy pack\'s allowedExposedServices.',
        ]);
        assert.deepStrictEqual(check(rule, resource(CHART, { chart: "gateway", name: "istio-egressgateway", values: { service: { type: "ClusterIP" } } })), []);
    });

    it("the e2e-ha run's pack config holds that stack, and prod, to the production rules, for every rule", () => {
        const config = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "ci", "policy-e2e-ha.json"), "utf8")) as Record<string, unknown>;
        const rules = [...RESOURCE_RULES, ...STACK_RULES].map((rule) => rule.name);
        assert.deepStrictEqual(config, Object.fromEntries(rules.map((rule) => [rule, { productionStacks: ["prod", "e2e-ha"] }])));
    });

    for (const stack of ["dev", "prod", "e2e", "e2e-ambient", "e2e-ha"]) {
        it(`${stack}: the program declares nothing any rule rejects`, async () => {
            const resources = await programResources(stack);
            assert.deepStrictEqual(evaluate(resources, { production: stack === "prod" || stack === "e2e-ha", allowedExposedServices: [] }), []);
            // The rules did look: the stack has what they check.
            const types = new Set(resources.map((resource) => resource.type));
            for (const type of [PA, CHART, "kubernetes:networking.istio.io/v1:VirtualService", "kubernetes:networking.istio.io/v1:DestinationRule"]) {
                assert.ok(types.has(type), type);
            }
        });
    }

    const ambientRuns: Array<[string, string, () => Promise<ProgramRun>, boolean]> = [
        ["dev in ambient", "dev", ambientDev, false],
        ["prod moving backend to ambient", "prod", migratingProd, true],
    ];
    for (const [name, stack, programRun, production] of ambientRuns) {
        it(`${name}: the program declares nothing any rule rejects, its HTTPRoutes checked`, async () => {
            const resources = await programResources(stack, programRun);
            assert.deepStrictEqual(evaluate(resources, { production, allowedExposedServices: [] }), []);
            assert.ok(resources.some((resource) => resource.type === "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"));
        });
    }

    it("holds dev's program, which has one replica of each, to the production rules only in production", async () => {
        const resources = await programResources("dev");
        assert.deepStrictEqual(
            evaluate(resources, PROD).map((violation) => violation.message.slice(0, 59)),
            [
                "istiod runs 1 replica(s) at least in a production stack. Se",
                "istiod has no PodDisruptionBudget that lets a node drain ({",
                "the egress gateway runs 1 replica(s) at least in a producti",
                "the egress gateway has no PodDisruptionBudget that lets a n",
            ],
        );
    });
});
