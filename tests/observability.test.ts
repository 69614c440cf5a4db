/**
 * Prometheus and Kiali: both charts with exact repositories, versions and values for dev and prod, the
 * Prometheus URL wiring, the signing key as a secret, the retained volume claim, the outputs, and the
 * bad input refused.
 */
import * as assert from "assert";
import { parseMeshConfig } from "../config";
import { kialiChartValues, KialiChartValues } from "../lib/addons/kiali";
import type { KialiSettings } from "../model";
import { prometheusIngress } from "../lib/addons/prometheus";
import { expectedSpread, POOL_SELECTOR } from "./expected";
import { isSecret, MOCK_RANDOM_PASSWORD, ProgramRun, RANDOM_PASSWORD_TYPE, shippedRuns } from "./harness";
import { at } from "./program-fixtures";

const POOL_PLACEMENT = { nodeSelector: POOL_SELECTOR, tolerations: [], priorityClassName: "meshstack-mesh-critical" };

function prometheusValues(retention: string, persistentVolume: object, resources: object): object {
    return {
        alertmanager: { enabled: false },
        "prometheus-pushgateway": { enabled: false },
        "kube-state-metrics": { enabled: false },
        "prometheus-node-exporter": { enabled: false },
        configmapReload: {
            prometheus: { resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } } },
        },
        server: {
            fullnameOverride: "prometheus",
            podLabels: { "sidecar.istio.io/inject": "false" },
            retention,
            persistentVolume,
            resources,
            service: { servicePort: 9090 },
            global: { scrape_interval: "15s" },
            ...POOL_PLACEMENT,
            topologySpreadConstraints: expectedSpread({ "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/component": "server" }),
            securityContext: { fsGroupChangePolicy: "OnRootMismatch" },
        },
    };
}

function kialiValues(strategy: string, resources: object): object {
    return {
        auth: { strategy },
        clustering: { autodetect_secrets: { enabled: false } },
        deployment: {
            cluster_wide_access: true,
            pod_labels: { "sidecar.istio.io/inject": "false" },
            resources,
            node_selector: POOL_PLACEMENT.nodeSelector,
            tolerations: [],
            priority_class_name: "meshstack-mesh-critical",
            topology_spread_constraints: expectedSpread({ "app.kubernetes.io/name": "kiali" }),
        },
        external_services: {
            prometheus: { url: "http://prometheus.istio-system.svc.cluster.local:9090" },
            tracing: { enabled: false },
            grafana: { enabled: false },
        },
        login_token: { signing_key: "secret:kiali-signing-key:key" },
    };
}

