/** Zero trust and egress control's bad config, each refused with the key and the fix. */
import * as assert from "assert";
import { parseMeshConfig } from "../config";

describe("zero trust config errors", () => {
    const POOL = { nodes: [1, 2].map((n) => ({ name: `mesh-${n}`, vcpus: 16, memory: "64Gi" })) };
    const header = (count: number): string =>
        `meshstack: the config of stack "prod" has ${count === 1 ? "1 problem" : `${count} problems`}; nothing was changed. ` +
        "Fix them in Pulumi.prod.yaml:";

    function errorOf(mesh: Record<string, unknown>): string {
        try {
            parseMeshConfig({ nodePool: POOL, mesh }, "prod");
        } catch (error) {
            return (error as Error).message;
        }
        throw new Error("expected a config error, got none");
    }

    const TLS = { host: "api.stripe.com", port: 443, protocol: "TLS" };
    const cases: Array<[string, Record<string, unknown>, string]> = [
        ["an unknown mTLS mode", { mtlsMode: "STRICTT" }, '  - meshstack:mesh.mtlsMode: expected one of "STRICT", "PERMISSIVE", got "STRICTT".'],
        [
            "PERMISSIVE mesh-wide in a highly available stack",
            { mtlsMode: "PERMISSIVE" },
            "  - meshstack:mesh.mtlsMode: a highly available stack accepts only mutual TLS: plain text inside the cluster is " +
                "an audit finding. Set STRICT, and an exception per port in meshstack:mesh.namespaces[].mtlsExceptions where needed.",
        ],
        [
            "a PERMISSIVE exception without a reason",
            { namespaces: [{ name: "shop", mtlsExceptions: [{ workload: "legacy", port: 8080 }] }] },
            "  - meshstack:mesh.namespaces[0].mtlsExceptions[0].reason: required: set a string.",
        ],
        [
            "a PERMISSIVE exception with an empty reason",
            { namespaces: [{ name: "shop", mtlsExceptions: [{ workload: "legacy", port: 8080, reason: " " }] }] },
            "  - meshstack:mesh.namespaces[0].mtlsExceptions[0].reason: is empty. Say why the exception is needed: auditors read it.",
        ],
        [
            "an allowlist entry with a bad host",
            { egress: [{ ...TLS, host: "api_stripe.com" }] },
            '  - meshstack:mesh.egress[0].host: "api_stripe.com" is not a DNS name: lowercase labels of at most 63 letters, digits and "-" ' +
                'joined by ".", the last one not all digits (an IP address cannot be routed by name), e.g. "api.stripe.com".',
        ],
        [
            "a wildcard host",
            { egress: [{ ...TLS, host: "*.stripe.com" }] },
            '  - meshstack:mesh.egress[0].host: "*.stripe.com" is a wildcard: meshstack routes each allowed host through the ' +
                'egress gateway to its own DNS name, which a wildcard does not have. List each host (e.g. "api.example.com").',
        ],
        ["a port outside 1..65535", { egress: [{ ...TLS, port: 70000 }] }, "  - meshstack:mesh.egress[0].port: expected a port from 1 to 65535, got 70000."],
        [
            "an unknown protocol",
            { egress: [{ ...TLS, protocol: "HTTPS" }] },
            '  - meshstack:mesh.egress[0].protocol: expected one of "TLS", "HTTP", got "HTTPS".',
        ],
        [
            "duplicate hosts",
            { egress: [TLS, { ...TLS, port: 8443 }] },
            '  - meshstack:mesh.egress[1].host: "api.stripe.com" is listed more than once. List each external host once.',
        ],
        [
            "a duplicate namespace",
            { namespaces: [{ name: "shop" }, { name: "shop" }] },
            '  - meshstack:mesh.namespaces[1].name: "shop" is listed more than once. List each namespace once.',
        ],
        [
            "a namespace name that is not a DNS-1123 label",
            { namespaces: [{ name: "shop.eu" }] },
            '  - meshstack:mesh.namespaces[0].name: "shop.eu" is not a namespace name: at most 63 lowercase letters, digits and ' +
                '"-", starting and ending with a letter or digit.',
        ],
        [
            "istiod's namespace as a mesh namespace",
            { namespaces: [{ name: "istio-system" }] },
            '  - meshstack:mesh.namespaces[0].name: "istio-system" is istiod\'s or the egress gateway\'s namespace ' +
                "(meshstack:istio), which meshstack runs itself. Onboard application namespaces only.",
        ],
        [
            "the egress gateway's namespace as a mesh namespace",
            { namespaces: [{ name: "istio-egress" }] },
            '  - meshstack:mesh.namespaces[0].name: "istio-egress" is istiod\'s or the egress gateway\'s namespace ' +
                "(meshstack:istio), which meshstack runs itself. Onboard application namespaces only.",
        ],
        [
            "an allow rule naming a namespace that is not declared",
            { namespaces: [{ name: "backend", allowFrom: [{ namespace: "shop" }] }] },
            '  - meshstack:mesh.namespaces[0].allowFrom[0].namespace: "shop" is not a mesh namespace, so its calls carry no ' +
                "identity to allow. Declare it in meshstack:mesh.namespaces, or remove the rule.",
        ],
        [
            "allow rules without default deny",
            { namespaces: [{ name: "shop", defaultDeny: false, allowFrom: [{ namespace: "shop" }] }] },
            "  - meshstack:mesh.namespaces[0].allowFrom: allow rules need defaultDeny (without it every call is allowed " +
                "anyway). Set defaultDeny: true, or remove allowFrom.",
        ],
        [
            "an egress host whose objects would share a name with another's",
            { egress: [{ ...TLS, host: "a-b.example.com" }, { ...TLS, host: "a.b-example.com" }] },
            '  - meshstack:mesh.egress[1].host: "a.b-example.com" and "a-b.example.com" give their Istio objects the same name (a-b-example-com). Route one of them through another host name.',
        ],
        [
            "HTTP and TLS on the same port",
            { egress: [TLS, { host: "legacy.example.eu", port: 443, protocol: "HTTP" }] },
            '  - meshstack:mesh.egress[1].protocol: port 443 is TLS for "api.stripe.com": a port carries one protocol in the mesh (the sidecars listen on it once). Use TLS here, or another port.',
        ],
        [
            "a service account name that is not one",
            { namespaces: [{ name: "shop", allowFrom: [{ namespace: "shop", serviceAccount: "Checkout_SA" }] }] },
            '  - meshstack:mesh.namespaces[0].allowFrom[0].serviceAccount: "Checkout_SA" is not a service account name: lowercase letters, digits, "-" and ".", as `kubectl get serviceaccounts` prints it.',
        ],
        [
            "a misspelt namespace key",
            { namespaces: [{ name: "shop", alowFrom: [] }] },
            '  - meshstack:mesh.namespaces[0].alowFrom: unknown key. Did you mean "allowFrom"? Known keys here: name, adopt, ' +
                "defaultDeny, allowFrom, mtlsExceptions, sidecarHosts, dataPlane.",
        ],
    ];
    for (const [name, mesh, problem] of cases) {
        it(`refuses ${name}`, () => {
            assert.strictEqual(errorOf(mesh), `${header(1)}\n${problem}`);
        });
    }

    it("accepts the service account default and an app label with capitals", () => {
        const config = parseMeshConfig(
            {
                nodePool: POOL,
                mesh: {
                    namespaces: [
                        {
                            name: "shop",
                            allowFrom: [{ namespace: "shop", serviceAccount: "default" }],
                            mtlsExceptions: [{ workload: "Legacy_Reports", port: 8080, reason: "no sidecar yet" }],
                        },
                    ],
                },
            },
            "prod",
        );
        assert.deepStrictEqual(config.mesh.namespaces[0].allowFrom, [{ namespace: "shop", serviceAccount: "default" }]);
    });
});
