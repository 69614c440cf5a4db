/**
 * The ambient data plane as the program declares it: dev switched with one key, and a sidecar mesh
 * moving one namespace. What is installed, in which order, and what each namespace gets.
 */
import * as assert from "assert";
import { GATEWAY_API } from "../versions";
import { atWaypoint, denyAll } from "../lib/zero-trust";
import { ISTIO_REPOSITORY } from "./expected";
import { stackRun } from "./harness";
import { ambientDev, at, migratingProd } from "./program-fixtures";

describe("ambient: what is installed", () => {
    it("dev with one key: the Gateway API's CRDs, istiod with the ambient profile, then istio-cni, then ztunnel", async () => {
        const run = await ambientDev();
        const gatewayApi = run.resource("meshstack-istio-gateway-api");
        assert.deepStrictEqual([gatewayApi.type, gatewayApi.inputs.file], ["kubernetes:yaml/v2:ConfigFile", GATEWAY_API.manifest]);
        assert.deepStrictEqual(
            gatewayApi.transforms.map((transform) => transform.name),
            ["retain and adopt CustomResourceDefinition"],
        );
        assert.strictEqual(at(run.resource("meshstack-istio-istiod").inputs, "values.profile"), "ambient");
        // istio-cni and ztunnel run privileged: a baseline Pod Security default would refuse them.
        assert.deepStrictEqual(at(run.resource("meshstack-istio-namespace").inputs, "metadata.labels"), {
            "app.kubernetes.io/part-of": "meshstack",
            "pod-security.kubernetes.io/enforce": "privileged",
        });
        assert.ok(run.resource("meshstack-istio-istiod").dependsOn.includes("meshstack-istio-gateway-api"));
        assert.deepStrictEqual(run.resource("meshstack-istio-cni").inputs, {
            chart: "cni",
            version: "1.31.1",
            repositoryOpts: ISTIO_REPOSITORY,
            name: "istio-cni",
            namespace: "istio-system",
            values: { profile: "ambient", resources: { requests: { cpu: "100m", memory: "100Mi" }, limits: { cpu: "500m", memory: "512Mi" } } },
        });
        assert.deepStrictEqual(run.resource("meshstack-istio-cni").dependsOn, ["meshstack-istio-istiod"]);
        assert.deepStrictEqual(run.resource("meshstack-istio-ztunnel").inputs, {
            chart: "ztunnel",
            version: "1.31.1",
            repositoryOpts: ISTIO_REPOSITORY,
            name: "ztunnel",
            namespace: "istio-system",
            values: {
                profile: "ambient",
                istioNamespace: "istio-system",
                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "2000m", memory: "512Mi" } },
            },
        });
        assert.deepStrictEqual(run.resource("meshstack-istio-ztunnel").dependsOn, ["meshstack-istio-istiod", "meshstack-istio-cni"]);
    });

    it("dev's shop goes ambient, through its waypoint, with no Sidecar and no annotations; backend stays on sidecars", async () => {
        const run = await ambientDev();
        assert.deepStrictEqual(at(run.resource("meshstack-ns-shop-namespace").inputs, "metadata.labels"), {
            "app.kubernetes.io/part-of": "meshstack",
            "istio.io/dataplane-mode": "ambient",
        });
        // The waypoint label last, once the waypoint is programmed.
        const useWaypoint = run.resource("meshstack-ns-shop-use-waypoint");
        assert.deepStrictEqual(
            [useWaypoint.type, useWaypoint.inputs, useWaypoint.dependsOn],
            ["kubernetes:core/v1:NamespacePatch", { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: { "istio.io/use-waypoint": "waypoint" } } }, ["meshstack-ns-shop-waypoint"]],
        );
        assert.deepStrictEqual(at(run.resource("meshstack-ns-backend-namespace").inputs, "metadata.labels"), {
            "app.kubernetes.io/part-of": "meshstack",
            "istio-injection": "enabled",
        });
        assert.deepStrictEqual(
            run.resources.filter((resource) => resource.name.endsWith("-sidecar")).map((resource) => resource.name),
            ["meshstack-ns-backend-sidecar"],
        );
        assert.deepStrictEqual(
            Object.entries(run.outputs.services as Record<string, { sidecarAnnotations: object }>).map(([id, service]) => [id, Object.keys(service.sidecarAnnotations).length]),
            [
                ["shop/checkout", 0],
                ["backend/inventory-service", 4],
                ["shop/helloworld", 0],
            ],
        );
        assert.deepStrictEqual(at(run.resource("meshstack-demo-v1").inputs, "spec.template.metadata.annotations"), {});
        // What app teams read: label nothing more, annotate nothing, and the waypoint their L7 goes through.
        assert.deepStrictEqual(run.outputs.dataPlanes, {
            shop: {
                dataPlane: "ambient",
                namespaceLabels: { "istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint" },
                podOptOut: { "istio.io/dataplane-mode": "none" },
                waypoint: "waypoint",
            },
            backend: { dataPlane: "sidecar", namespaceLabels: { "istio-injection": "enabled" }, podOptOut: { "sidecar.istio.io/inject": "false" } },
        });
    });

    it("a waypoint for the namespace, awaited until istiod has programmed it", async () => {
        const run = await ambientDev();
        const waypoint = run.resource("meshstack-ns-shop-waypoint");
        assert.deepStrictEqual(waypoint.inputs, {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "Gateway",
            metadata: {
                name: "waypoint",
                namespace: "shop",
                labels: { "app.kubernetes.io/part-of": "meshstack", "istio.io/waypoint-for": "service" },
                annotations: { "pulumi.com/waitFor": "condition=Programmed" },
            },
            spec: {
                gatewayClassName: "istio-waypoint",
                listeners: [{ name: "mesh", port: 15008, protocol: "HBONE" }],
                infrastructure: { parametersRef: { group: "", kind: "ConfigMap", name: "waypoint-options" } },
            },
        });
        assert.deepStrictEqual(waypoint.dependsOn, ["meshstack-ns-shop-namespace", "meshstack-istio", "meshstack-ns-shop-waypoint-options"]);
        // dev: one replica, no disruption budget.
        assert.deepStrictEqual(at(run.resource("meshstack-ns-shop-waypoint-options").inputs, "data"), { deployment: "spec:\n  replicas: 1\n" });
        // Like every mesh pod, on the pool; sized by istiod's values.
        assert.deepStrictEqual(at(run.resource("meshstack-istio-istiod").inputs, "values.global.waypoint"), {
            resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "2000m", memory: "1024Mi" } },
            nodeSelector: { "meshstack.io/pool": "mesh", "meshstack.io/preflight": "passed" },
            tolerations: [],
            // Each waypoint (this one, the egress one) spread on its own.
            topologySpreadConstraints: [
                {
                    maxSkew: 1,
                    topologyKey: "kubernetes.io/hostname",
                    whenUnsatisfiable: "DoNotSchedule",
                    nodeTaintsPolicy: "Honor",
                    labelSelector: { matchExpressions: [{ key: "gateway.networking.k8s.io/gateway-name", operator: "Exists" }] },
                    matchLabelKeys: ["gateway.networking.k8s.io/gateway-name"],
                },
            ],
        });
        assert.strictEqual(run.resources.filter((resource) => resource.name === "meshstack-ns-backend-waypoint").length, 0);
    });

    it("canary routing the Gateway API's way: a Service per version, the weighted HTTPRoute after them", async () => {
        const run = await ambientDev();
        assert.deepStrictEqual(run.resource("meshstack-svc-shop-checkout-checkout-v2").inputs, {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: "checkout-v2", namespace: "shop", labels: { "app.kubernetes.io/part-of": "meshstack" } },
            spec: { selector: { app: "checkout", version: "v2" }, ports: [{ name: "http", port: 8080, targetPort: 8080 }] },
        });
        const route = run.resource("meshstack-svc-shop-checkout-http-route");
        assert.deepStrictEqual(route.inputs, {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "HTTPRoute",
            metadata: { name: "checkout", namespace: "shop", labels: { "app.kubernetes.io/part-of": "meshstack" } },
            spec: {
                parentRefs: [{ group: "", kind: "Service", name: "checkout", port: 8080 }],
                rules: [
                    {
                        backendRefs: [
                            { name: "checkout-v1", port: 8080, weight: 90 },
                            { name: "checkout-v2", port: 8080, weight: 10 },
                        ],
                    },
                ],
            },
        });
        assert.deepStrictEqual(route.dependsOn, [
            "meshstack-istio",
            "meshstack-ns-shop",
            "meshstack-svc-shop-checkout-checkout-v1",
            "meshstack-svc-shop-checkout-checkout-v2",
        ]);
        assert.deepStrictEqual(
            run.resources.filter((resource) => /svc-shop-.*(destination-rule|virtual-service)$/.test(resource.name)).map((resource) => resource.name),
            [],
        );
    });

    it("a sidecar mesh moving one namespace: ambient's charts, one namespace each way", async () => {
        const run = await migratingProd();
        assert.deepStrictEqual(
            ["meshstack-istio-gateway-api", "meshstack-istio-cni", "meshstack-istio-ztunnel"].map((name) => run.resource(name).name),
            ["meshstack-istio-gateway-api", "meshstack-istio-cni", "meshstack-istio-ztunnel"],
        );
        assert.deepStrictEqual(
            ["shop", "backend"].map((namespace) => at(run.resource(`meshstack-ns-${namespace}-namespace`).inputs, "metadata.labels")),
            [
                { "app.kubernetes.io/part-of": "meshstack", "istio-injection": "enabled" },
                { "app.kubernetes.io/part-of": "meshstack", "istio.io/dataplane-mode": "ambient" },
            ],
        );
        assert.deepStrictEqual(
            run.resources.filter((resource) => resource.name.endsWith("-sidecar")).map((resource) => resource.name),
            ["meshstack-ns-shop-sidecar"],
        );
    });

    it("prod's waypoints: two replicas behind a disruption budget that lets one go at a time", async () => {
        const run = await migratingProd();
        assert.deepStrictEqual(at(run.resource("meshstack-ns-backend-waypoint-options").inputs, "data"), {
            deployment: "spec:\n  replicas: 2\n",
            podDisruptionBudget: "spec:\n  maxUnavailable: 1\n  unhealthyPodEvictionPolicy: AlwaysAllow\n",
        });
    });

    it("the route keeps its timeout, and each version's Service its traffic policy", async () => {
        const run = await migratingProd();
        assert.deepStrictEqual(at(run.resource("meshstack-svc-backend-inventory-service-http-route").inputs, "spec.rules"), [
            { backendRefs: [{ name: "inventory-service-v1", port: 8080, weight: 100 }], timeouts: { request: "2s" } },
        ]);
        assert.deepStrictEqual(run.resource("meshstack-svc-backend-inventory-service-inventory-service-v1-destination-rule").inputs, {
            apiVersion: "networking.istio.io/v1",
            kind: "DestinationRule",
            metadata: { name: "inventory-service-v1", namespace: "backend", labels: { "app.kubernetes.io/part-of": "meshstack" } },
            spec: {
                host: "inventory-service-v1.backend.svc.cluster.local",
                trafficPolicy: {
                    connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 50, maxRequestsPerConnection: 10 } },
                    outlierDetection: { consecutive5xxErrors: 5, interval: "10s", baseEjectionTime: "30s", maxEjectionPercent: 50 },
                },
            },
        });
    });

    it("default deny behind a waypoint: the waypoint allows the configured callers, the pods' ztunnel the waypoint and them", async () => {
        const run = await migratingProd();
        const policy = (suffix: string) => run.resource(`meshstack-ns-backend-${suffix}`).inputs;
        const labels = { "app.kubernetes.io/part-of": "meshstack" };
        const callers = [
            { source: { namespaces: ["backend"] } },
            { source: { principals: ["cluster.local/ns/shop/sa/checkout"] } },
        ];
        assert.deepStrictEqual(policy("deny-all"), { apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy", metadata: { name: "deny-all", namespace: "backend", labels }, spec: {} });
        assert.deepStrictEqual(at(policy("allow-from"), "spec"), { action: "ALLOW", rules: [{ from: callers }] });
        assert.deepStrictEqual(policy("waypoint-policy"), {
            apiVersion: "security.istio.io/v1",
            kind: "AuthorizationPolicy",
            metadata: { name: "allow-from-config-at-waypoint", namespace: "backend", labels },
            spec: {
                targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "waypoint" }],
                action: "ALLOW",
                rules: [{ from: callers }],
            },
        });
        assert.deepStrictEqual(policy("allow-from-waypoint"), {
            apiVersion: "security.istio.io/v1",
            kind: "AuthorizationPolicy",
            metadata: { name: "allow-from-waypoint", namespace: "backend", labels },
            spec: { action: "ALLOW", rules: [{ from: [{ source: { principals: ["cluster.local/ns/backend/sa/waypoint"] } }] }] },
        });
    });

    it("a sidecar stack installs none of it", async () => {
        const run = await stackRun("prod");
        assert.deepStrictEqual(
            run.resources.filter((resource) => /gateway-api|-cni$|ztunnel/.test(resource.name)).map((resource) => resource.name),
            [],
        );
        assert.strictEqual(at(run.resource("meshstack-istio-istiod").inputs, "values.profile"), undefined);
        assert.deepStrictEqual(at(run.resource("meshstack-istio-namespace").inputs, "metadata.labels"), { "app.kubernetes.io/part-of": "meshstack" });
    });
});