describe("observability", () => {
    let dev: ProgramRun;
    let prod: ProgramRun;

    beforeEach(async () => ({ dev, prod } = await shippedRuns()));

    it("prod: Prometheus from prometheus-community 29.27.0, 15 days on a 50Gi NVMe volume", () => {
        assert.deepStrictEqual(prod.resource("meshstack-observability-prometheus").inputs, {
            chart: "prometheus",
            version: "29.27.0",
            repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
            name: "prometheus",
            namespace: "istio-system",
            values: prometheusValues(
                "15d",
                { enabled: true, size: "50Gi", storageClass: "meshstack-nvme" },
                // Sized from prod's 45 proxies: 512Mi + 45 × 2.86 MiB, in 64Mi steps.
                { requests: { cpu: "500m", memory: "704Mi" }, limits: { cpu: "2000m", memory: "4Gi" } },
            ),
        });
    });

    it("dev: Prometheus for 2 days without a volume, small", () => {
        assert.deepStrictEqual(
            dev.resource("meshstack-observability-prometheus").inputs.values,
            prometheusValues("2d", { enabled: false }, { requests: { cpu: "100m", memory: "576Mi" }, limits: { cpu: "1000m", memory: "2Gi" } }),
        );
    });

    it("prod: Kiali from kiali.org 2.29.0 with token login, reading our Prometheus", () => {
        assert.deepStrictEqual(prod.resource("meshstack-observability-kiali").inputs, {
            chart: "kiali-server",
            version: "2.29.0",
            repositoryOpts: { repo: "https://kiali.org/helm-charts" },
            name: "kiali",
            namespace: "istio-system",
            values: kialiValues("token", { requests: { cpu: "30m", memory: "128Mi" }, limits: { cpu: "1000m", memory: "1Gi" } }),
        });
    });

    it("dev: Kiali anonymous, small", () => {
        assert.deepStrictEqual(
            dev.resource("meshstack-observability-kiali").inputs.values,
            kialiValues("anonymous", { requests: { cpu: "10m", memory: "64Mi" }, limits: { cpu: "500m", memory: "1Gi" } }),
        );
    });

    it("keeps Kiali's signing key stable and secret: a RandomPassword in a Secret the chart mounts", () => {
        const password = prod.resource("meshstack-observability-kiali-signing-key");
        assert.deepStrictEqual([password.type, password.inputs], [RANDOM_PASSWORD_TYPE, { length: 32, special: false }]);
        const secret = prod.resource("meshstack-observability-kiali-signing-key-secret");
        assert.deepStrictEqual(secret.inputs.metadata, {
            name: "kiali-signing-key",
            namespace: "istio-system",
            labels: { "app.kubernetes.io/part-of": "meshstack" },
        });
        // The engine receives the key as a secret (encrypted in state), never in plain text.
        assert.ok(isSecret(secret.inputs.stringData));
        assert.deepStrictEqual(secret.inputs.stringData.value, { key: MOCK_RANDOM_PASSWORD });
        // Nowhere else: not in any chart's values, not in the outputs.
        const elsewhere = prod.resources.filter((resource) => resource.name !== secret.name && JSON.stringify(resource.inputs).includes(MOCK_RANDOM_PASSWORD));
        assert.deepStrictEqual(elsewhere, []);
        assert.ok(!JSON.stringify(prod.outputs).includes(MOCK_RANDOM_PASSWORD));
    });

    it("prod: declares Prometheus's local volume on the first pool node, reserved for its claim, and starts Prometheus after it", () => {
        const labels = { "app.kubernetes.io/name": "meshstack-local-volume", "app.kubernetes.io/instance": "prometheus", "app.kubernetes.io/part-of": "meshstack" };
        assert.deepStrictEqual(prod.resource("meshstack-pool-volume-prometheus-volume").inputs, {
            apiVersion: "v1",
            kind: "PersistentVolume",
            metadata: { name: "meshstack-prometheus", labels },
            spec: {
                capacity: { storage: "50Gi" },
                accessModes: ["ReadWriteOnce"],
                volumeMode: "Filesystem",
                persistentVolumeReclaimPolicy: "Retain",
                storageClassName: "meshstack-nvme",
                // The claim the chart renders: `server.fullnameOverride` in istiod's namespace.
                claimRef: { namespace: "istio-system", name: "prometheus" },
                local: { path: "/mnt/nvme/meshstack-volumes/prometheus" },
                nodeAffinity: {
                    required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["mesh-1"] }] }] },
                },
            },
        });
        const folder = prod.resource("meshstack-pool-volume-prometheus-folder");
        assert.deepStrictEqual(folder.dependsOn, ["meshstack-pool-preflight-namespace", "meshstack-pool-nvme"]);
        assert.deepStrictEqual(at(folder.inputs, "spec.template.spec.nodeName"), "mesh-1");
        assert.deepStrictEqual(at(folder.inputs, "spec.template.spec.volumes"), [
            { name: "folder", hostPath: { path: "/mnt/nvme/meshstack-volumes/prometheus", type: "DirectoryOrCreate" } },
        ]);
        assert.deepStrictEqual(prod.resource("meshstack-pool-volume-prometheus-volume").dependsOn, [
            "meshstack-pool-volume-prometheus-folder",
            "meshstack-pool-preflight-namespace",
            "meshstack-pool-nvme",
        ]);
        assert.deepStrictEqual(prod.resource("meshstack-observability-prometheus").dependsOn, ["meshstack-istio", "meshstack-pool-volume-prometheus"]);
    });

    it("deletes the volume object with the stack (its folder stays), so the next up binds a new claim to the same data", () => {
        const volume = prod.resource("meshstack-pool-volume-prometheus-volume");
        // The controller owns the claimRef once bound: meshstack never applies it again.
        assert.deepStrictEqual([volume.options, volume.provider], [{ ignoreChanges: ["spec.claimRef"] }, "meshstack-cluster"]);
        const claim = prod.resource("meshstack-observability-prometheus");
        assert.deepStrictEqual([claim.options, claim.transforms.map((transform) => transform.name)], [{}, ["adopt PersistentVolumeClaim, ready once Bound"]]);
    });

    it("keeps the claim with the adopting provider, not retained, ready once Bound to its pre-bound volume", async () => {
        const [transform] = prod.resource("meshstack-observability-prometheus").transforms;
        const claim = await transform({ custom: true, type: "kubernetes:core/v1:PersistentVolumeClaim", name: "prometheus", props: { metadata: { name: "prometheus" } }, opts: {} });
        assert.deepStrictEqual(claim?.props, { metadata: { name: "prometheus", annotations: { "pulumi.com/waitFor": "jsonpath={.status.phase}=Bound" } } });
        assert.deepStrictEqual(Object.keys(claim?.opts ?? {}), ["provider"]);
        assert.strictEqual(prod.nameOf(claim?.opts?.provider as never), "meshstack-cluster-retained");
        assert.strictEqual(await transform({ custom: true, type: "kubernetes:apps/v1:Deployment", name: "prometheus", props: {}, opts: {} }), undefined);
        // dev has no volume: the claim, were persistence switched on with a provisioner, keeps Pulumi's own wait.
        assert.deepStrictEqual(dev.resource("meshstack-observability-prometheus").transforms.map((entry) => entry.name), ["adopt PersistentVolumeClaim"]);
    });

    it("admits only Kiali to Prometheus's port: its lifecycle API could stop it", () => {
        assert.deepStrictEqual(prod.resource("meshstack-observability-prometheus-ingress").inputs, {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: "meshstack-prometheus-ingress", namespace: "istio-system", labels: { "app.kubernetes.io/part-of": "meshstack" } },
            spec: {
                podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/component": "server" } },
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        from: [
                            {
                                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-system" } },
                                podSelector: { matchLabels: { "app.kubernetes.io/name": "kiali" } },
                            },
                        ],
                        ports: [{ protocol: "TCP", port: 9090 }],
                    },
                ],
            },
        });
    });

    it("and the sources listed, in a stable order", () => {
        const policy = prometheusIngress("istio-system", [
            { namespace: "monitoring", podLabels: { "app.kubernetes.io/name": "grafana" } },
            { namespace: "batch" },
        ]);
        assert.deepStrictEqual(policy.spec.ingress?.[0].from, [
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-system" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "kiali" } } },
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "batch" } } },
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "grafana" } } },
        ]);
        const reversed = prometheusIngress("istio-system", [{ namespace: "batch" }, { namespace: "monitoring", podLabels: { "app.kubernetes.io/name": "grafana" } }]);
        assert.deepStrictEqual(reversed, policy);
    });

    it("dev: no volume without persistence", () => {
        assert.deepStrictEqual(dev.ofType("kubernetes:core/v1:PersistentVolume"), []);
        assert.deepStrictEqual(dev.resource("meshstack-observability-prometheus").dependsOn, ["meshstack-istio"]);
    });

    it("exports both URLs and the port-forward commands, from the charts' own names", () => {
        assert.deepStrictEqual(prod.outputs.observability, {
            prometheusUrl: "http://prometheus.istio-system.svc.cluster.local:9090",
            kialiUrl: "http://kiali.istio-system.svc.cluster.local:20001",
            portForward: {
                kiali: "kubectl port-forward svc/kiali -n istio-system 20001:20001",
                prometheus: "kubectl port-forward svc/prometheus -n istio-system 9090:9090",
            },
        });
    });
});

