/**
 * What a mesh namespace's pods may reach (lib/zero-trust.ts): the egress lockdown's rules for NodeLocal
 * DNSCache and for a Sidecar that imports any namespace, the namespaces a Sidecar's hosts name, and the
 * `meshstack:cluster.nodeLocalDnsAddress` key.
 */
import * as assert from "assert";
import { parseMeshConfig } from "../config";
import { egressLockdown, EgressReach, hostNamespaces } from "../lib/zero-trust";
import { SIDECAR_RESOURCES } from "./expected";
import { runProgram, stackConfig } from "./harness";

const REACH: EgressReach = {
    istiod: { namespace: "istio-system", labels: { app: "istiod" } },
    egressGateway: { namespace: "istio-egress", labels: { istio: "egressgateway" }, port: 443 },
    dns: {},
    namespaces: [],
};

describe("network policy of a mesh namespace", () => {
    it("with NodeLocal DNSCache: its address too, on UDP and TCP 53", () => {
        const policy = egressLockdown("shop", { ...REACH, dns: { nodeLocalAddress: "169.254.25.10" } });
        assert.deepStrictEqual(policy.spec.egress?.[0], {
            to: [
                { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } },
                { ipBlock: { cidr: "169.254.25.10/32" } },
            ],
            ports: [
                { protocol: "UDP", port: 53 },
                { protocol: "TCP", port: 53 },
            ],
        });
    });

    const callable: Array<[string, string[], object[]]> = [
        ["none: its own namespace only", [], [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "shop" } } }]],
        [
            "two, given out of order and once twice: sorted, once each",
            ["payments", "backend", "payments"],
            ["backend", "payments", "shop"].map((name) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } })),
        ],
        ["any (a Sidecar host `*/…`): every namespace", ["backend", "*"], [{ namespaceSelector: {} }]],
    ];
    for (const [name, namespaces, to] of callable) {
        it(`the namespaces it may call: ${name}`, () => {
            assert.deepStrictEqual(egressLockdown("shop", { ...REACH, namespaces }).spec.egress?.[3], { to });
        });
    }

    const hosts: Array<[string[], string[]]> = [
        [["backend/*", "./*"], ["backend"]],
        [["shared/cache.shared.svc.cluster.local", "backend/*", "shared/*"], ["backend", "shared"]],
        [["~/*", "*/api.example.com"], ["*"]],
        [[], []],
    ];
    for (const [given, namespaces] of hosts) {
        it(`the namespaces of Sidecar hosts ${JSON.stringify(given)}: ${JSON.stringify(namespaces)}`, () => {
            assert.deepStrictEqual(hostNamespaces(given), namespaces);
        });
    }

    it("prod with NodeLocal DNSCache: every mesh namespace's policy lets pods reach it", async () => {
        const run = await runProgram("prod", {
            ...stackConfig("prod"),
            "meshstack:cluster": JSON.stringify({ ...(JSON.parse(stackConfig("prod")["meshstack:cluster"] ?? "{}") as object), nodeLocalDnsAddress: "169.254.20.10" }),
        });
        for (const policy of run.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((entry) => entry.name.endsWith("-egress-lockdown"))) {
            const dns = (policy.inputs.spec as { egress: Array<{ to: object[] }> }).egress[0];
            assert.deepStrictEqual(dns.to[1], { ipBlock: { cidr: "169.254.20.10/32" } }, policy.name);
        }
        // DNS over TCP to it bypasses the sidecars: under REGISTRY_ONLY an address of no Service is the black hole.
        const values = run.resource("meshstack-istio-istiod").inputs.values as { global: { proxy: object } };
        assert.deepStrictEqual(values.global.proxy, { resources: SIDECAR_RESOURCES, excludeIPRanges: "169.254.20.10/32" });
    });

    it("lets a mesh namespace that may query Prometheus reach it, and no other", async () => {
        const config = stackConfig("prod");
        const observability = JSON.parse(config["meshstack:observability"] ?? "{}") as { prometheus?: object };
        const run = await runProgram("prod", {
            ...config,
            "meshstack:observability": JSON.stringify({ ...observability, prometheus: { ...observability.prometheus, allowFrom: [{ namespace: "shop" }] } }),
        });
        const egress = (name: string): object[] => (run.resource(name).inputs.spec as { egress: object[] }).egress;
        assert.deepStrictEqual(egress("meshstack-ns-shop-egress-lockdown")[4], {
            to: [
                {
                    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-system" } },
                    podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/component": "server" } },
                },
            ],
            ports: [{ protocol: "TCP", port: 9090 }],
        });
        assert.strictEqual(egress("meshstack-ns-backend-egress-lockdown").length, 4);
    });

    it("refuses a NodeLocal DNSCache address that is no IPv4 address", () => {
        assert.throws(
            () =>
                parseMeshConfig(
                    { nodePool: { nodes: [1, 2].map((n) => ({ name: `mesh-${n}`, vcpus: 16, memory: "64Gi" })) }, cluster: { nodeLocalDnsAddress: "169.254.25" } },
                    "prod",
                ),
            {
                message:
                    'meshstack: the config of stack "prod" has 1 problem; nothing was changed. Fix them in Pulumi.prod.yaml:\n' +
                    '  - meshstack:cluster.nodeLocalDnsAddress: "169.254.25" is not an IPv4 address. Set the address pods resolve through (`nameserver` in a pod\'s /etc/resolv.conf), e.g. "169.254.25.10".',
            },
        );
    });
});
