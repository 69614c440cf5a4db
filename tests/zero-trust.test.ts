/**
 * Zero trust and egress control in the real program: the mesh namespaces' objects, the mesh-wide mTLS
 * default, the egress allowlist through the egress gateway, the audit outputs, and the bad input refused.
 */
import * as assert from "assert";
import { entryName } from "../lib/egress";
import { allowFrom, allowPlaintextPort, sidecarImports, sidecarScope } from "../lib/zero-trust";
import { overriddenProdRun, ProgramRun, stackRun, shippedRuns } from "./harness";

const PART_OF = { "app.kubernetes.io/part-of": "meshstack" };
const GATEWAY_HOST = "istio-egressgateway.istio-egress.svc.cluster.local";

function istio(kind: string, name: string, namespace: string, spec: unknown, extra: Record<string, unknown> = {}): object {
    const group = ["PeerAuthentication", "AuthorizationPolicy"].includes(kind) ? "security.istio.io/v1" : "networking.istio.io/v1";
    return { apiVersion: group, kind, metadata: { name, namespace, labels: PART_OF, ...extra }, spec };
}

describe("zero trust", () => {
    let dev: ProgramRun;
    let prod: ProgramRun;

    beforeEach(async () => ({ dev, prod } = await shippedRuns()));

    it("enforces STRICT mTLS mesh-wide, in istiod's (root) namespace", () => {
        for (const run of [dev, prod]) {
            assert.deepStrictEqual(
                run.resource("meshstack-istio-mesh-mtls").inputs,
                istio("PeerAuthentication", "default", "istio-system", { mtls: { mode: "STRICT" } }),
            );
        }
    });

    it("sets REGISTRY_ONLY in istiod's mesh config", () => {
        for (const run of [dev, prod]) {
            const values = run.resource("meshstack-istio-istiod").inputs.values as { meshConfig: unknown };
            assert.deepStrictEqual(values.meshConfig, { outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } });
        }
    });

    it("prod: creates each namespace with sidecar injection, STRICT, default-deny with its allow rules", () => {
        assert.deepStrictEqual(prod.resource("meshstack-ns-backend-namespace").inputs, {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: { name: "backend", labels: { ...PART_OF, "istio-injection": "enabled" } },
        });
        assert.deepStrictEqual(
            prod.resource("meshstack-ns-backend-peer-authentication").inputs,
            istio("PeerAuthentication", "default", "backend", { mtls: { mode: "STRICT" } }),
        );
        assert.deepStrictEqual(prod.resource("meshstack-ns-backend-deny-all").inputs, istio("AuthorizationPolicy", "deny-all", "backend", {}));
        assert.deepStrictEqual(
            prod.resource("meshstack-ns-backend-allow-from").inputs,
            istio("AuthorizationPolicy", "allow-from-config", "backend", {
                action: "ALLOW",
                rules: [
                    {
                        // Sorted by namespace, then service account: the order of allowFrom does not matter.
                        from: [
                            { source: { namespaces: ["backend"] } },
                            { source: { principals: ["cluster.local/ns/shop/sa/checkout"] } },
                        ],
                    },
                ],
            }),
        );
    });

    it("scopes each namespace's proxies to its own namespace, istiod's, the egress gateway's, cluster DNS's and those it may call", () => {
        // prod: backend allows calls from shop (checkout), so shop's proxies need backend's services; shop
        // allows only itself, so backend's proxies do not get shop's.
        assert.deepStrictEqual(
            prod.resource("meshstack-ns-shop-sidecar").inputs,
            istio("Sidecar", "default", "shop", { egress: [{ hosts: ["./*", "istio-system/*", "istio-egress/*", "kube-system/*", "backend/*"] }] }),
        );
        assert.deepStrictEqual(
            (prod.resource("meshstack-ns-backend-sidecar").inputs.spec as { egress: Array<{ hosts: string[] }> }).egress[0].hosts,
            ["./*", "istio-system/*", "istio-egress/*", "kube-system/*"],
        );
        // dev: no default deny, so every namespace may call every other.
        assert.deepStrictEqual(
            (dev.resource("meshstack-ns-backend-sidecar").inputs.spec as { egress: Array<{ hosts: string[] }> }).egress[0].hosts,
            ["./*", "istio-system/*", "istio-egress/*", "kube-system/*", "shop/*"],
        );
    });

    it("under default deny, allows an exception's plain-text port to any caller (it has no mTLS identity)", () => {
        assert.deepStrictEqual(
            allowPlaintextPort("backend", { workload: "legacy-reports", port: 8080, reason: "no sidecar yet" }),
            istio(
                "AuthorizationPolicy",
                "allow-plaintext-legacy-reports-8080",
                "backend",
                { selector: { matchLabels: { app: "legacy-reports" } }, action: "ALLOW", rules: [{ to: [{ operation: { ports: ["8080"] } }] }] },
                { annotations: { "meshstack.io/mtls-exception-reason": "no sidecar yet" } },
            ),
        );
    });

    const reach: Array<[string, string, string[]]> = [
        // a: no default deny; b: default deny, allows c; c: default deny, allows a.
        ["b imports a (open to all), not c (which allows only a)", "b", ["a/*"]],
        ["a imports c (which allows it), not b", "a", ["c/*"]],
        ["c imports a (open) and b (which allows c)", "c", ["a/*", "b/*"]],
    ];
    for (const [name, namespace, imports] of reach) {
        it(`Sidecar imports: ${name}`, () => {
            const namespaces = [
                { name: "a", defaultDeny: false, allowFrom: [] },
                { name: "b", defaultDeny: true, allowFrom: [{ namespace: "c" }] },
                { name: "c", defaultDeny: true, allowFrom: [{ namespace: "a" }] },
            ];
            assert.deepStrictEqual(sidecarImports(namespaces).get(namespace), imports);
        });
    }

    it("Sidecar imports, for many namespaces: the same as checking every namespace against every other", () => {
        // 40 namespaces, every third open, each closed one allowing the next two (and itself, which is no import).
        const namespaces = Array.from({ length: 40 }, (_, index) => ({
            name: `ns-${String(index).padStart(2, "0")}`,
            defaultDeny: index % 3 !== 0,
            allowFrom: [index, (index + 1) % 40, (index + 2) % 40].map((other) => ({ namespace: `ns-${String(other).padStart(2, "0")}` })),
        }));
        const pairwise = (namespace: string): string[] =>
            namespaces
                .filter((other) => other.name !== namespace && (!other.defaultDeny || other.allowFrom.some((source) => source.namespace === namespace)))
                .map((other) => `${other.name}/*`)
                .sort();
        const imports = sidecarImports(namespaces);
        assert.deepStrictEqual([...imports.keys()], namespaces.map((namespace) => namespace.name));
        for (const namespace of namespaces) {
            assert.deepStrictEqual(imports.get(namespace.name), pairwise(namespace.name), namespace.name);
        }
        assert.deepStrictEqual(imports.get("ns-05"), [...namespaces.filter((_, index) => index % 3 === 0).map((namespace) => `${namespace.name}/*`), "ns-04/*"].sort());
    });

    it("lets a namespace's pods reach only DNS, istiod, the egress gateway and the namespaces they may call", () => {
        const dns = {
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
            ports: [
                { protocol: "UDP", port: 53 },
                { protocol: "TCP", port: 53 },
            ],
        };
        const istiod = {
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-system" } }, podSelector: { matchLabels: { app: "istiod" } } }],
            ports: [{ protocol: "TCP", port: 15012 }],
        };
        // The one port the sidecars send to the egress gateway (its Service's 443 is the pods' 443).
        const gateway = {
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-egress" } }, podSelector: { matchLabels: { istio: "egressgateway" } } }],
            ports: [{ protocol: "TCP", port: 443 }],
        };
        const namespaces = (...names: string[]): object => ({ to: names.map((name) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } })) });
        assert.deepStrictEqual(prod.resource("meshstack-ns-shop-egress-lockdown").inputs, {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: "meshstack-egress-lockdown", namespace: "shop", labels: PART_OF },
            // shop may call backend (backend allows it): its own namespace and backend, in name order.
            spec: { podSelector: {}, policyTypes: ["Egress"], egress: [dns, istiod, gateway, namespaces("backend", "shop")] },
        });
        // backend allows shop in, but may call no other namespace.
        assert.deepStrictEqual((prod.resource("meshstack-ns-backend-egress-lockdown").inputs.spec as { egress: object[] }).egress, [dns, istiod, gateway, namespaces("backend")]);
        // The egress gateway's namespace is the only one with no such policy: the only way out.
        const locked = prod
            .ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .filter((policy) => policy.name.endsWith("-egress-lockdown"))
            .map((policy) => (policy.inputs.metadata as { namespace: string }).namespace);
        assert.deepStrictEqual(locked, ["shop", "backend"]);
    });

    it("dev: no default deny without highAvailability, and a reasoned PERMISSIVE port", () => {
        assert.deepStrictEqual(dev.ofType("kubernetes:security.istio.io/v1:AuthorizationPolicy"), []);
        assert.deepStrictEqual(
            dev.resource("meshstack-ns-backend-permissive-legacy-reports").inputs,
            istio(
                "PeerAuthentication",
                "permissive-legacy-reports",
                "backend",
                { selector: { matchLabels: { app: "legacy-reports" } }, mtls: { mode: "STRICT" }, portLevelMtls: { "8080": { mode: "PERMISSIVE" } } },
                { annotations: { "meshstack.io/mtls-exception-reason": "The nightly report job has no sidecar yet; remove once it is meshed." } },
            ),
        );
    });

    it("adopts an existing namespace by labelling it, never creating (or deleting) it", async () => {
        const run = await overriddenProdRun();
        assert.deepStrictEqual(run.resource("meshstack-ns-shop-namespace"), {
            ...run.resource("meshstack-ns-shop-namespace"),
            type: "kubernetes:core/v1:NamespacePatch",
            inputs: { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: { ...PART_OF, "istio-injection": "enabled" } } },
        });
        assert.strictEqual(run.resource("meshstack-ns-backend-namespace").type, "kubernetes:core/v1:Namespace");
    });

    it("exports every mTLS exception with its reason, and the egress allowlist, for auditors", () => {
        assert.deepStrictEqual(dev.outputs.mtls, {
            mode: "STRICT",
            exceptions: [
                {
                    namespace: "backend",
                    workload: "legacy-reports",
                    port: 8080,
                    reason: "The nightly report job has no sidecar yet; remove once it is meshed.",
                },
            ],
        });
        assert.deepStrictEqual(prod.outputs.mtls, { mode: "STRICT", exceptions: [] });
        assert.deepStrictEqual(prod.outputs.egress, {
            outboundTrafficPolicy: "REGISTRY_ONLY",
            allowlist: [{ host: "api.stripe.com", port: 443, protocol: "TLS", reason: "Card payments (Stripe, EU data processing agreement)" }],
        });
    });
});