describe("observability config errors", () => {
    const POOL = { nodes: [1, 2].map((n) => ({ name: `mesh-${n}`, vcpus: 16, memory: "64Gi" })) };
    const header = (count: number): string =>
        `meshstack: the config of stack "prod" has ${count === 1 ? "1 problem" : `${count} problems`}; nothing was changed. ` +
        "Fix them in Pulumi.prod.yaml:";

    function errorOf(observability: Record<string, unknown>): string {
        try {
            parseMeshConfig({ nodePool: POOL, observability }, "prod");
        } catch (error) {
            return (error as Error).message;
        }
        throw new Error("expected a config error, got none");
    }

    const cases: Array<[string, Record<string, unknown>, string]> = [
        [
            "an unknown auth strategy",
            { kiali: { auth: { strategy: "password" } } },
            '  - meshstack:observability.kiali.auth.strategy: expected one of "anonymous", "token", "openid", got "password".',
        ],
        [
            "openid without issuer and client id",
            { kiali: { auth: { strategy: "openid" } } },
            "  - meshstack:observability.kiali.auth.openid.issuerUri: required with the openid strategy: set Kiali's issuer URL at your identity provider.\n" +
                "  - meshstack:observability.kiali.auth.openid.clientId: required with the openid strategy: set Kiali's client id at your identity provider.",
        ],
        [
            "anonymous in a highly available stack",
            { kiali: { auth: { strategy: "anonymous" } } },
            "  - meshstack:observability.kiali.auth.strategy: anonymous lets anyone who reaches Kiali see and change the mesh; a highly available stack needs a login. Set token or openid.",
        ],
        [
            "a retention that is not a Prometheus duration",
            { prometheus: { retention: "15 days" } },
            '  - meshstack:observability.prometheus.retention: "15 days" is not a Prometheus duration. Use a number and a unit: "15d", "12h", "2w" (or combined, "1d12h").',
        ],
        [
            "a volume size that is not a quantity",
            { prometheus: { persistence: { size: "50GB" } } },
            '  - meshstack:observability.prometheus.persistence.size: "50GB" is not a memory quantity. Use bytes with a suffix, e.g. "128Mi", "1Gi" or "512M".',
        ],
        [
            "a volume on a node outside the pool",
            { prometheus: { persistence: { node: "mesh-9" } } },
            '  - meshstack:observability.prometheus.persistence.node: "mesh-9" is not a node of the pool. Use one of "mesh-1", "mesh-2".',
        ],
        [
            "a volume on a StorageClass the stack does not declare",
            { prometheus: { persistence: { storageClass: "fast-ssd" } } },
            '  - meshstack:observability.prometheus.persistence.storageClass: no StorageClass "fast-ssd" is declared by this stack; the volume would never bind. Use the node pool\'s "meshstack-nvme" (remove the key), or switch persistence off.',
        ],
    ];
    for (const [name, observability, problems] of cases) {
        it(`refuses ${name}`, () => {
            assert.strictEqual(errorOf(observability), `${header(problems.split("\n").length)}\n${problems}`);
        });
    }

    it("accepts openid with its issuer and client id", () => {
        const config = parseMeshConfig(
            { nodePool: POOL, observability: { kiali: { auth: { strategy: "openid", openid: { issuerUri: "https://id.example.eu", clientId: "kiali" } } } } },
            "prod",
        );
        assert.deepStrictEqual(config.observability.kiali.auth, {
            strategy: "openid",
            openid: { issuerUri: "https://id.example.eu", clientId: "kiali" },
        });
        const values = kialiChartValues(config.observability.kiali, "istio-system", POOL_PLACEMENT);
        assert.deepStrictEqual(values.auth, { strategy: "openid", openid: { issuer_uri: "https://id.example.eu", client_id: "kiali" } });
    });

    // Kiali's auth values for each strategy: the OpenID provider only with openid.
    const OPENID = { issuerUri: "https://id.example.eu", clientId: "kiali" };
    const auths: Array<[string, KialiSettings["auth"], KialiChartValues["auth"]]> = [
        ["token: no provider, even one configured", { strategy: "token", openid: OPENID }, { strategy: "token" }],
        ["anonymous", { strategy: "anonymous", openid: {} }, { strategy: "anonymous" }],
        ["openid: its issuer and client id", { strategy: "openid", openid: OPENID }, { strategy: "openid", openid: { issuer_uri: "https://id.example.eu", client_id: "kiali" } }],
        // Config refuses openid without them (above); the values never carry "undefined".
        ["openid without issuer or client id: empty", { strategy: "openid", openid: {} }, { strategy: "openid", openid: { issuer_uri: "", client_id: "" } }],
    ];
    for (const [name, auth, values] of auths) {
        it(`gives Kiali its login, ${name}`, () => {
            const resources = { requests: { cpu: "10m", memory: "64Mi" }, limits: { cpu: "500m", memory: "1Gi" } };
            assert.deepStrictEqual(kialiChartValues({ auth, resources }, "istio-system", POOL_PLACEMENT).auth, values);
        });
    }
});
