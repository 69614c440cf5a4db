/**
 * Cross-field verdicts and invalid keys. The checks run once on the config with each invalid key at its
 * default: a verdict that reads an invalid key would judge a value the user did not write, so it waits
 * until the key is fixed; a verdict whose keys are all valid comes in the same error as every other
 * problem.
 */
import { checkRows, POOL, Row } from "./config-fixtures";

type Raw = Record<string, unknown>;

const SHOP = { namespaces: [{ name: "shop" }] };
const CHECKOUT = { name: "checkout", namespace: "shop", port: 8080, versions: [{ name: "v1" }, { name: "v2" }], weights: { v1: 90, v2: 10 } };
const HELLOWORLD = { ...CHECKOUT, name: "helloworld", port: 5000 };
const TAINT = { key: "meshstack.io/pool", effect: "NoSchedule" };
const SIDECAR = { cpu: "50m", memory: "64Mi" };
const MISSPELT_PLANE = 'mesh.namespaces[0].dataPlane: expected one of "sidecar", "ambient", got "sidcar".';
const NOT_A_NAMESPACE = 'is not a namespace name: at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit.';

/** The mesh of {@link SHOP} and checkout with `settings`. */
function checkout(settings: Raw, raw: Raw = {}): Raw {
    return { mesh: SHOP, services: [{ ...CHECKOUT, ...settings }], ...raw };
}

/** Prometheus's volume with `settings`. */
function volume(settings: Raw): Raw {
    return { prometheus: { persistence: { enabled: true, ...settings } } };
}

function refusedRows(rows: ReadonlyArray<Row<Raw>>): void {
    checkRows(rows, (raw) => raw);
}

