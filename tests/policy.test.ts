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
import { DEV, PROD, resource } from "./policy-fixtures";

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
