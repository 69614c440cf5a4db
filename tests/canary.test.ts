/**
 * Canary routing and resilience: the DestinationRule and VirtualService of the guides' examples, the
 * in-place weight change, the services output, the dev demo, and every validation error.
 */
import * as assert from "assert";
import { parseMeshConfig } from "../config";
import { sidecarAnnotations, sidecarSize } from "../lib/traffic";
import { POOL_SELECTOR, sidecar } from "./expected";
import { ProgramRun, runProgram, stackConfig, stackRun, shippedRuns } from "./harness";

const PART_OF = { "app.kubernetes.io/part-of": "meshstack" };

function networking(kind: string, name: string, namespace: string, spec: unknown): object {
    return { apiVersion: "networking.istio.io/v1", kind, metadata: { name, namespace, labels: PART_OF }, spec };
}

describe("canary routing", () => {
    let dev: ProgramRun;
    let prod: ProgramRun;

    beforeEach(async () => ({ dev, prod } = await shippedRuns()));

    it("checkout: a subset per version, 90 % to v1 and 10 % to v2", () => {
        const host = "checkout.shop.svc.cluster.local";
        assert.deepStrictEqual(
            prod.resource("meshstack-svc-shop-checkout-destination-rule").inputs,
            networking("DestinationRule", "checkout", "shop", {
                host,
                subsets: [
                    { name: "v1", labels: { version: "v1" } },
                    { name: "v2", labels: { version: "v2" } },
                ],
            }),
        );
        assert.deepStrictEqual(
            prod.resource("meshstack-svc-shop-checkout-virtual-service").inputs,
            networking("VirtualService", "checkout", "shop", {
                hosts: [host],
                http: [
                    {
                        route: [
                            { destination: { host, subset: "v1", port: { number: 8080 } }, weight: 90 },
                            { destination: { host, subset: "v2", port: { number: 8080 } }, weight: 10 },
                        ],
                    },
                ],
            }),
        );
    });

    it("inventory-service: timeout 2s, 3 attempts × 500ms, outlier detection and circuit breaking", () => {
        const host = "inventory-service.backend.svc.cluster.local";
        assert.deepStrictEqual(
            prod.resource("meshstack-svc-backend-inventory-service-destination-rule").inputs,
            networking("DestinationRule", "inventory-service", "backend", {
                host,
                trafficPolicy: {
                    connectionPool: {
                        tcp: { maxConnections: 100 },
                        http: { http1MaxPendingRequests: 50, maxRequestsPerConnection: 10 },
                    },
                    outlierDetection: { consecutive5xxErrors: 5, interval: "10s", baseEjectionTime: "30s", maxEjectionPercent: 50 },
                },
                subsets: [{ name: "v1", labels: { version: "v1" } }],
            }),
        );
        assert.deepStrictEqual(
            prod.resource("meshstack-svc-backend-inventory-service-virtual-service").inputs,
            networking("VirtualService", "inventory-service", "backend", {
                hosts: [host],
                http: [
                    {
                        route: [{ destination: { host, subset: "v1", port: { number: 8080 } }, weight: 100 }],
                        timeout: "2s",
                        retries: { attempts: 3, perTryTimeout: "500ms", retryOn: "5xx,reset,connect-failure" },
                    },
                ],
            }),
        );
    });

    it("changing only the weights changes only the VirtualService's route weights", async () => {
        const config = stackConfig("dev");
        const services = JSON.parse(config["meshstack:services"]) as Array<{ name: string; weights: Record<string, number> }>;
        const shifted = services.map((service) => (service.name === "checkout" ? { ...service, weights: { v1: 50, v2: 50 } } : service));
        const after = await runProgram("dev", { ...config, "meshstack:services": JSON.stringify(shifted) });

        const before = new Map(dev.resources.map((resource) => [resource.name, resource]));
        assert.deepStrictEqual(
            after.resources.map((resource) => [resource.type, resource.name]),
            dev.resources.map((resource) => [resource.type, resource.name]),
            "the same resources, by the same names",
        );
        const changed = after.resources
            .filter((resource) => JSON.stringify(resource.inputs) !== JSON.stringify(before.get(resource.name)?.inputs))
            .map((resource) => resource.name);
        assert.deepStrictEqual(changed, ["meshstack-svc-shop-checkout-virtual-service"]);
        const weights = (run: ProgramRun): unknown =>
            (run.resource("meshstack-svc-shop-checkout-virtual-service").inputs.spec as { http: Array<{ route: Array<{ weight: number }> }> }).http[0].route.map(
                (route) => route.weight,
            );
        assert.deepStrictEqual([weights(dev), weights(after)], [
            [90, 10],
            [50, 50],
        ]);
        // Only the weight fields: with them set back, the two VirtualServices are identical.
        const withoutWeights = (run: ProgramRun): string =>
            JSON.stringify(run.resource("meshstack-svc-shop-checkout-virtual-service").inputs).replace(/"weight":\d+/g, "");
        assert.strictEqual(withoutWeights(after), withoutWeights(dev));
    });

    it("exports each service's host, replicas, weights and the sidecar annotations for its pods", () => {
        assert.deepStrictEqual(prod.outputs.services, {
            "shop/checkout": {
                host: "checkout.shop.svc.cluster.local",
                replicas: 4,
                weights: { v1: 90, v2: 10 },
                sidecarAnnotations: sidecar("50m", "64Mi"),
            },
            "backend/inventory-service": {
                host: "inventory-service.backend.svc.cluster.local",
                replicas: 2,
                weights: { v1: 100 },
                sidecarAnnotations: sidecar("50m", "96Mi"),
            },
        });
    });

    it("the demo's route waits for the pods of each version it sends traffic to, not for a version at weight 0", async () => {
        const e2e = await stackRun("e2e");
        assert.deepStrictEqual(e2e.resource("meshstack-svc-shop-helloworld-virtual-service").dependsOn, ["meshstack-istio", "meshstack-ns-shop", "meshstack-demo-v1"]);
        assert.deepStrictEqual(dev.resource("meshstack-svc-shop-helloworld-virtual-service").dependsOn, [
            "meshstack-istio",
            "meshstack-ns-shop",
            "meshstack-demo-v1",
            "meshstack-demo-v2",
        ]);
    });

    it("dev demo: helloworld v1 behind the routed Service, non-root, sized sidecar, on the pool", () => {
        assert.deepStrictEqual(dev.resource("meshstack-demo-v1").inputs, {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "helloworld-v1", namespace: "shop", labels: { app: "helloworld", version: "v1", ...PART_OF } },
            spec: {
                replicas: 1,
                selector: { matchLabels: { app: "helloworld", version: "v1" } },
                template: {
                    metadata: {
                        labels: { app: "helloworld", version: "v1" },
                        annotations: sidecar("50m", "96Mi"),
                    },
                    spec: {
                        securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
                        nodeSelector: POOL_SELECTOR,
                        tolerations: [],
                        containers: [
                            {
                                name: "helloworld",
                                image: "docker.io/istio/examples-helloworld-v1:1.0",
                                ports: [{ containerPort: 5000 }],
                                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "128Mi" } },
                                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                                env: [{ name: "PYTHONDONTWRITEBYTECODE", value: "1" }],
                                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                            },
                        ],
                        volumes: [{ name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } }],
                    },
                },
            },
        });
        assert.deepStrictEqual(dev.resource("meshstack-demo-service").inputs.spec, {
            selector: { app: "helloworld" },
            ports: [{ name: "http", port: 5000, targetPort: 5000 }],
        });
        assert.deepStrictEqual(prod.ofType("meshstack:demo:DemoApp"), []);
    });
});