describe("cross-field verdicts and invalid keys", () => {
    describe("a verdict that reads an invalid key waits: the key's own problem alone is reported", () => {
        refusedRows([
            [
                "a service's namespace while the mesh namespace of that name is misspelt",
                { mesh: { namespaces: [{ name: "Shop" }] }, services: [CHECKOUT] },
                [`mesh.namespaces[0].name: "Shop" ${NOT_A_NAMESPACE}`],
            ],
            [
                "an allow rule's namespace while the mesh namespace of that name is misspelt",
                { mesh: { namespaces: [{ name: "backend", allowFrom: [{ namespace: "shop" }] }, { name: "Shop" }] } },
                [`mesh.namespaces[1].name: "Shop" ${NOT_A_NAMESPACE}`],
            ],
            [
                "a mesh namespace named like istiod's default namespace while meshstack:istio.namespace is invalid",
                { istio: { namespace: "Istio_System" }, mesh: { namespaces: [{ name: "istio-system" }] } },
                [
                    'istio.namespace: "Istio_System" is not a namespace name. Use at most 63 lowercase letters, digits and "-", starting and ' +
                        "ending with a letter or digit.",
                ],
            ],
            [
                "a sidecar's memory request against the mesh's limit while that limit is invalid",
                checkout({ sidecar: { cpu: "50m", memory: "2Gi" } }, { istio: { proxy: { resources: { limits: { memory: "lots" } } } } }),
                ['istio.proxy.resources.limits.memory: "lots" is not a memory quantity. Use bytes with a suffix, e.g. "128Mi", "1Gi" or "512M".'],
            ],
            [
                "a sidecar's CPU request against the mesh's limit while its own limit is invalid",
                checkout({ sidecar: { cpu: "3", memory: "64Mi", cpuLimit: "lots" } }),
                ['services[0].sidecar.cpuLimit: "lots" is not a CPU quantity. Use cores ("2", "0.5") or millicores ("500m").'],
            ],
            [
                "the weights while one of them is invalid",
                checkout({ weights: { v1: 150, v3: 10 } }),
                ["services[0].weights.v1: expected a whole number from 0 to 100, got 150."],
            ],
            [
                "a version's weight while the version has a misspelt key",
                checkout({ versions: [{ name: "v1" }, { name: "v2", lables: { version: "v2" } }], weights: { v1: 100 } }),
                ['services[0].versions[1].lables: unknown key. Did you mean "labels"? Known keys here: name, labels.'],
            ],
            [
                "the retry budget while the retries have an invalid condition",
                checkout({ timeout: "2s", retries: { attempts: 5, perTryTimeout: "1s", retryOn: "5xx,  reset" } }),
                ['services[0].retries.retryOn: "5xx,  reset" has spaces, which Istio does not trim: "5xx,reset" is what it reads right. Remove them.'],
            ],
            [
                "a service's sidecar size in an ambient mesh while its namespace's own data plane is misspelt",
                { istio: { dataPlane: "ambient" }, mesh: { namespaces: [{ name: "shop", dataPlane: "sidcar" }] }, services: [{ ...CHECKOUT, sidecar: SIDECAR }] },
                [MISSPELT_PLANE],
            ],
            [
                "the mesh's sidecar size in an ambient mesh while a namespace's own data plane is misspelt",
                { istio: { dataPlane: "ambient", proxy: { resources: { requests: { cpu: "50m" } } } }, mesh: { namespaces: [{ name: "shop", dataPlane: "sidcar" }] } },
                [MISSPELT_PLANE],
            ],
            [
                "a service's sidecar size in a namespace moved to ambient while an earlier namespace is invalid (and left out of the checks)",
                { mesh: { namespaces: [{ name: "Web" }, { name: "shop", dataPlane: "ambient" }] }, services: [{ ...CHECKOUT, sidecar: SIDECAR }] },
                [`mesh.namespaces[0].name: "Web" ${NOT_A_NAMESPACE}`],
            ],
            [
                "a service's sidecar size in an ambient mesh while the size has an invalid limit",
                { istio: { dataPlane: "ambient" }, mesh: SHOP, services: [{ ...CHECKOUT, sidecar: { ...SIDECAR, cpuLimit: "lots" } }] },
                ['services[0].sidecar.cpuLimit: "lots" is not a CPU quantity. Use cores ("2", "0.5") or millicores ("500m").'],
            ],
            [
                "a service's retries in an ambient mesh while they have an invalid condition",
                { istio: { dataPlane: "ambient" }, mesh: SHOP, services: [{ ...CHECKOUT, retries: { attempts: 2, retryOn: "5xx,  reset" } }] },
                ['services[0].retries.retryOn: "5xx,  reset" has spaces, which Istio does not trim: "5xx,reset" is what it reads right. Remove them.'],
            ],
            [
                "a service's retries in an ambient mesh while its namespace's own data plane is misspelt",
                { istio: { dataPlane: "ambient" }, mesh: { namespaces: [{ name: "shop", dataPlane: "sidcar" }] }, services: [{ ...CHECKOUT, retries: { attempts: 2 } }] },
                [MISSPELT_PLANE],
            ],
            [
                "the mesh's sidecar size in an ambient mesh while the size is invalid",
                { istio: { dataPlane: "ambient", proxy: { resources: { requests: { cpu: "lots" } } } }, mesh: SHOP },
                ['istio.proxy.resources.requests.cpu: "lots" is not a CPU quantity. Use cores ("2", "0.5") or millicores ("500m").'],
            ],
            [
                "the demo's namespace (and its routing) while the demo's namespace is invalid",
                { highAvailability: false, mesh: { namespaces: [{ name: "shop" }, { name: "web" }] }, demo: { enabled: true, namespace: "Web" } },
                [`demo.namespace: "Web" ${NOT_A_NAMESPACE}`],
            ],
            [
                "the demo's namespace while it is invalid and its default is no mesh namespace",
                { highAvailability: false, mesh: { namespaces: [{ name: "web" }] }, demo: { enabled: true, namespace: "Web" } },
                [`demo.namespace: "Web" ${NOT_A_NAMESPACE}`],
            ],
            [
                "the demo's namespace while the mesh namespace of that name is misspelt",
                { highAvailability: false, mesh: { namespaces: [{ name: "Shop" }] }, demo: { enabled: true } },
                [`mesh.namespaces[0].name: "Shop" ${NOT_A_NAMESPACE}`],
            ],
            [
                "the demo's routing while its service is invalid (and left out of the checks)",
                { highAvailability: false, mesh: SHOP, services: [{ ...HELLOWORLD, port: 0 }], demo: { enabled: true } },
                ["services[0].port: expected a port from 1 to 65535, got 0."],
            ],
            [
                "the egress gateway's namespace, istiod's default, while meshstack:istio.namespace is invalid",
                { istio: { namespace: "Istio", egressGateway: { namespace: "istio-system" } } },
                [
                    'istio.namespace: "Istio" is not a namespace name. Use at most 63 lowercase letters, digits and "-", starting and ' +
                        "ending with a letter or digit.",
                ],
            ],
            ["istiod's maxReplicas against replicas while replicas is invalid", { istio: { istiod: { replicas: 0, maxReplicas: 1 } } }, [
                "istio.istiod.replicas: expected a whole number of at least 1, got 0.",
            ]],
            [
                "istiod's CPU request against its autoscaler while maxReplicas is invalid",
                { istio: { istiod: { maxReplicas: "2", resources: { requests: { cpu: "0" } } } } },
                ['istio.istiod.maxReplicas: expected a whole number of at least 1, got "2".'],
            ],
            [
                "a request against its limit while the limit is invalid",
                { istio: { ztunnel: { resources: { requests: { cpu: "3" }, limits: { cpu: "lots" } } } } },
                ['istio.ztunnel.resources.limits.cpu: "lots" is not a CPU quantity. Use cores ("2", "0.5") or millicores ("500m").'],
            ],
            [
                "two taints' keys and effects while the first one's value is invalid",
                { nodePool: { ...POOL, taints: [{ ...TAINT, value: "bad value" }, TAINT] } },
                [
                    'nodePool.taints[0].value: "bad value" is not a label value: at most 63 letters, digits, "-", "_" and ".", starting and ' +
                        "ending with a letter or digit.",
                ],
            ],
            [
                "Prometheus's StorageClass while the pool's StorageClass name is invalid",
                { nodePool: { ...POOL, storageClass: { name: "NVMe" } }, observability: volume({ storageClass: "nvme" }) },
                ['nodePool.storageClass.name: "NVMe" is not a StorageClass name: lowercase letters, digits, "-" and ".", at most 253, e.g. "meshstack-nvme".'],
            ],
            [
                "Prometheus's StorageClass while its volume's size is invalid",
                { observability: volume({ storageClass: "fast-ssd", size: "0" }) },
                ['observability.prometheus.persistence.size: "0" is no size for a volume: Kubernetes wants more than 0, e.g. "8Gi".'],
            ],
            [
                "Prometheus's node while the pool's provisioner is invalid",
                { nodePool: { ...POOL, storageClass: { provisioner: "Rancher.io/local-path" } }, observability: volume({ node: "node-c" }) },
                [
                    'nodePool.storageClass.provisioner: "Rancher.io/local-path" is not a qualified name: an optional DNS prefix and "/", then at ' +
                        'most 63 letters, digits, "-", "_" and ".", e.g. "meshstack.io/pool".',
                ],
            ],
            [
                "Prometheus's node while a pool node is invalid",
                { nodePool: { nodes: [...POOL.nodes, { name: "node-c", vcpus: 0, memory: "64Gi" }] }, observability: volume({ node: "node-c" }) },
                ["nodePool.nodes[2].vcpus: expected a whole number of at least 1, got 0."],
            ],
        ]);
    });

    describe("the capacity budget waits while a key it sums is invalid", () => {
        const node = (name: string, vcpus: number): Raw => ({ name, vcpus, memory: "8Gi" });
        const small = (raw: Raw): Raw => ({ nodePool: { nodes: [node("mesh-1", 2), node("mesh-2", 2)] }, ...raw });
        refusedRows([
            ["a node", { nodePool: { nodes: [node("mesh-1", 2), node("mesh-2", 2), node("mesh-3", 0)] } }, ["nodePool.nodes[2].vcpus: expected a whole number of at least 1, got 0."]],
            ["the budget", { nodePool: { nodes: [node("mesh-1", 2), node("mesh-2", 2)], budget: { maxMeshPercent: "30%" } } }, [
                'nodePool.budget.maxMeshPercent: expected a number from 1 to 100, got "30%".',
            ]],
            ["the sidecars' size", small({ istio: { proxy: { resources: { requests: { cpu: "lots" } } } } }), [
                'istio.proxy.resources.requests.cpu: "lots" is not a CPU quantity. Use cores ("2", "0.5") or millicores ("500m").',
            ]],
            ["istiod's replicas", small({ istio: { istiod: { replicas: "2" } } }), ['istio.istiod.replicas: expected a whole number of at least 1, got "2".']],
            ["the egress gateway's maximum", small({ istio: { egressGateway: { maxReplicas: "5" } } }), [
                'istio.egressGateway.maxReplicas: expected a whole number of at least 1, got "5".',
            ]],
            ["a service's replicas", small(checkout({ replicas: "3" })), ['services[0].replicas: expected a whole number of at least 0, got "3".']],
            ["Prometheus's request", small({ observability: { prometheus: { resources: { requests: { cpu: "lots" } } } } }), [
                'observability.prometheus.resources.requests.cpu: "lots" is not a CPU quantity. Use cores ("2", "0.5") or millicores ("500m").',
            ]],
        ]);
    });

    describe("a verdict whose keys are all valid is reported with an unrelated invalid key", () => {
        const unrelated = { cluster: { context: " " } };
        const rows: Array<Row<Raw>> = [
            [
                "a sidecar's memory request above the mesh's limit",
                checkout({ sidecar: { cpu: "50m", memory: "2Gi" } }),
                [
                    "services[0].sidecar.memory: 2Gi is above the mesh's sidecar memory limit 1024Mi (meshstack:istio.proxy.resources.limits.memory), " +
                        "which this sidecar would get: a limit below its request, which the API server refuses. Set memoryLimit too, or lower memory.",
                ],
            ],
            [
                "a sidecar's own CPU limit below its request",
                checkout({ sidecar: { cpu: "200m", memory: "64Mi", cpuLimit: "100m" } }),
                ["services[0].sidecar.cpuLimit: 100m is below the request 200m, which the API server refuses. Raise cpuLimit, or lower cpu."],
            ],
            [
                "a service outside the mesh namespaces",
                checkout({ namespace: "web" }),
                ['services[0].namespace: "web" is not a mesh namespace. Add it to meshstack:mesh.namespaces, or use one of: shop.'],
            ],
            [
                "a weight for a version that does not exist, and a version without one",
                checkout({ weights: { v1: 90, v3: 10 } }),
                [
                    'services[0].weights: "v2" has no weight. Give every version one (0 keeps it idle).',
                    'services[0].weights.v3: "v3" is not a version of checkout (v1, v2). Add it to versions, or remove its weight.',
                ],
            ],
            [
                "retries that outlast the timeout",
                checkout({ timeout: "1s", retries: { attempts: 1, perTryTimeout: "501ms" } }),
                [
                    "services[0].retries: 1 try + 1 retries, 501ms each, take up to 1002ms, more than the route's timeout 1s: callers give up " +
                        "before the retries end, while every retry still loads the service (a retry storm). Lower attempts or perTryTimeout, or " +
                        "raise timeout.",
                ],
            ],
            [
                "istiod's namespace as a mesh namespace",
                { mesh: { namespaces: [{ name: "istio-system" }] } },
                [
                    'mesh.namespaces[0].name: "istio-system" is istiod\'s or the egress gateway\'s namespace (meshstack:istio), which ' +
                        "meshstack runs itself. Onboard application namespaces only.",
                ],
            ],
            [
                "an allow rule naming a namespace that is not declared",
                { mesh: { namespaces: [{ name: "backend", allowFrom: [{ namespace: "shop" }] }] } },
                [
                    'mesh.namespaces[0].allowFrom[0].namespace: "shop" is not a mesh namespace, so its calls carry no identity to allow. ' +
                        "Declare it in meshstack:mesh.namespaces, or remove the rule.",
                ],
            ],
            [
                "a service's sidecar size in a namespace moved to ambient",
                { mesh: { namespaces: [{ name: "web" }, { name: "shop", dataPlane: "ambient" }] }, services: [{ ...CHECKOUT, sidecar: SIDECAR }] },
                [
                    'services[0].sidecar: sizes a sidecar, and "shop" runs ambient (meshstack:mesh.namespaces[1].dataPlane): its pods have no ' +
                        'sidecar, the ztunnel of their node carries their traffic. Remove it, or set meshstack:mesh.namespaces[1].dataPlane to "sidecar".',
                ],
            ],
            [
                "a service's retries in an ambient mesh",
                { istio: { dataPlane: "ambient" }, mesh: SHOP, services: [{ ...CHECKOUT, retries: { attempts: 2 } }] },
                [
                    'services[0].retries: "shop" runs ambient (meshstack:istio.dataPlane), where the route is an HTTPRoute, and the Gateway ' +
                        "API's standard channel (v1.6.1, which meshstack installs) has no retry field until v1.7; the waypoint would retry by " +
                        "Istio's default instead (2 attempts on connect-failure, refused-stream, unavailable, cancelled, retriable-status-codes). " +
                        'Remove the retries, or set meshstack:mesh.namespaces[0].dataPlane to "sidecar".',
                ],
            ],
            [
                "the mesh's sidecar size where no pod gets a sidecar",
                { istio: { dataPlane: "ambient", proxy: { resources: { requests: { cpu: "50m" } } } }, mesh: SHOP },
                [
                    'istio.proxy: sizes the sidecars, and no pod gets one: meshstack:istio.dataPlane is "ambient" and no namespace states "sidecar". ' +
                        "Remove it (ztunnel and the waypoints are sized on their own), or set a namespace's meshstack:mesh.namespaces[].dataPlane to \"sidecar\".",
                ],
            ],
            [
                "the demo in a namespace outside the mesh",
                { highAvailability: false, mesh: SHOP, demo: { enabled: true, namespace: "web" } },
                ['demo.namespace: "web" is not a mesh namespace. Add it to meshstack:mesh.namespaces, or choose one of them.'],
            ],
            [
                "the demo without its routing",
                { highAvailability: false, mesh: SHOP, demo: { enabled: true } },
                [
                    'demo.enabled: the demo needs its routing: add a meshstack:services entry named "helloworld" in namespace "shop", port 5000, ' +
                        "versions v1 and v2 (e.g. weights v1: 90, v2: 10).",
                ],
            ],
            [
                "the egress gateway in istiod's namespace",
                { istio: { egressGateway: { namespace: "istio-system" } } },
                [
                    'istio.egressGateway.namespace: "istio-system" is also istiod\'s namespace (meshstack:istio.namespace); the egress ' +
                        'gateway gets a namespace of its own. Set another name, e.g. "istio-egress".',
                ],
            ],
            [
                "istiod's maxReplicas below replicas",
                { istio: { istiod: { replicas: 3, maxReplicas: 2 } } },
                ["istio.istiod.maxReplicas: 2 is below replicas (3). Set it to 3 or more (equal means no autoscaler)."],
            ],
            [
                "an autoscaled istiod without a CPU request",
                { istio: { istiod: { resources: { requests: { cpu: "0" } } } } },
                [
                    "istio.istiod.resources.requests.cpu: the autoscaler (maxReplicas 5 > replicas 2) scales on CPU use relative to this " +
                        "request, and with none it never scales. Set a CPU request above 0, or set maxReplicas to replicas.",
                ],
            ],
            [
                "a request above its limit",
                { istio: { ztunnel: { resources: { requests: { cpu: "3" }, limits: { cpu: "2" } } } } },
                ['istio.ztunnel.resources.requests.cpu: "3" is above its limit "2" (meshstack:istio.ztunnel.resources.limits.cpu), which Kubernetes rejects. Lower the request or raise the limit.'],
            ],
            [
                "two taints with the same key and effect",
                { nodePool: { ...POOL, taints: [TAINT, TAINT] } },
                ['nodePool.taints[1]: another taint has key "meshstack.io/pool" and effect NoSchedule; Kubernetes allows one. Remove one.'],
            ],
            [
                "a mesh above the capacity budget",
                { nodePool: { ...POOL, budget: { maxMeshPercent: 1 } } },
                [
                    "nodePool.budget.maxMeshPercent: the mesh requests 4,540m CPU (14.2 % of the pool's 32,000m) and 4,640 MiB memory " +
                        "(3.5 % of 131,072 MiB), above the 1 % budget. Add nodes or bigger ones to meshstack:nodePool.nodes, lower " +
                        "meshstack:nodePool.budget.meshedPods or the services' replicas, the requests in meshstack:istio (proxy, istiod, " +
                        "egressGateway) or their maxReplicas, or raise this share.",
                ],
            ],
            [
                "Prometheus on another StorageClass",
                { observability: volume({ storageClass: "fast-ssd" }) },
                [
                    'observability.prometheus.persistence.storageClass: no StorageClass "fast-ssd" is declared by this stack; the volume would ' +
                        'never bind. Use the node pool\'s "meshstack-nvme" (remove the key), or switch persistence off.',
                ],
            ],
            [
                "Prometheus on a node with a provisioner that places volumes itself",
                { nodePool: { ...POOL, storageClass: { provisioner: "rancher.io/local-path" } }, observability: volume({ node: "node-b" }) },
                [
                    'observability.prometheus.persistence.node: is used only with local volumes (provisioner "kubernetes.io/no-provisioner"); ' +
                        '"rancher.io/local-path" places the volume itself. Remove the key.',
                ],
            ],
            [
                "Prometheus on a node outside the pool",
                { observability: volume({ node: "node-c" }) },
                ['observability.prometheus.persistence.node: "node-c" is not a node of the pool. Use one of "node-a", "node-b".'],
            ],
            [
                "Kiali's OpenID login without a client id",
                { observability: { kiali: { auth: { strategy: "openid", openid: { issuerUri: "https://id.example.eu" } } } } },
                ["observability.kiali.auth.openid.clientId: required with the openid strategy: set Kiali's client id at your identity provider."],
            ],
        ];
        refusedRows(rows.map(([name, raw, problems]) => [name, { ...raw, ...unrelated }, ["cluster.context: is empty. Set a value, or remove the key to use the default.", ...problems]]));
    });
});
