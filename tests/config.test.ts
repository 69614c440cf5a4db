/**
 * The config module: defaults, the real stack files, and the exact error for bad config.
 */
import * as assert from "assert";
import { errorOf, HEADER_ONE, parse, POOL } from "./config-fixtures";
import { MeshConfig, parseMeshConfig, rawMeshConfig } from "../config";
import { ProgramFailure, runProgram, stackConfig } from "./harness";

describe("config", () => {
    describe("defaults", () => {
        it("without any meshstack key, is highly available with the documented defaults", () => {
            const expected: MeshConfig = {
                highAvailability: true,
                cluster: {},
                nodePool: {
                    name: "mesh",
                    nodes: [
                        { name: "node-a", vcpus: 16, memory: "64Gi", nvmeMountPath: "/mnt/nvme" },
                        { name: "node-b", vcpus: 16, memory: "64Gi", nvmeMountPath: "/mnt/nvme" },
                    ],
                    taints: [],
                    storageClass: { name: "meshstack-nvme", provisioner: "kubernetes.io/no-provisioner" },
                    preflight: {
                        enabled: true,
                        maxStealPercent: 2,
                        maxFsyncP99Ms: 10,
                        stealSampleSeconds: 10,
                        fsyncWrites: 2000,
                        runAsUser: 1000,
                    },
                    budget: { meshedPods: 20, maxMeshPercent: 30 },
                },
                mesh: { mtlsMode: "STRICT", outboundTrafficPolicy: "REGISTRY_ONLY", namespaces: [], egress: [] },
                services: [],
                demo: { enabled: false, namespace: "shop" },
                observability: {
                    prometheus: {
                        retention: "15d",
                        persistence: { enabled: true, size: "50Gi" },
                        // Sized from the mesh: 20 meshed pods and 5 gateway pods (lib/sizing.ts).
                        resources: { requests: { cpu: "500m", memory: "640Mi" }, limits: { cpu: "2000m", memory: "4Gi" } },
                        allowFrom: [],
                        alertmanager: false,
                        pushgateway: false,
                        kubeStateMetrics: false,
                        nodeExporter: false,
                    },
                    kiali: {
                        auth: { strategy: "token", openid: {} },
                        resources: { requests: { cpu: "30m", memory: "128Mi" }, limits: { cpu: "1000m", memory: "1Gi" } },
                    },
                },
                istio: {
                    version: "1.31.1",
                    dataPlane: "sidecar",
                    namespace: "istio-system",
                    proxy: {
                        resources: {
                            requests: { cpu: "50m", memory: "96Mi" },
                            limits: { cpu: "2000m", memory: "1024Mi" },
                        },
                    },
                    istiod: {
                        replicas: 2,
                        maxReplicas: 5,
                        resources: {
                            // 25 proxies: 100Mi + 25 × 0.665 MiB is below the 256Mi floor; the autoscaler's 500m.
                            requests: { cpu: "500m", memory: "256Mi" },
                            limits: { cpu: "2000m", memory: "4Gi" },
                        },
                    },
                    egressGateway: {
                        namespace: "istio-egress",
                        replicas: 2,
                        maxReplicas: 5,
                        resources: {
                            requests: { cpu: "100m", memory: "128Mi" },
                            limits: { cpu: "2000m", memory: "1024Mi" },
                        },
                    },
                    ztunnel: { resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "2000m", memory: "512Mi" } } },
                    cni: { resources: { requests: { cpu: "100m", memory: "100Mi" }, limits: { cpu: "500m", memory: "512Mi" } } },
                    waypoint: { replicas: 2, resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "2000m", memory: "1024Mi" } } },
                },
            };
            assert.deepStrictEqual(parse({}), expected);
        });

        it("with highAvailability false, defaults to one small replica of each", () => {
            const config = parse({ highAvailability: false });
            assert.deepStrictEqual(config.istio.istiod, {
                replicas: 1,
                maxReplicas: 1,
                resources: {
                    // 21 proxies, no autoscaler: below both floors (100m, 256Mi).
                    requests: { cpu: "100m", memory: "256Mi" },
                    limits: { cpu: "1000m", memory: "1Gi" },
                },
            });
            assert.deepStrictEqual(
                [config.istio.egressGateway.replicas, config.istio.egressGateway.maxReplicas],
                [1, 1],
            );
        });

        it("merges a partial override field by field over the defaults", () => {
            const config = parse({ istio: { proxy: { resources: { limits: { memory: "512Mi" } } }, istiod: { replicas: 7 } } });
            assert.deepStrictEqual(config.istio.proxy.resources, {
                requests: { cpu: "50m", memory: "96Mi" },
                limits: { cpu: "2000m", memory: "512Mi" },
            });
            // The default maximum (5) never falls below an explicit minimum.
            assert.deepStrictEqual([config.istio.istiod.replicas, config.istio.istiod.maxReplicas], [7, 7]);
        });
    });

    describe("reading Pulumi's config map", () => {
        it("keeps only meshstack keys and parses JSON values", () => {
            const raw = rawMeshConfig({
                "kubernetes:context": "prod-cluster",
                "meshstack:highAvailability": "false",
                "meshstack:istio": '{"version":"1.31.1"}',
                "meshstack:note": "plain text",
            });
            assert.deepStrictEqual(raw, {
                highAvailability: false,
                istio: { version: "1.31.1" },
                note: "plain text",
            });
        });

        it("reads both real stack files without a problem, and they differ", () => {
            const dev = parseMeshConfig(rawMeshConfig(stackConfig("dev")), "dev");
            const prod = parseMeshConfig(rawMeshConfig(stackConfig("prod")), "prod");
            assert.deepStrictEqual([dev.highAvailability, dev.istio.istiod.replicas], [false, 1]);
            assert.deepStrictEqual([prod.highAvailability, prod.istio.istiod.replicas], [true, 2]);
        });
    });

    describe("errors: one message per problem, naming the key and the fix", () => {
        const cases: Array<{ name: string; raw: Record<string, unknown>; problem: string }> = [
            {
                name: "a misspelt top-level key",
                raw: { isito: {} },
                problem:
                    '  - meshstack:isito: unknown key. Did you mean "istio"? Known keys here: highAvailability, cluster, nodePool, istio, mesh, services, demo, observability.',
            },
            {
                name: "an unknown key with no near match",
                raw: { istio: { telemetry: true } },
                problem:
                    "  - meshstack:istio.telemetry: unknown key. Known keys here: version, namespace, dataPlane, proxy, istiod, egressGateway, ztunnel, cni, waypoint.",
            },
            {
                name: "a misspelt nested key",
                raw: { istio: { istiod: { replicas: 2, maxReplica: 5 } } },
                problem:
                    '  - meshstack:istio.istiod.maxReplica: unknown key. Did you mean "maxReplicas"? Known keys here: replicas, maxReplicas, resources.',
            },
            {
                name: "a version YAML reads as a number",
                raw: { istio: { version: 1.31 } },
                problem: '  - meshstack:istio.version: expected a string, got 1.31 (quote it in YAML: "1.31").',
            },
            {
                name: "a version that is not MAJOR.MINOR.PATCH",
                raw: { istio: { version: "1.31" } },
                problem: '  - meshstack:istio.version: "1.31" is not an Istio release. Set MAJOR.MINOR.PATCH, e.g. "1.31.1".',
            },
            {
                name: "an unsupported minor release",
                raw: { istio: { version: "1.30.3" } },
                problem:
                    "  - meshstack:istio.version: Istio 1.30.3 is not supported: meshstack's Helm values are checked " +
                    'against the 1.31 charts. Set a 1.31.x release, e.g. "1.31.1".',
            },
            {
                name: "a namespace that is not a DNS label",
                raw: { istio: { namespace: "Istio_System" } },
                problem:
                    '  - meshstack:istio.namespace: "Istio_System" is not a namespace name. Use at most 63 lowercase ' +
                    'letters, digits and "-", starting and ending with a letter or digit.',
            },
            {
                name: "a namespace Kubernetes owns",
                raw: { istio: { egressGateway: { namespace: "kube-system" } } },
                problem:
                    '  - meshstack:istio.egressGateway.namespace: "kube-system" belongs to Kubernetes; meshstack ' +
                    "creates and deletes the namespaces it uses. Choose a namespace of the mesh's own.",
            },
            {
                name: "the egress gateway in istiod's namespace",
                raw: { istio: { egressGateway: { namespace: "istio-system" } } },
                problem:
                    '  - meshstack:istio.egressGateway.namespace: "istio-system" is also istiod\'s namespace ' +
                    "(meshstack:istio.namespace); the egress gateway gets a namespace of its own. Set another name, " +
                    'e.g. "istio-egress".',
            },
            {
                name: "zero replicas",
                raw: { highAvailability: false, istio: { istiod: { replicas: 0 } } },
                problem: "  - meshstack:istio.istiod.replicas: expected a whole number of at least 1, got 0.",
            },
            {
                name: "replicas given as a string",
                raw: { highAvailability: false, istio: { egressGateway: { replicas: "2" } } },
                problem: '  - meshstack:istio.egressGateway.replicas: expected a whole number of at least 1, got "2".',
            },
            {
                name: "a maximum below the minimum",
                raw: { istio: { istiod: { replicas: 3, maxReplicas: 2 } } },
                problem:
                    "  - meshstack:istio.istiod.maxReplicas: 2 is below replicas (3). Set it to 3 or more " +
                    "(equal means no autoscaler).",
            },
            {
                name: "one replica in a highly available stack",
                raw: { istio: { egressGateway: { replicas: 1 } } },
                problem:
                    "  - meshstack:istio.egressGateway.replicas: 1 replica cannot stay available through a node " +
                    "drain, which meshstack:highAvailability requires. Set 2 or more, or set " +
                    "meshstack:highAvailability to false (dev stacks only).",
            },
            {
                name: "highAvailability as a string",
                raw: { highAvailability: "yes" },
                problem: '  - meshstack:highAvailability: expected true or false, got "yes".',
            },
            {
                name: "a CPU quantity with a space",
                raw: { istio: { proxy: { resources: { requests: { cpu: "100 m" } } } } },
                problem:
                    '  - meshstack:istio.proxy.resources.requests.cpu: "100 m" is not a CPU quantity. Use cores ' +
                    '("2", "0.5") or millicores ("500m").',
            },
            {
                name: "a memory quantity with a non-Kubernetes suffix",
                raw: { istio: { istiod: { resources: { limits: { memory: "4GB" } } } } },
                problem:
                    '  - meshstack:istio.istiod.resources.limits.memory: "4GB" is not a memory quantity. Use bytes ' +
                    'with a suffix, e.g. "128Mi", "1Gi" or "512M".',
            },
            {
                name: "a request above its limit",
                raw: { nodePool: { ...POOL, budget: { meshedPods: 0 } }, istio: { proxy: { resources: { requests: { memory: "2Gi" } } } } },
                problem:
                    '  - meshstack:istio.proxy.resources.requests.memory: "2Gi" is above its limit "1024Mi" ' +
                    "(meshstack:istio.proxy.resources.limits.memory), which Kubernetes rejects. Lower the request " +
                    "or raise the limit.",
            },
            {
                name: "resources that are not an object",
                raw: { istio: { istiod: { resources: "small" } } },
                problem: '  - meshstack:istio.istiod.resources: expected an object with the keys requests, limits, got "small".',
            },
        ];

        for (const { name, raw, problem } of cases) {
            it(name, () => {
                assert.strictEqual(errorOf(raw), `${HEADER_ONE}\n${problem}`);
            });
        }

        it("lists every problem at once, in the order of the keys in the schema, in one error", () => {
            const message = errorOf({
                istio: { version: "latest", istiod: { replicas: 1, maxReplicas: 0 }, egressGateway: { namespace: "Egress" } },
            });
            assert.strictEqual(
                message,
                [
                    'meshstack: the config of stack "dev" has 4 problems; nothing was changed. Fix them in Pulumi.dev.yaml:',
                    '  - meshstack:istio.version: "latest" is not an Istio release. Set MAJOR.MINOR.PATCH, e.g. "1.31.1".',
                    "  - meshstack:istio.istiod.replicas: 1 replica cannot stay available through a node drain, which " +
                        "meshstack:highAvailability requires. Set 2 or more, or set meshstack:highAvailability to " +
                        "false (dev stacks only).",
                    "  - meshstack:istio.istiod.maxReplicas: expected a whole number of at least 1, got 0.",
                    '  - meshstack:istio.egressGateway.namespace: "Egress" is not a namespace name. Use at most 63 ' +
                        'lowercase letters, digits and "-", starting and ending with a letter or digit.',
                ].join("\n"),
            );
        });

        it("with highAvailability itself invalid, holds back the checks that depend on it", () => {
            assert.strictEqual(
                errorOf({ highAvailability: "no", istio: { istiod: { replicas: 1 } } }),
                `${HEADER_ONE}\n  - meshstack:highAvailability: expected true or false, got "no".`,
            );
        });

        it("fails the real program before it declares any resource", async () => {
            const config = { ...stackConfig("prod"), "meshstack:istio": JSON.stringify({ versoin: "1.31.1" }) };
            await assert.rejects(runProgram("prod", config), (error: unknown) => {
                assert.ok(error instanceof ProgramFailure);
                assert.strictEqual(
                    error.message,
                    'meshstack: the config of stack "prod" has 1 problem; nothing was changed. Fix them in ' +
                        "Pulumi.prod.yaml:\n" +
                        '  - meshstack:istio.versoin: unknown key. Did you mean "version"? Known keys here: version, ' +
                        "namespace, dataPlane, proxy, istiod, egressGateway, ztunnel, cni, waypoint.",
                );
                assert.deepStrictEqual(error.declared, []);
                return true;
            });
        });
    });
});