describe("egress allowlist", () => {
    let dev: ProgramRun;

    beforeEach(async () => {
        dev = await stackRun("dev");
    });

    it("registers each host (DNS resolution at the gateway, outside the mesh)", () => {
        assert.deepStrictEqual(
            dev.resource("meshstack-egress-allowlist-api-stripe-com-service-entry").inputs,
            istio("ServiceEntry", "egress-api-stripe-com", "istio-egress", {
                hosts: ["api.stripe.com"],
                ports: [{ number: 443, name: "tls-443", protocol: "TLS" }],
                resolution: "DNS",
                location: "MESH_EXTERNAL",
            }),
        );
        assert.deepStrictEqual(
            (dev.resource("meshstack-egress-allowlist-deb-debian-org-service-entry").inputs.spec as { ports: unknown }).ports,
            [{ number: 80, name: "http-80", protocol: "HTTP" }],
        );
    });

    it("opens the egress gateway per host: TLS passed through by SNI, HTTP only over Istio mTLS", () => {
        assert.deepStrictEqual(
            dev.resource("meshstack-egress-allowlist-gateway").inputs,
            istio("Gateway", "meshstack-egress", "istio-egress", {
                selector: { istio: "egressgateway" },
                servers: [
                    { port: { number: 443, name: "tls-api-stripe-com", protocol: "TLS" }, hosts: ["api.stripe.com"], tls: { mode: "PASSTHROUGH" } },
                    {
                        port: { number: 443, name: "https-deb-debian-org", protocol: "HTTPS" },
                        hosts: ["deb.debian.org"],
                        tls: { mode: "ISTIO_MUTUAL" },
                    },
                ],
            }),
        );
        assert.deepStrictEqual(
            dev.resource("meshstack-egress-allowlist-gateway-destination").inputs,
            istio("DestinationRule", "meshstack-egress-gateway", "istio-egress", {
                host: GATEWAY_HOST,
                subsets: [
                    { name: "api-stripe-com" },
                    {
                        name: "deb-debian-org",
                        trafficPolicy: {
                            portLevelSettings: [{ port: { number: 443 }, tls: { mode: "ISTIO_MUTUAL", sni: "deb.debian.org" } }],
                        },
                    },
                ],
            }),
        );
    });

    it("routes a TLS host from every sidecar to the gateway and from the gateway out, by SNI", () => {
        assert.deepStrictEqual(
            dev.resource("meshstack-egress-allowlist-api-stripe-com-route").inputs,
            istio("VirtualService", "egress-api-stripe-com", "istio-egress", {
                hosts: ["api.stripe.com"],
                gateways: ["mesh", "meshstack-egress"],
                tls: [
                    {
                        match: [{ gateways: ["mesh"], port: 443, sniHosts: ["api.stripe.com"] }],
                        route: [{ destination: { host: GATEWAY_HOST, subset: "api-stripe-com", port: { number: 443 } } }],
                    },
                    {
                        match: [{ gateways: ["meshstack-egress"], port: 443, sniHosts: ["api.stripe.com"] }],
                        route: [{ destination: { host: "api.stripe.com", port: { number: 443 } }, weight: 100 }],
                    },
                ],
            }),
        );
    });

    it("routes an HTTP host to the gateway's mTLS port and from there to the host's port", () => {
        assert.deepStrictEqual(
            dev.resource("meshstack-egress-allowlist-deb-debian-org-route").inputs,
            istio("VirtualService", "egress-deb-debian-org", "istio-egress", {
                hosts: ["deb.debian.org"],
                gateways: ["mesh", "meshstack-egress"],
                http: [
                    {
                        match: [{ gateways: ["mesh"], port: 80 }],
                        route: [{ destination: { host: GATEWAY_HOST, subset: "deb-debian-org", port: { number: 443 } }, weight: 100 }],
                    },
                    {
                        match: [{ gateways: ["meshstack-egress"], port: 443 }],
                        route: [{ destination: { host: "deb.debian.org", port: { number: 80 } }, weight: 100 }],
                    },
                ],
            }),
        );
    });
});

