/**
 * The real program (index.ts) with the real Pulumi.dev.yaml and Pulumi.prod.yaml: every resource it
 * declares, with its inputs, parent, ordering and the stack outputs.
 */
import * as assert from "assert";

import { CUSTOM_RESOURCE_DEFINITION_TYPE } from "../lib/crd-protection";
import { ProgramRun, shippedRuns } from "./harness";

const CHART = "kubernetes:helm.sh/v4:Chart";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const PROVIDER = "pulumi:providers:kubernetes";
const NODE = "kubernetes:core/v1:Node";
const NODE_PATCH = "kubernetes:core/v1:NodePatch";
const JOB = "kubernetes:batch/v1:Job";

/** The pool's nodes in each shipped stack. */
const NODES: Record<string, string[]> = { dev: ["dev-mesh-1"], prod: ["mesh-1", "mesh-2", "mesh-3"] };

const PA = "kubernetes:security.istio.io/v1:PeerAuthentication";
const AUTHZ = "kubernetes:security.istio.io/v1:AuthorizationPolicy";
const SIDECAR = "kubernetes:networking.istio.io/v1:Sidecar";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

/** What each shipped stack's mesh namespaces declare, by resource name suffix and type. */
const NAMESPACE_OBJECTS: Record<string, Record<string, Array<[string, string]>>> = {
    dev: {
        shop: [
            [PA, "peer-authentication"],
            [SIDECAR, "sidecar"],
            [NETPOL, "egress-lockdown"],
        ],
        backend: [
            [PA, "peer-authentication"],
            [PA, "permissive-legacy-reports"],
            [SIDECAR, "sidecar"],
            [NETPOL, "egress-lockdown"],
        ],
    },
    prod: {
        shop: [
            [PA, "peer-authentication"],
            [AUTHZ, "deny-all"],
            [AUTHZ, "allow-from"],
            [SIDECAR, "sidecar"],
            [NETPOL, "egress-lockdown"],
        ],
        backend: [
            [PA, "peer-authentication"],
            [AUTHZ, "deny-all"],
            [AUTHZ, "allow-from"],
            [SIDECAR, "sidecar"],
            [NETPOL, "egress-lockdown"],
        ],
    },
};

/** The services with canary routing in each shipped stack, as `namespace-name`. */
const SERVICES: Record<string, string[]> = {
    dev: ["shop-checkout", "backend-inventory-service", "shop-helloworld"],
    prod: ["shop-checkout", "backend-inventory-service"],
};

/** The dev demo's objects. */
const DEMO: Array<[string, string]> = [
    ["kubernetes:core/v1:Service", "meshstack-demo-service"],
    ["kubernetes:apps/v1:Deployment", "meshstack-demo-v1"],
    ["kubernetes:apps/v1:Deployment", "meshstack-demo-v2"],
    ["kubernetes:apps/v1:Deployment", "meshstack-demo-client"],
];

/** The allowlisted hosts of each shipped stack, as resource names. */
const EGRESS_HOSTS: Record<string, string[]> = { dev: ["api-stripe-com", "deb-debian-org"], prod: ["api-stripe-com"] };

const REPOSITORY = { repo: "https://blob.istio.io/istio-release/charts" };
const PART_OF = { "app.kubernetes.io/part-of": "meshstack" };


