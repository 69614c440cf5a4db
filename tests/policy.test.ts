/**
 * The policy pack's rules (policy/rules.ts): each with a resource that passes and one that fails, with
 * the exact message, and the shipped stacks' programs, which must pass every rule. The routing rules'
 * tables: tests/policy-routing.test.ts.
 */
import * as assert from "assert";
import { evaluate, OFFICIAL_ISTIO_REPOSITORIES, PolicyContext, PolicyResource, RESOURCE_RULES, STACK_RULES, stackOfUrn } from "../policy/rules";
import { ISTIO_CHART_REPOSITORY } from "../versions";
import * as fs from "fs";
import * as path from "path";
import { ProgramRun, PROJECT_ROOT, stackRun } from "./harness";
import { ambientDev, migratingProd } from "./program-fixtures";
import { DEV, PROD, resource, RuleCase, ruleTable } from "./policy-fixtures";

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

/** A title, a resource, and the messages the rule reports on it in a production stack. */
type Case = RuleCase<PolicyResource>;

function table(rule: string, cases: readonly Case[]): void {
    ruleTable(rule, cases, (subject) => check(rule, subject));
}

describe("policy pack", () => {
    it("reads the stack from a URN", () => {
        assert.deepStrictEqual([stackOfUrn("urn:pulumi:prod::meshstack::a:b:C::n"), stackOfUrn("nonsense")], ["prod", ""]);
    });

    it("evaluates every rule: each violation with its rule and the URN of the resource it is about", () => {
        const permissive = peerAuthentication({ mtls: { mode: "PERMISSIVE" } });
        const destinationRule = resource("kubernetes:networking.istio.io/v1:DestinationRule", {
            metadata: { name: "helloworld", namespace: "shop" },
            spec: { host: "helloworld", subsets: [{ name: "v1", labels: { version: "v1" } }, { name: "v2", labels: { version: "v2" } }] },
        });
        const v2 = resource("kubernetes:apps/v1:Deployment", { metadata: { name: "helloworld-v2", namespace: "shop" }, spec: { template: { metadata: { labels: { version: "v2" } } } } });
        const route = { destination: { host: "helloworld", subset: "v2" }, weight: 20 };
        const virtualService = resource("kubernetes:networking.istio.io/v1:VirtualService", { metadata: { name: "helloworld", namespace: "shop" }, spec: { http: [{ route: [route] }] } }, "vs");
        const httpRoute = resource(
            "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
            { metadata: { name: "helloworld", namespace: "backend" }, spec: { parentRefs: [{ kind: "Service", name: "helloworld" }] } },
            "route",
        );
        assert.deepStrictEqual(evaluate([permissive, destinationRule, v2, virtualService, httpRoute], DEV), [
            {
                rule: "meshstack-mtls-strict",
                urn: permissive.urn,
                message:
                    "PeerAuthentication shop/default: mtls is PERMISSIVE, not STRICT. Set STRICT, or declare the exception in meshstack:mesh.namespaces[].mtlsExceptions " +
                    "with its reason (it adds the meshstack.io/mtls-exception-reason annotation).",
            },
            {
                rule: "meshstack-canary-routes",
                urn: virtualService.urn,
                message: "VirtualService shop/helloworld http[0]: the route weights add up to 20, not 100. Make meshstack:services[].weights add up to 100.",
            },
            {
                rule: "meshstack-canary-rollout-order",
                urn: virtualService.urn,
                message:
                    'VirtualService shop/helloworld sends 20 % to subset "v2" of helloworld.shop.svc.cluster.local without waiting for the stack\'s Deployment ' +
                    "shop/helloworld-v2, whose pods serve it: until they run, that share gets 503s. Make the route depend on the Deployment, or ship the version " +
                    "at weight 0 and shift once its pods run.",
            },
            {
                rule: "meshstack-ambient-routes-have-waypoint",
                urn: httpRoute.urn,
                message:
                    'HTTPRoute backend/helloworld routes a Service of namespace "backend", which sends its services through no waypoint this stack declares: ' +
                    "ztunnel would ignore the route's weights and timeout. Keep the namespace in meshstack:mesh.namespaces (meshstack gives an " +
                    "ambient namespace with services its waypoint), or route it with sidecars.",
            },
        ]);
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

    const pinnedVersion = (version: string): string => `Istio chart "istiod" has version "${version}". Pin an exact release, e.g. 1.31.1 (meshstack:istio.version).`;
    table("meshstack-istio-charts-pinned", [
        ["the official repository at an exact version", istiod({}), []],
        ["the storage bucket the official repository fronts, with a trailing slash", istiod({}, { repositoryOpts: { repo: "https://istio-release.storage.googleapis.com/charts/" } }), []],
        ["the official repository with two trailing slashes", istiod({}, { repositoryOpts: { repo: `${OFFICIAL}//` } }), []],
        [
            "another repository, at a range",
            istiod({}, { version: "~1.31", repositoryOpts: { repo: "https://charts.example.com" } }),
            [
                'Istio chart "istiod" comes from https://charts.example.com. Use the official repository, https://blob.istio.io/istio-release/charts (versions.ts).',
                'Istio chart "istiod" has version "~1.31". Pin an exact release, e.g. 1.31.1 (meshstack:istio.version).',
            ],
        ],
        [
            "no repository",
            istiod({}, { repositoryOpts: undefined }),
            ['Istio chart "istiod" comes from no repository. Use the official repository, https://blob.istio.io/istio-release/charts (versions.ts).'],
        ],
        ["no version", istiod({}, { version: undefined }), ['Istio chart "istiod" has version null. Pin an exact release, e.g. 1.31.1 (meshstack:istio.version).']],
        ...["1.31.12", "10.0.0"].map((version): Case => [`version ${version}: parts of several digits`, istiod({}, { version }), []]),
        ...["latest", "1.31", "v1.31.1", ">=1.31.1", "1.31.1 - 1.31.9"].map((version): Case => [`version ${version}`, istiod({}, { version }), [pinnedVersion(version)]]),
        ["a chart Istio does not publish", resource(CHART, { chart: "cert-manager", version: "^1.14", repositoryOpts: { repo: "https://charts.jetstack.io" } }), []],
    ]);

    it("Istio charts: the repository versions.ts installs from is the official one", () => {
        assert.ok(OFFICIAL_ISTIO_REPOSITORIES.includes(ISTIO_CHART_REPOSITORY));
    });

    const allowAny = "istiod's outbound traffic policy is ALLOW_ANY in a production stack. Set meshstack:mesh.outboundTrafficPolicy to REGISTRY_ONLY.";
    table("meshstack-production-registry-only", [
        ["ALLOW_ANY", istiod({ meshConfig: { outboundTrafficPolicy: { mode: "ALLOW_ANY" } } }), [allowAny]],
        ["REGISTRY_ONLY", istiod({ meshConfig: { outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } } }), []],
        ["none set: Istio's default, ALLOW_ANY", istiod({}), [allowAny]],
    ]);

    const gateway = (values: object): PolicyResource => resource(CHART, { chart: "gateway", name: "istio-egressgateway", values });
    const noBudget = (what: string, budget: object): string =>
        `${what} has no PodDisruptionBudget that lets a node drain (${JSON.stringify(budget)}). ` +
        "It needs maxUnavailable 1 and unhealthyPodEvictionPolicy AlwaysAllow, as meshstack sets with 2 or more replicas.";
    table("meshstack-production-high-availability", [
        ["istiod autoscaled from 2, with a budget that lets a node drain", istiod({ autoscaleMin: 2, pdb: DRAIN_SAFE }), []],
        [
            "istiod with a budget of minAvailable 1",
            istiod({ autoscaleMin: 2, pdb: { minAvailable: 1 } }),
            [
                'istiod has no PodDisruptionBudget that lets a node drain ({"minAvailable":1}). It needs maxUnavailable 1 and unhealthyPodEvictionPolicy AlwaysAllow, as meshstack sets with 2 or more replicas.',
            ],
        ],
        ["istiod with a budget of maxUnavailable 1 that keeps unhealthy pods", istiod({ autoscaleMin: 2, pdb: { maxUnavailable: 1 } }), [noBudget("istiod", { maxUnavailable: 1 })]],
        [
            "istiod with a budget of maxUnavailable 2",
            istiod({ autoscaleMin: 2, pdb: { ...DRAIN_SAFE, maxUnavailable: 2 } }),
            [noBudget("istiod", { ...DRAIN_SAFE, maxUnavailable: 2 })],
        ],
        // The chart's default: an autoscaler from 1.
        [
            "istiod with a replica count, still autoscaled",
            istiod({ replicaCount: 3, pdb: DRAIN_SAFE }),
            ["istiod runs 1 replica(s) at least in a production stack. Set meshstack:istio.istiod.replicas to 2 or more."],
        ],
        [
            "istiod autoscaled from a count that is not a number",
            istiod({ autoscaleMin: "3", pdb: DRAIN_SAFE }),
            ["istiod runs 3 replica(s) at least in a production stack. Set meshstack:istio.istiod.replicas to 2 or more."],
        ],
        [
            "istiod at 2 replicas with the chart's budgets switched off",
            istiod({ autoscaleEnabled: false, replicaCount: 2, pdb: DRAIN_SAFE, global: { defaultPodDisruptionBudget: { enabled: false } } }),
            [
                'istiod has no PodDisruptionBudget that lets a node drain ({"maxUnavailable":1,"unhealthyPodEvictionPolicy":"AlwaysAllow"}). It needs maxUnavailable 1 and unhealthyPodEvictionPolicy AlwaysAllow, as meshstack sets with 2 or more replicas.',
            ],
        ],
        ["the egress gateway autoscaled from 2", gateway({ autoscaling: { enabled: true, minReplicas: 2 }, podDisruptionBudget: DRAIN_SAFE }), []],
        ["the egress gateway at 2 replicas, not autoscaled", gateway({ autoscaling: { enabled: false }, replicaCount: 2, podDisruptionBudget: DRAIN_SAFE }), []],
        [
            "the egress gateway at 1 replica, with an empty budget",
            gateway({ autoscaling: { enabled: false }, replicaCount: 1, podDisruptionBudget: {} }),
            [
                "the egress gateway runs 1 replica(s) at least in a production stack. Set meshstack:istio.egressGateway.replicas to 2 or more.",
                "the egress gateway has no PodDisruptionBudget that lets a node drain ({}). It needs maxUnavailable 1 and unhealthyPodEvictionPolicy AlwaysAllow, as meshstack sets with 2 or more replicas.",
            ],
        ],
        [
            "the egress gateway keeps its budget when istiod's chart switch (global.defaultPodDisruptionBudget) is off",
            gateway({ autoscaling: { minReplicas: 2 }, podDisruptionBudget: DRAIN_SAFE, global: { defaultPodDisruptionBudget: { enabled: false } } }),
            [],
        ],
    ]);

    it("other stacks than production ones may allow any outbound traffic, and run one replica without a budget", () => {
        const allowAnyIstiod = istiod({ meshConfig: { outboundTrafficPolicy: { mode: "ALLOW_ANY" } } });
        assert.deepStrictEqual(
            [check("meshstack-production-registry-only", allowAnyIstiod, DEV), check("meshstack-production-high-availability", gateway({}), DEV)],
            [[], []],
        );
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