describe("ambient: leaving the mesh", () => {
    it("the allowlist's hosts go through an egress waypoint that only the mesh namespaces may use", async () => {
        const run = await ambientDev();
        assert.deepStrictEqual(at(run.resource("meshstack-egress-allowlist-waypoint").inputs, "metadata"), {
            name: "egress-waypoint",
            namespace: "istio-egress",
            labels: { "app.kubernetes.io/part-of": "meshstack", "istio.io/waypoint-for": "service" },
            annotations: { "pulumi.com/waitFor": "condition=Programmed" },
        });
        assert.deepStrictEqual(at(run.resource("meshstack-egress-allowlist-waypoint").inputs, "spec.infrastructure"), {
            parametersRef: { group: "", kind: "ConfigMap", name: "egress-waypoint-options" },
        });
        assert.deepStrictEqual(at(run.resource("meshstack-egress-allowlist-waypoint-policy").inputs, "spec"), {
            targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "egress-waypoint" }],
            action: "ALLOW",
            rules: [{ from: [{ source: { namespaces: ["backend"] } }, { source: { namespaces: ["shop"] } }] }],
        });
        const entry = run.resource("meshstack-egress-allowlist-api-stripe-com-service-entry");
        assert.deepStrictEqual(at(entry.inputs, "metadata.labels"), { "app.kubernetes.io/part-of": "meshstack", "istio.io/use-waypoint": "egress-waypoint" });
        assert.deepStrictEqual(entry.dependsOn, ["meshstack-egress", "meshstack-egress-allowlist-waypoint"]);
        // Sidecars never go through waypoints: their route to the egress gateway stays, in istiod's namespace,
        // where the egress waypoint (which applies its own namespace's mesh routes) does not take it.
        assert.deepStrictEqual(run.resource("meshstack-egress-allowlist-api-stripe-com-mesh-route").inputs, {
            apiVersion: "networking.istio.io/v1",
            kind: "VirtualService",
            metadata: { name: "egress-api-stripe-com", namespace: "istio-system", labels: { "app.kubernetes.io/part-of": "meshstack" } },
            spec: {
                hosts: ["api.stripe.com"],
                gateways: ["mesh"],
                tls: [
                    {
                        match: [{ gateways: ["mesh"], port: 443, sniHosts: ["api.stripe.com"] }],
                        route: [{ destination: { host: "istio-egressgateway.istio-egress.svc.cluster.local", subset: "api-stripe-com", port: { number: 443 } } }],
                    },
                ],
            },
        });
        assert.deepStrictEqual(at(run.resource("meshstack-egress-allowlist-api-stripe-com-route").inputs, "spec"), {
            hosts: ["api.stripe.com"],
            gateways: ["meshstack-egress"],
            tls: [{ match: [{ gateways: ["meshstack-egress"], port: 443, sniHosts: ["api.stripe.com"] }], route: [{ destination: { host: "api.stripe.com", port: { number: 443 } }, weight: 100 }] }],
        });
    });

    it("an ambient namespace's pods may reach the egress waypoint over HBONE; a sidecar namespace's may not need to", async () => {
        const run = await ambientDev();
        const lastRule = (namespace: string) => (at(run.resource(`meshstack-ns-${namespace}-egress-lockdown`).inputs, "spec.egress") as unknown[]).slice(-1)[0];
        const hbone = {
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-egress" } }, podSelector: { matchLabels: { "gateway.networking.k8s.io/gateway-name": "egress-waypoint" } } }],
            ports: [{ protocol: "TCP", port: 15008 }],
        };
        assert.deepStrictEqual(lastRule("shop"), hbone);
        assert.notDeepStrictEqual(lastRule("backend"), hbone);
        assert.deepStrictEqual(
            (run.outputs.meshOverhead as { workloads: Array<{ name: string }> }).workloads.map((workload) => workload.name).filter((name) => /waypoint|ztunnel|cni/.test(name)),
            ["ztunnel", "istio-cni", "waypoint of shop", "egress waypoint of istio-egress"],
        );
    });

    it("a sidecar stack keeps its ServiceEntries unlabelled and declares no egress waypoint", async () => {
        const run = await stackRun("prod");
        assert.deepStrictEqual(at(run.resource("meshstack-egress-allowlist-api-stripe-com-service-entry").inputs, "metadata.labels"), {
            "app.kubernetes.io/part-of": "meshstack",
        });
        assert.strictEqual(run.resources.filter((resource) => resource.name.startsWith("meshstack-egress-allowlist-waypoint")).length, 0);
    });
});

describe("ambient: a waypoint's policy", () => {
    it("with no caller allowed, the waypoint allows nothing (an ALLOW policy with no rules)", () => {
        assert.deepStrictEqual(atWaypoint(denyAll("shop"), "waypoint"), {
            apiVersion: "security.istio.io/v1",
            kind: "AuthorizationPolicy",
            metadata: { name: "deny-all-at-waypoint", namespace: "shop", labels: { "app.kubernetes.io/part-of": "meshstack" } },
            spec: { targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "waypoint" }] },
        });
    });
});