describe("service config errors", () => {
    const POOL = { nodes: [1, 2].map((n) => ({ name: `mesh-${n}`, vcpus: 16, memory: "64Gi" })) };
    const MESH = { namespaces: [{ name: "shop", allowFrom: [{ namespace: "shop" }] }] };
    const CHECKOUT = { name: "checkout", namespace: "shop", port: 8080, versions: [{ name: "v1" }, { name: "v2" }], weights: { v1: 90, v2: 10 } };
    const header = (count: number): string =>
        `meshstack: the config of stack "prod" has ${count === 1 ? "1 problem" : `${count} problems`}; nothing was changed. ` +
        "Fix them in Pulumi.prod.yaml:";

    function errorOf(services: unknown[], extra: Record<string, unknown> = {}): string {
        try {
            parseMeshConfig({ nodePool: POOL, mesh: MESH, services, ...extra }, "prod");
        } catch (error) {
            return (error as Error).message;
        }
        throw new Error("expected a config error, got none");
    }

    it("accepts the guides' examples", () => {
        const config = parseMeshConfig(
            {
                nodePool: POOL,
                mesh: MESH,
                services: [CHECKOUT, { ...CHECKOUT, name: "inventory-service", versions: [{ name: "v1" }], weights: { v1: 100 }, timeout: "2s", retries: { attempts: 3, perTryTimeout: "500ms" } }],
            },
            "prod",
        );
        assert.deepStrictEqual(config.services.map((service) => [service.name, service.replicas]), [
            ["checkout", 1],
            ["inventory-service", 1],
        ]);
    });

    const cases: Array<[string, unknown, string]> = [
        ["a weight that is not a whole number", { ...CHECKOUT, weights: { v1: 89.5, v2: 10.5 } }, "  - meshstack:services[0].weights.v1: expected a whole number from 0 to 100, got 89.5.\n  - meshstack:services[0].weights.v2: expected a whole number from 0 to 100, got 10.5."],
        ["a weight above 100", { ...CHECKOUT, weights: { v1: 110, v2: -10 } }, "  - meshstack:services[0].weights.v1: expected a whole number from 0 to 100, got 110.\n  - meshstack:services[0].weights.v2: expected a whole number from 0 to 100, got -10."],
        ["weights that do not sum to 100", { ...CHECKOUT, weights: { v1: 90, v2: 5 } }, "  - meshstack:services[0].weights: the weights sum to 95 (v1: 90, v2: 5); they must sum to exactly 100. Adjust them."],
        [
            "a weight for a version that does not exist",
            { ...CHECKOUT, weights: { v1: 90, v3: 10 } },
            '  - meshstack:services[0].weights: "v2" has no weight. Give every version one (0 keeps it idle).\n' +
                '  - meshstack:services[0].weights.v3: "v3" is not a version of checkout (v1, v2). Add it to versions, or remove its weight.',
        ],
        [
            "a duplicate version",
            { ...CHECKOUT, versions: [{ name: "v1" }, { name: "v1" }], weights: { v1: 100 } },
            '  - meshstack:services[0].versions[1].name: "v1" is listed more than once. List each version once.',
        ],
        ["no version", { ...CHECKOUT, versions: [], weights: {} }, "  - meshstack:services[0].versions: the service has no versions. List at least one, e.g. `- name: v1`."],
        [
            "an invalid subset name",
            { ...CHECKOUT, versions: [{ name: "V_1" }, { name: "v2" }], weights: { V_1: 90, v2: 10 } },
            '  - meshstack:services[0].versions[0].name: "V_1" is not a valid name: at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit.',
        ],
        [
            "an invalid duration",
            { ...CHECKOUT, timeout: "2 seconds" },
            '  - meshstack:services[0].timeout: "2 seconds" is not a duration. Use a number and a unit: "500ms", "2s", "1m", "1h" (or combined, "1m30s").',
        ],
        ["negative attempts", { ...CHECKOUT, retries: { attempts: -1 } }, "  - meshstack:services[0].retries.attempts: expected a whole number from 0 to 2147483647, got -1."],
        [
            "retries that outlast the timeout by one try (1 + 3 × 500ms with 1500ms)",
            { ...CHECKOUT, timeout: "1500ms", retries: { attempts: 3, perTryTimeout: "500ms" } },
            "  - meshstack:services[0].retries: 1 try + 3 retries, 500ms each, take up to 2000ms, more than the route's timeout " +
                "1500ms: callers give up before the retries end, while every retry still loads the service (a retry storm). Lower " +
                "attempts or perTryTimeout, or raise timeout.",
        ],
        [
            "an unknown retry condition",
            { ...CHECKOUT, retries: { attempts: 2, retryOn: "5xx,conect-failure" } },
            '  - meshstack:services[0].retries.retryOn: "conect-failure" is not a retry condition. Use a comma-separated list of ' +
                "5xx, gateway-error, reset, reset-before-request, connect-failure, … or HTTP status codes (503).",
        ],
        [
            "a version without a weight",
            { ...CHECKOUT, versions: [{ name: "v1" }, { name: "v2" }, { name: "v3" }] },
            '  - meshstack:services[0].weights: "v3" has no weight. Give every version one (0 keeps it idle).',
        ],
        [
            "retries that outlast the timeout (5 × 1s with 2s)",
            { ...CHECKOUT, timeout: "2s", retries: { attempts: 5, perTryTimeout: "1s" } },
            "  - meshstack:services[0].retries: 1 try + 5 retries, 1s each, take up to 6000ms, more than the route's timeout 2s: " +
                "callers give up before the retries end, while every retry still loads the service (a retry storm). Lower attempts " +
                "or perTryTimeout, or raise timeout.",
        ],
        [
            "a namespace that is not a mesh namespace",
            { ...CHECKOUT, namespace: "payments" },
            '  - meshstack:services[0].namespace: "payments" is not a mesh namespace. Add it to meshstack:mesh.namespaces, or use one of: shop.',
        ],
        ["a port outside 1..65535", { ...CHECKOUT, port: 0 }, "  - meshstack:services[0].port: expected a port from 1 to 65535, got 0."],
        [
            "a sidecar CPU limit below its request",
            { ...CHECKOUT, sidecar: { cpu: "200m", memory: "64Mi", cpuLimit: "100m" } },
            "  - meshstack:services[0].sidecar.cpuLimit: 100m is below the request 200m, which the API server refuses. Raise cpuLimit, or lower cpu.",
        ],
        [
            "a sidecar memory request above the mesh's limit it would get",
            { ...CHECKOUT, sidecar: { cpu: "50m", memory: "2Gi" } },
            "  - meshstack:services[0].sidecar.memory: 2Gi is above the mesh's sidecar memory limit 1024Mi " +
                "(meshstack:istio.proxy.resources.limits.memory), which this sidecar would get: a limit below its request, which the " +
                "API server refuses. Set memoryLimit too, or lower memory.",
        ],
    ];
    for (const [name, service, problems] of cases) {
        it(`refuses ${name}`, () => {
            const count = problems.split("\n").length;
            assert.strictEqual(errorOf([service]), `${header(count)}\n${problems}`);
        });
    }

    it("accepts a sidecar request above the mesh's limit with a limit of its own, and gives the pods all four annotations", async () => {
        const config = parseMeshConfig({ nodePool: POOL, mesh: MESH, services: [{ ...CHECKOUT, sidecar: { cpu: "50m", memory: "2Gi", memoryLimit: "2Gi" } }] }, "prod");
        assert.deepStrictEqual(config.services[0].sidecar, { cpu: "50m", memory: "2Gi", memoryLimit: "2Gi" });
        assert.deepStrictEqual(sidecarAnnotations(sidecarSize(config.services[0].sidecar, config.istio.proxy.resources)), sidecar("50m", "2Gi", "2000m", "2Gi"));
    });

    it("refuses a service declared twice in a namespace", () => {
        assert.strictEqual(
            errorOf([CHECKOUT, CHECKOUT]),
            `${header(1)}\n  - meshstack:services[1].name: "shop/checkout" is declared more than once. Declare each service once per namespace.`,
        );
    });

    it("refuses the demo in a highly available stack", () => {
        assert.strictEqual(
            errorOf([{ ...CHECKOUT, name: "helloworld", port: 5000 }], { demo: { enabled: true } }),
            `${header(1)}\n  - meshstack:demo.enabled: the demo is for dev stacks: a highly available stack runs no sample workloads. Remove the key.`,
        );
    });

    it("refuses demo routing on the wrong port, without v1 and v2, and a namespace that denies the client", () => {
        let message = "no error";
        try {
            parseMeshConfig(
                {
                    highAvailability: false,
                    nodePool: POOL,
                    mesh: { namespaces: [{ name: "shop", defaultDeny: true }] },
                    services: [{ name: "helloworld", namespace: "shop", port: 8080, versions: [{ name: "stable" }], weights: { stable: 100 } }],
                    demo: { enabled: true },
                },
                "dev",
            );
        } catch (error) {
            message = (error as Error).message;
        }
        assert.strictEqual(
            message,
            [
                'meshstack: the config of stack "dev" has 3 problems; nothing was changed. Fix them in Pulumi.dev.yaml:',
                '  - meshstack:mesh.namespaces[0].allowFrom: the demo\'s client calls helloworld within "shop", which default deny refuses. Add { namespace: shop } to allowFrom.',
                "  - meshstack:services[0].port: the demo's Service listens on 5000, not 8080. Set 5000.",
                "  - meshstack:services[0].versions: the demo runs versions v1 and v2 (pods labelled version: v1 / v2), not stable. List v1 and v2.",
            ].join("\n"),
        );
    });

    it("refuses the demo without its routing", () => {
        let message = "no error";
        try {
            parseMeshConfig({ highAvailability: false, nodePool: POOL, mesh: { namespaces: [{ name: "shop" }] }, demo: { enabled: true } }, "dev");
        } catch (error) {
            message = (error as Error).message;
        }
        {
            assert.strictEqual(
                message,
                'meshstack: the config of stack "dev" has 1 problem; nothing was changed. Fix them in Pulumi.dev.yaml:\n' +
                    '  - meshstack:demo.enabled: the demo needs its routing: add a meshstack:services entry named "helloworld" in ' +
                    'namespace "shop", port 5000, versions v1 and v2 (e.g. weights v1: 90, v2: 10).',
            );
        }
    });
});