describe("zero-trust objects in a stable order", () => {
    const sources = [{ namespace: "web", serviceAccount: "api" }, { namespace: "web" }, { namespace: "web", serviceAccount: "1-batch" }];
    const orders = [sources, [...sources].reverse(), [sources[1], sources[2], sources[0]]];
    for (const [index, order] of orders.entries()) {
        it(`lists the callers of an ALLOW policy the same way whatever their order (${index + 1}): the namespace first, then its service accounts`, () => {
            assert.deepStrictEqual(allowFrom("shop", order).spec.rules, [
                {
                    from: [
                        { source: { namespaces: ["web"] } },
                        { source: { principals: ["cluster.local/ns/web/sa/1-batch"] } },
                        { source: { principals: ["cluster.local/ns/web/sa/api"] } },
                    ],
                },
            ]);
        });
    }

    it("adds a Sidecar's extra hosts once each, sorted, after the hosts it always has", () => {
        assert.deepStrictEqual(sidecarScope("shop", "istio-system", "istio-egress", ["b/x.com", "./*", "a/y.com", "b/x.com"]).spec, {
            egress: [{ hosts: ["./*", "istio-system/*", "istio-egress/*", "kube-system/*", "a/y.com", "b/x.com"] }],
        });
    });
});

describe("the names of an allowlisted host's objects", () => {
    // At most 50 characters: the objects' names add a prefix (`egress-`), and a DNS label holds 63.
    const cases: Array<[string, string, string]> = [
        ["a host of 50 characters: its dots as dashes", `${"a".repeat(46)}.com`, `${"a".repeat(46)}-com`],
        ["a host of 51: cut to 41, with a hash of the host", `${"a".repeat(47)}.com`, `${"a".repeat(41)}-32f8049d`],
        ["a cut after a dot: no dash before the hash's", `${"a".repeat(20)}.${"b".repeat(19)}.example.com`, `${"a".repeat(20)}-${"b".repeat(19)}-706bb79d`],
        ["a cut inside a label's dashes (xn--): none of them kept", `${"a".repeat(39)}--b.example.com`, `${"a".repeat(39)}-ec9180e4`],
    ];
    for (const [title, host, name] of cases) {
        it(title, () => assert.strictEqual(entryName(host), name));
    }
});