describe("the program", () => {
    let dev: ProgramRun;
    let prod: ProgramRun;

    beforeEach(async () => ({ dev, prod } = await shippedRuns()));

    describe("in every stack", () => {
        for (const stack of ["dev", "prod"]) {
            const run = (): ProgramRun => (stack === "dev" ? dev : prod);

            it(`${stack}: declares exactly the mesh's resources, each under its component`, () => {
                const tree = run().resources.map((resource) => [resource.type, resource.name, resource.parent]);
                const pool = "meshstack-pool";
                assert.deepStrictEqual(tree, [
                    ["meshstack:index:MeshPlatform", "meshstack", `meshstack-${stack}`],
                    [PROVIDER, "meshstack-cluster", "meshstack"],
                    [PROVIDER, "meshstack-cluster-retained", "meshstack"],
                    ["meshstack:pool:NodePool", pool, "meshstack"],
                    ...NODES[stack].flatMap((node) => [
                        [NODE, `meshstack-pool-node-${node}-existing`, pool],
                        [NODE_PATCH, `meshstack-pool-node-${node}`, pool],
                    ]),
                    ["kubernetes:storage.k8s.io/v1:StorageClass", "meshstack-pool-nvme", pool],
                    ["kubernetes:scheduling.k8s.io/v1:PriorityClass", "meshstack-pool-priority", pool],
                    [NAMESPACE, "meshstack-pool-preflight-namespace", pool],
                    ["kubernetes:core/v1:ConfigMap", "meshstack-pool-preflight-script", pool],
                    ["kubernetes:core/v1:ServiceAccount", "meshstack-pool-preflight-account", pool],
                    ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "meshstack-pool-preflight-role", pool],
                    ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "meshstack-pool-preflight-binding", pool],
                    ["kubernetes:rbac.authorization.k8s.io/v1:Role", "meshstack-pool-preflight-jobs-role", pool],
                    ["kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "meshstack-pool-preflight-jobs-binding", pool],
                    ...NODES[stack].map((node) => [JOB, `meshstack-pool-preflight-${node}`, pool]),
                    [JOB, "meshstack-pool-preflight-quorum", pool],
                    ...(stack === "prod"
                        ? [
                              ["meshstack:pool:LocalVolume", "meshstack-pool-volume-prometheus", pool],
                              [JOB, "meshstack-pool-volume-prometheus-folder", "meshstack-pool-volume-prometheus"],
                              ["kubernetes:core/v1:PersistentVolume", "meshstack-pool-volume-prometheus-volume", "meshstack-pool-volume-prometheus"],
                          ]
                        : []),
                    ["meshstack:istio:IstioControlPlane", "meshstack-istio", "meshstack"],
                    [NAMESPACE, "meshstack-istio-namespace", "meshstack-istio"],
                    [CHART, "meshstack-istio-base", "meshstack-istio"],
                    [CHART, "meshstack-istio-istiod", "meshstack-istio"],
                    [PA, "meshstack-istio-mesh-mtls", "meshstack-istio"],
                    ["meshstack:istio:EgressGateway", "meshstack-egress", "meshstack"],
                    [NAMESPACE, "meshstack-egress-namespace", "meshstack-egress"],
                    [CHART, "meshstack-egress-gateway", "meshstack-egress"],
                    ...Object.entries(NAMESPACE_OBJECTS[stack]).flatMap(([namespace, objects]) => [
                        ["meshstack:mesh:MeshNamespace", `meshstack-ns-${namespace}`, "meshstack"],
                        [NAMESPACE, `meshstack-ns-${namespace}-namespace`, `meshstack-ns-${namespace}`],
                        ...objects.map(([type, suffix]) => [type, `meshstack-ns-${namespace}-${suffix}`, `meshstack-ns-${namespace}`]),
                    ]),
                    // The demo before the services: its route waits for its pods.
                    ...(stack === "dev"
                        ? [["meshstack:demo:DemoApp", "meshstack-demo", "meshstack"], ...DEMO.map(([type, name]) => [type, name, "meshstack-demo"])]
                        : []),
                    ...SERVICES[stack].flatMap((service) => [
                        ["meshstack:mesh:MeshService", `meshstack-svc-${service}`, "meshstack"],
                        ["kubernetes:networking.istio.io/v1:DestinationRule", `meshstack-svc-${service}-destination-rule`, `meshstack-svc-${service}`],
                        ["kubernetes:networking.istio.io/v1:VirtualService", `meshstack-svc-${service}-virtual-service`, `meshstack-svc-${service}`],
                    ]),
                    ["meshstack:observability:Observability", "meshstack-observability", "meshstack"],
                    [CHART, "meshstack-observability-prometheus", "meshstack-observability"],
                    [NETPOL, "meshstack-observability-prometheus-ingress", "meshstack-observability"],
                    ["random:index/randomPassword:RandomPassword", "meshstack-observability-kiali-signing-key", "meshstack-observability"],
                    ["kubernetes:core/v1:Secret", "meshstack-observability-kiali-signing-key-secret", "meshstack-observability"],
                    [CHART, "meshstack-observability-kiali", "meshstack-observability"],
                    ["meshstack:mesh:EgressAllowlist", "meshstack-egress-allowlist", "meshstack"],
                    ["kubernetes:networking.istio.io/v1:Gateway", "meshstack-egress-allowlist-gateway", "meshstack-egress-allowlist"],
                    [
                        "kubernetes:networking.istio.io/v1:DestinationRule",
                        "meshstack-egress-allowlist-gateway-destination",
                        "meshstack-egress-allowlist",
                    ],
                    ...EGRESS_HOSTS[stack].flatMap((host) => [
                        ["kubernetes:networking.istio.io/v1:ServiceEntry", `meshstack-egress-allowlist-${host}-service-entry`, "meshstack-egress-allowlist"],
                        ["kubernetes:networking.istio.io/v1:VirtualService", `meshstack-egress-allowlist-${host}-route`, "meshstack-egress-allowlist"],
                    ]),
                ]);
            });

            it(`${stack}: installs in order: pool, gates, base, istiod, then gateway and Istio objects`, () => {
                const edges = run()
                    .resources.filter((resource) => resource.dependsOn.length > 0)
                    .map((resource) => [resource.name, resource.dependsOn]);
                // The pool is ready: its PriorityClass, its labelled nodes, and the quorum of passed gates.
                const ready = ["meshstack-pool-priority", ...NODES[stack].map((node) => `meshstack-pool-node-${node}`), "meshstack-pool-preflight-quorum"];
                const volume = ["meshstack-pool-preflight-namespace", "meshstack-pool-nvme"];
                assert.deepStrictEqual(edges, [
                    ...NODES[stack].map((node) => [`meshstack-pool-node-${node}`, [`meshstack-pool-node-${node}-existing`]]),
                    ["meshstack-pool-preflight-script", ["meshstack-pool-preflight-namespace"]],
                    ["meshstack-pool-preflight-account", ["meshstack-pool-preflight-namespace"]],
                    ["meshstack-pool-preflight-binding", ["meshstack-pool-preflight-account", "meshstack-pool-preflight-role"]],
                    ["meshstack-pool-preflight-jobs-role", ["meshstack-pool-preflight-namespace"]],
                    ["meshstack-pool-preflight-jobs-binding", ["meshstack-pool-preflight-account", "meshstack-pool-preflight-jobs-role"]],
                    // Each gate needs its node to exist, not its labels: its verdict admits the node.
                    ...NODES[stack].map((node) => [
                        `meshstack-pool-preflight-${node}`,
                        ["meshstack-pool-preflight-script", "meshstack-pool-preflight-binding", `meshstack-pool-node-${node}-existing`],
                    ]),
                    ["meshstack-pool-preflight-quorum", ["meshstack-pool-preflight-jobs-binding", ...NODES[stack].map((node) => `meshstack-pool-preflight-${node}`)]],
                    ...(stack === "prod"
                        ? [
                              ["meshstack-pool-volume-prometheus-folder", volume],
                              ["meshstack-pool-volume-prometheus-volume", ["meshstack-pool-volume-prometheus-folder", ...volume]],
                          ]
                        : []),
                    // Nothing of Istio is applied before the pool is ready.
                    ["meshstack-istio-base", ["meshstack-istio-namespace", ...ready]],
                    ["meshstack-istio-istiod", ["meshstack-istio-base", ...ready]],
                    // Istio objects wait for istiod (its validating webhook) to be ready.
                    ["meshstack-istio-mesh-mtls", ["meshstack-istio-istiod"]],
                    // The control plane component: its istiod chart, which Pulumi awaits until ready.
                    ["meshstack-egress-gateway", ["meshstack-egress-namespace", "meshstack-istio"]],
                    ...Object.entries(NAMESPACE_OBJECTS[stack]).flatMap(([namespace, objects]) =>
                        objects.map(([type, suffix]) => [
                            `meshstack-ns-${namespace}-${suffix}`,
                            type === NETPOL ? [`meshstack-ns-${namespace}-namespace`] : [`meshstack-ns-${namespace}-namespace`, "meshstack-istio"],
                        ]),
                    ),
                    ...(stack === "dev" ? DEMO.map(([, name]) => [name, ["meshstack-istio", "meshstack-ns-shop"]]) : []),
                    ...SERVICES[stack].flatMap((service) => {
                        const namespace = service.split("-")[0];
                        // The demo's route waits for the pods of each version with a weight (dev: 90/10, both).
                        const after = ["meshstack-istio", `meshstack-ns-${namespace}`, ...(service === "shop-helloworld" ? ["meshstack-demo-v1", "meshstack-demo-v2"] : [])];
                        return [
                            [`meshstack-svc-${service}-destination-rule`, after],
                            [`meshstack-svc-${service}-virtual-service`, after],
                        ];
                    }),
                    // The addons after the control plane (Prometheus also after its volume); Kiali also after
                    // its signing key's Secret.
                    ["meshstack-observability-prometheus", ["meshstack-istio", ...(stack === "prod" ? ["meshstack-pool-volume-prometheus"] : [])]],
                    ["meshstack-observability-prometheus-ingress", ["meshstack-istio"]],
                    ["meshstack-observability-kiali-signing-key-secret", ["meshstack-istio"]],
                    ["meshstack-observability-kiali", ["meshstack-istio", "meshstack-observability-kiali-signing-key-secret"]],
                    ...[
                        "meshstack-egress-allowlist-gateway",
                        "meshstack-egress-allowlist-gateway-destination",
                        ...EGRESS_HOSTS[stack].flatMap((host) => [
                            `meshstack-egress-allowlist-${host}-service-entry`,
                            `meshstack-egress-allowlist-${host}-route`,
                        ]),
                    ].map((name) => [name, ["meshstack-egress"]]),
                ]);
            });

            it(`${stack}: creates the namespaces by exact name, the egress one open to injection`, () => {
                assert.deepStrictEqual(run().resource("meshstack-istio-namespace").inputs, {
                    apiVersion: "v1",
                    kind: "Namespace",
                    metadata: { name: "istio-system", labels: PART_OF },
                });
                // No istio-injection=disabled: the gateway pods are injected.
                assert.deepStrictEqual(run().resource("meshstack-egress-namespace").inputs, {
                    apiVersion: "v1",
                    kind: "Namespace",
                    metadata: { name: "istio-egress", labels: PART_OF },
                });
            });

            it(`${stack}: installs the base chart with a Fail validation policy and retained CRDs`, async () => {
                const base = run().resource("meshstack-istio-base");
                assert.deepStrictEqual(base.inputs, {
                    chart: "base",
                    version: "1.31.1",
                    repositoryOpts: REPOSITORY,
                    name: "istio-base",
                    namespace: "istio-system",
                    values: {
                        global: { istioNamespace: "istio-system" },
                        base: { validationFailurePolicy: "Fail" },
                    },
                });
                assert.strictEqual(base.transforms.length, 1);
                const [transform] = base.transforms;
                const crd = await transform({
                    custom: true,
                    type: CUSTOM_RESOURCE_DEFINITION_TYPE,
                    name: "meshstack-istio-base:virtualservices.networking.istio.io",
                    props: {},
                    opts: {},
                });
                const provider = crd?.opts?.provider;
                assert.ok(provider !== undefined && crd?.opts?.retainOnDelete === true);
                assert.strictEqual(run().nameOf(provider), "meshstack-cluster-retained");
            });

            it(`${stack}: gives every Kubernetes object and chart an explicit provider, never the default one`, () => {
                const providers = run()
                    .resources.filter((resource) => resource.type.startsWith("kubernetes:"))
                    .map((resource) => [resource.name, resource.provider]);
                // (The tree test above lists every one of them.)
                assert.ok(providers.length > 0);
                assert.deepStrictEqual(
                    providers.filter(([, provider]) => provider !== "meshstack-cluster"),
                    [],
                );
                // Nothing that is not a meshstack component or a provider escapes the check above.
                const others = run().resources.filter(
                    (resource) => !resource.type.startsWith("kubernetes:") && !resource.type.startsWith("meshstack:"),
                );
                assert.deepStrictEqual(
                    others.map((resource) => resource.type),
                    [PROVIDER, PROVIDER, "random:index/randomPassword:RandomPassword"],
                );
            });

            it(`${stack}: refuses to take over existing objects, except through the provider of retained objects`, () => {
                const settings = run()
                    .ofType(PROVIDER)
                    .map((provider) => [provider.name, provider.inputs]);
                const lifecycle = { enableConfigMapMutable: "true", enableSecretMutable: "true", deleteUnreachable: "false", skipUpdateUnreachable: "false" };
                assert.deepStrictEqual(settings, [
                    ["meshstack-cluster", { ...lifecycle, enableServerSideApply: "true", upsertExistingObjects: "false", enablePatchForce: "false" }],
                    ["meshstack-cluster-retained", { ...lifecycle, enableServerSideApply: "true", upsertExistingObjects: "true", enablePatchForce: "true" }],
                ]);
            });

            it(`${stack}: retains and adopts the base chart's CRDs, waits for istiod's webhooks, adopts Prometheus's claim, and transforms nothing else`, () => {
                const withTransforms = run()
                    .resources.filter((resource) => resource.transforms.length > 0)
                    .map((resource) => [resource.name, resource.transforms.map((transform) => transform.name)]);
                assert.deepStrictEqual(withTransforms, [
                    ["meshstack-istio-base", ["retain and adopt CustomResourceDefinition"]],
                    ["meshstack-istio-istiod", ["wait for the webhooks' CA bundle"]],
                    ["meshstack-observability-prometheus", [stack === "prod" ? "adopt PersistentVolumeClaim, ready once Bound" : "adopt PersistentVolumeClaim"]],
                ]);
            });

            it(`${stack}: never sets a caBundle or hub/tag in any chart's values`, () => {
                for (const chart of run().ofType(CHART)) {
                    const text = JSON.stringify(chart.inputs.values);
                    for (const key of ["caBundle", "validationCABundle", "\"hub\"", "\"tag\""]) {
                        assert.ok(!text.includes(key), `${chart.name} sets ${key}`);
                    }
                }
            });

            it(`${stack}: exports the mesh's names and hosts`, () => {
                const { meshOverhead, mtls, egress, services, ...names } = run().outputs;
                assert.ok(meshOverhead !== undefined && mtls !== undefined && egress !== undefined && services !== undefined);
                const sidecars = { dataPlane: "sidecar", namespaceLabels: { "istio-injection": "enabled" }, podOptOut: { "sidecar.istio.io/inject": "false" } };
                assert.deepStrictEqual(names, {
                    outputsVersion: 2,
                    istioVersion: "1.31.1",
                    istioNamespace: "istio-system",
                    istiodHost: "istiod.istio-system.svc.cluster.local",
                    egressGatewayNamespace: "istio-egress",
                    egressGatewayHost: "istio-egressgateway.istio-egress.svc.cluster.local",
                    egressGatewaySelector: { istio: "egressgateway" },
                    poolNodes: NODES[stack],
                    storageClassName: "meshstack-nvme",
                    meshNamespaces: ["shop", "backend"],
                    dataPlanes: { shop: sidecars, backend: sidecars },
                    observability: {
                        prometheusUrl: "http://prometheus.istio-system.svc.cluster.local:9090",
                        kialiUrl: "http://kiali.istio-system.svc.cluster.local:20001",
                        portForward: {
                            kiali: "kubectl port-forward svc/kiali -n istio-system 20001:20001",
                            prometheus: "kubectl port-forward svc/prometheus -n istio-system 9090:9090",
                        },
                    },
                });
            });
        }
    });
});
