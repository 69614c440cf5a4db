/**
 * Config that the API server, Istio's validation webhook, its injector or the charts would refuse, or
 * accept and never make work, is refused first: one exact message per key, naming the fix.
 */
import * as assert from "assert";
import { parseMeshConfig } from "../config";

const POOL = { nodes: [1, 2].map((n) => ({ name: `mesh-${n}`, vcpus: 16, memory: "64Gi" })) };
const MESH = { namespaces: [{ name: "shop", allowFrom: [{ namespace: "shop" }] }] };
const CHECKOUT = { name: "checkout", namespace: "shop", port: 8080, versions: [{ name: "v1" }, { name: "v2" }], weights: { v1: 90, v2: 10 } };
const HEADER = 'meshstack: the config of stack "prod" has 1 problem; nothing was changed. Fix them in Pulumi.prod.yaml:';

function problemOf(raw: Record<string, unknown>): string {
    try {
        parseMeshConfig({ nodePool: POOL, ...raw }, "prod");
    } catch (error) {
        const [header, ...problems] = (error as Error).message.split("\n");
        assert.strictEqual(header, HEADER);
        return problems.join("\n");
    }
    throw new Error("expected a config error, got none");
}

describe("config a cluster would refuse", () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
        [
            "a taint key whose prefix is longer than 253",
            {nodePool:{...POOL,taints:[{key:"a".repeat(254)+"/x",effect:"NoSchedule"}]}},
            `  - meshstack:nodePool.taints[0].key: "${"a".repeat(254)}/x" has a prefix (before "/") longer than 253 characters, which Kubernetes refuses. Shorten it.`,
        ],
        [
            "a mount path with a quote (it goes in a command)",
            {nodePool:{nodes:[{...POOL.nodes[0],nvmeMountPath:'/mnt/"nvme'},POOL.nodes[1]]}},
            "  - meshstack:nodePool.nodes[0].nvmeMountPath: \"/mnt/\\\"nvme\" has characters a mount path here may not: use letters, digits, \".\", \"_\", \"-\" and \"/\", e.g. \"/mnt/nvme\".",
        ],
        [
            "an fsync limit of 0 (no disk syncs in 0 ms)",
            {nodePool:{...POOL,preflight:{maxFsyncP99Ms:0}}},
            "  - meshstack:nodePool.preflight.maxFsyncP99Ms: expected a number from 0.1 to 10000, got 0.",
        ],
        [
            "a user id above 32 bits",
            {nodePool:{...POOL,preflight:{runAsUser:3000000000}}},
            "  - meshstack:nodePool.preflight.runAsUser: expected a whole number from 1 to 2147483647, got 3000000000.",
        ],
        [
            "istiod in the gates' namespace",
            {istio:{namespace:"meshstack-preflight"}},
            "  - meshstack:istio.namespace: \"meshstack-preflight\" is the namespace of meshstack's pre-flight gates and local volumes' Jobs. Choose another name.",
        ],
        [
            "an autoscaled istiod without a CPU request",
            {istio:{istiod:{resources:{requests:{cpu:"0"}}}}},
            "  - meshstack:istio.istiod.resources.requests.cpu: the autoscaler (maxReplicas 5 > replicas 2) scales on CPU use relative to this request, and with none it never scales. Set a CPU request above 0, or set maxReplicas to replicas.",
        ],
        [
            "an exception's reason too long for an annotation",
            {mesh:{namespaces:[{name:"shop",mtlsExceptions:[{workload:"web",port:8080,reason:"x".repeat(1025)}]}]}},
            "  - meshstack:mesh.namespaces[0].mtlsExceptions[0].reason: is 1025 characters long; it goes in an annotation, whose size Kubernetes caps. Keep it under 1024 characters: link to the ticket.",
        ],
        [
            "a Sidecar host that is a short name",
            {mesh:{namespaces:[{name:"shop",sidecarHosts:["shared/cache"]}]}},
            "  - meshstack:mesh.namespaces[0].sidecarHosts[0]: \"shared/cache\" is not a Sidecar host: \"<namespace>/<host>\", the host \"*\" or a full DNS name (Istio refuses short names), e.g. \"monitoring/*\" or \"shared/cache.shared.svc.cluster.local\".",
        ],
        [
            "an allowlisted IP address",
            {mesh:{egress:[{host:"10.0.0.1",port:443,protocol:"TLS"}]}},
            "  - meshstack:mesh.egress[0].host: \"10.0.0.1\" is not a DNS name: lowercase labels of at most 63 letters, digits and \"-\" joined by \".\", the last one not all digits (an IP address cannot be routed by name), e.g. \"api.stripe.com\".",
        ],
        [
            "a Service name that starts with a digit",
            {mesh:MESH,services:[{...CHECKOUT,name:"1web"}]},
            "  - meshstack:services[0].name: \"1web\" is not a Service name: Kubernetes wants it to start with a letter. Rename the Service.",
        ],
        [
            "a version label value with a space",
            {mesh:MESH,services:[{...CHECKOUT,versions:[{name:"v1"},{name:"v2",labels:{version:"v 2"}}]}]},
            "  - meshstack:services[0].versions[1].labels: \"v 2\" is not a label value: at most 63 letters, digits, \"-\", \"_\" and \".\", starting and ending with a letter or digit.",
        ],
        [
            "a version that selects every pod",
            {mesh:MESH,services:[{...CHECKOUT,versions:[{name:"v1"},{name:"v2",labels:{}}]}]},
            "  - meshstack:services[0].versions[1].labels: selects every pod of the service, so the subset is no version. Give the version's pods a label, e.g. `version: v2`.",
        ],
        [
            "two versions that select the same pods",
            {mesh:MESH,services:[{...CHECKOUT,versions:[{name:"v1",labels:{track:"stable"}},{name:"v2",labels:{track:"stable"}}]}]},
            "  - meshstack:services[0].versions[1].labels: selects the same pods as version \"v1\": the two subsets would get each other's traffic. Give each version labels of its own.",
        ],
        [
            "a timeout in microseconds",
            {mesh:MESH,services:[{...CHECKOUT,timeout:"1500us"}]},
            "  - meshstack:services[0].timeout: \"1500us\" is not a whole number of milliseconds, which Istio refuses. Use e.g. \"2ms\" or \"1500ms\".",
        ],
        [
            "a timeout longer than Istio can hold",
            {mesh:MESH,services:[{...CHECKOUT,timeout:"3000000h"}]},
            "  - meshstack:services[0].timeout: \"3000000h\" is longer than Istio can hold (2562047h). Set a shorter duration.",
        ],
        [
            "retry conditions with spaces",
            {mesh:MESH,services:[{...CHECKOUT,retries:{attempts:2,retryOn:"5xx, reset"}}]},
            "  - meshstack:services[0].retries.retryOn: \"5xx, reset\" has spaces, which Istio does not trim: \"5xx,reset\" is what it reads right. Remove them.",
        ],
        [
            "a retry status code Go does not know",
            {mesh:MESH,services:[{...CHECKOUT,retries:{attempts:2,retryOn:"5xx,520"}}]},
            "  - meshstack:services[0].retries.retryOn: \"520\" is not a retry condition. Use a comma-separated list of 5xx, gateway-error, reset, reset-before-request, connect-failure, … or HTTP status codes (503).",
        ],
        [
            "retry conditions with 0 attempts",
            {mesh:MESH,services:[{...CHECKOUT,retries:{attempts:0,retryOn:"5xx"}}]},
            "  - meshstack:services[0].retries.attempts: 0 turns retries off, and Istio refuses retryOn or perTryTimeout with it. Set attempts to 1 or more, or remove retryOn and perTryTimeout.",
        ],
        [
            "attempts above 32 bits",
            {mesh:MESH,services:[{...CHECKOUT,retries:{attempts:3000000000}}]},
            "  - meshstack:services[0].retries.attempts: expected a whole number from 0 to 2147483647, got 3000000000.",
        ],
        [
            "an ejection share of 0",
            {mesh:MESH,services:[{...CHECKOUT,outlierDetection:{maxEjectionPercent:0}}]},
            "  - meshstack:services[0].outlierDetection.maxEjectionPercent: expected a whole number from 1 to 100, got 0.",
        ],
        [
            "an empty connection pool",
            {mesh:MESH,services:[{...CHECKOUT,connectionPool:{}}]},
            "  - meshstack:services[0].connectionPool: sets no limit, and Istio refuses an empty connection pool. Set maxConnections, http1MaxPendingRequests or maxRequestsPerConnection, or remove connectionPool.",
        ],
        [
            "a retention with its units out of order",
            {observability:{prometheus:{retention:"12h1d"}}},
            "  - meshstack:observability.prometheus.retention: \"12h1d\" is not a Prometheus duration: write the units largest first, each once, e.g. \"1d12h\".",
        ],
        [
            "a volume of size 0",
            {observability:{prometheus:{persistence:{size:"0"}}}},
            "  - meshstack:observability.prometheus.persistence.size: \"0\" is no size for a volume: Kubernetes wants more than 0, e.g. \"8Gi\".",
        ],
        [
            "a Prometheus request above its limit",
            {observability:{prometheus:{resources:{requests:{cpu:"4"},limits:{cpu:"1"}}}}},
            "  - meshstack:observability.prometheus.resources.requests.cpu: \"4\" is above its limit \"1\" (meshstack:observability.prometheus.resources.limits.cpu), which Kubernetes rejects. Lower the request or raise the limit.",
        ],
        [
            "an OpenID issuer that is no https URL",
            {observability:{kiali:{auth:{strategy:"openid",openid:{issuerUri:"accounts.example.com",clientId:"kiali"}}}}},
            "  - meshstack:observability.kiali.auth.openid.issuerUri: \"accounts.example.com\" is not an OpenID issuer: Kiali fetches <issuer>/.well-known/openid-configuration, so give its https URL, e.g. \"https://accounts.example.com\".",
        ],
    ];
    for (const [name, raw, problem] of cases) {
        it(`refuses ${name}`, () => {
            assert.strictEqual(problemOf(raw), problem);
        });
    }
});
