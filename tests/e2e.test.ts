/**
 * How the end-to-end checks (e2e/run.ts) read the live cluster's answers: e2e/parse.ts, table-driven.
 */
import * as assert from "assert";
import {
    canarySample,
    disruptionsAllowed,
    graphEdges,
    hpaCpuUtilization,
    httpStatus,
    nodeVerdicts,
    plainTextOutcome,
    podNodes,
    querySeries,
    tcpConnectionsTo,
    volumeBinding,
    withinTolerance,
} from "../e2e/parse";

describe("end-to-end checks: reading the cluster's answers", () => {
    it("sums the egress gateway's TCP connections to one host, over every series of Istio's metric", () => {
        const stats = [
            "# TYPE istio_tcp_connections_opened_total counter",
            'istio_tcp_connections_opened_total{reporter="source",destination_service="example.com",destination_service_name="example.com"} 3',
            'istio_tcp_connections_opened_total{reporter="destination",destination_service="example.com"} 2',
            'istio_tcp_connections_opened_total{reporter="source",destination_service="example.org"} 9',
            'istio_tcp_connections_closed_total{reporter="source",destination_service="example.com"} 7',
            'envoy_cluster_upstream_cx_total{cluster_name="outbound|443||example.com"} 11',
        ].join("\n");
        const cases: Array<[string, number]> = [
            ["example.com", 5],
            ["example.org", 9],
            ["example.net", 0],
        ];
        for (const [host, expected] of cases) assert.strictEqual(tcpConnectionsTo(stats, host), expected, host);
        assert.strictEqual(tcpConnectionsTo("", "example.com"), 0);
    });

    it("tells a reset by STRICT mTLS from a reach, a timeout and other failures, by curl's exit code", () => {
        const cases: Array<[number, string]> = [
            [56, "refused by mTLS"],
            [52, "refused by mTLS"],
            [0, "reached"],
            [28, "timed out"],
            [7, "other failure"],
            [6, "other failure"],
        ];
        assert.deepStrictEqual(
            cases.map(([code]) => plainTextOutcome(code)),
            cases.map(([, outcome]) => outcome),
        );
    });

    it("counts helloworld's answers by version", () => {
        const answers = [
            "Hello version: v1, instance: helloworld-v1-5d8f7b9c4-abcde",
            "Hello version: v2, instance: helloworld-v2-7c9f8d6b5-fghij",
            "Hello version: v1, instance: helloworld-v1-5d8f7b9c4-abcde",
            "upstream connect error or disconnect/reset before headers",
            "",
        ].join("\n");
        assert.deepStrictEqual(canarySample(answers, "v2"), { answered: 3, byVersion: 1 });
        assert.deepStrictEqual(canarySample(answers, "v1"), { answered: 3, byVersion: 2 });
        // v2 must not match v20.
        assert.deepStrictEqual(canarySample("Hello version: v20, instance: x", "v2"), { answered: 1, byVersion: 0 });
    });

    it("accepts a share within the tolerance, every request answered", () => {
        const cases: Array<[number, number, boolean]> = [
            // answered, by v2 (of 300, 10 % ± 6 points: 12 to 48)
            [300, 30, true],
            [300, 12, true],
            [300, 48, true],
            [300, 11, false],
            [300, 49, false],
            [299, 30, false],
        ];
        for (const [answered, byVersion, expected] of cases) {
            assert.strictEqual(withinTolerance({ answered, byVersion }, 300, 10, 6), expected, `${byVersion} of ${answered}`);
        }
    });

    it("counts the edges of a Kiali graph answer, and 0 for anything else", () => {
        const cases: Array<[string, number]> = [
            ['{"elements":{"nodes":[{},{}],"edges":[{"data":{}},{"data":{}}]}}', 2],
            ['{"elements":{"nodes":[{}]}}', 0],
            ['{"elements":{"edges":null}}', 0],
            ["<html>503</html>", 0],
            ["", 0],
        ];
        assert.deepStrictEqual(
            cases.map(([body]) => graphEdges(body)),
            cases.map(([, edges]) => edges),
        );
    });

    describe("the production shape", () => {
        it("reads each node's pre-flight verdict, none where no gate wrote one", () => {
            const nodes = {
                items: [
                    { metadata: { name: "w1", labels: { "meshstack.io/preflight": "passed", "kubernetes.io/hostname": "w1" } } },
                    { metadata: { name: "w3", labels: { "meshstack.io/preflight": "error" } } },
                    { metadata: { name: "cp", labels: { "kubernetes.io/hostname": "cp" } } },
                    { metadata: { name: "bare" } },
                ],
            };
            assert.deepStrictEqual(nodeVerdicts(JSON.stringify(nodes)), { w1: "passed", w3: "error", cp: "none", bare: "none" });
        });

        it("places each pod, pending while unscheduled", () => {
            const pods = { items: [{ metadata: { name: "istiod-a" }, spec: { nodeName: "w1" } }, { metadata: { name: "istiod-b" }, spec: {} }] };
            assert.deepStrictEqual(podNodes(JSON.stringify(pods)), [
                { pod: "istiod-a", node: "w1" },
                { pod: "istiod-b", node: "pending" },
            ]);
        });

        it("reads an autoscaler's CPU reading, and none while it has no metrics", () => {
            const reading = { status: { currentMetrics: [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 7, averageValue: "7m" } } }] } };
            const unknown = { status: { currentMetrics: null, conditions: [{ type: "ScalingActive", status: "False", reason: "FailedGetResourceMetric" }] } };
            const memoryOnly = { status: { currentMetrics: [{ type: "Resource", resource: { name: "memory", current: { averageUtilization: 50 } } }] } };
            assert.deepStrictEqual([reading, unknown, memoryOnly, {}].map((hpa) => hpaCpuUtilization(JSON.stringify(hpa))), [7, undefined, undefined, undefined]);
        });

        it("reads a budget's allowed disruptions, 0 before its controller has looked", () => {
            assert.deepStrictEqual([{ status: { disruptionsAllowed: 1 } }, { status: {} }, {}].map((pdb) => disruptionsAllowed(JSON.stringify(pdb))), [1, 0, 0]);
        });

        it("reads a volume's phase and claim", () => {
            const bound = { spec: { claimRef: { kind: "PersistentVolumeClaim", namespace: "istio-system", name: "prometheus", uid: "u-2" } }, status: { phase: "Bound" } };
            const available = { spec: { claimRef: { namespace: "istio-system", name: "prometheus" } }, status: { phase: "Available" } };
            assert.deepStrictEqual(volumeBinding(JSON.stringify(bound)), { phase: "Bound", claim: "istio-system/prometheus", claimUid: "u-2" });
            assert.deepStrictEqual(volumeBinding(JSON.stringify(available)), { phase: "Available", claim: "istio-system/prometheus", claimUid: "" });
            assert.deepStrictEqual(volumeBinding(JSON.stringify({ spec: {} })), { phase: "unknown", claim: "", claimUid: "" });
        });

        it("counts a Prometheus query's series, 0 for an error or no answer", () => {
            const two = { status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [1, "1"] }, { metric: {}, value: [1, "1"] }] } };
            const cases: Array<[string, number]> = [
                [JSON.stringify(two), 2],
                [JSON.stringify({ status: "success", data: { resultType: "vector", result: [] } }), 0],
                [JSON.stringify({ status: "error", errorType: "bad_data", error: "parse error" }), 0],
                ["", 0],
            ];
            assert.deepStrictEqual(cases.map(([body]) => querySeries(body)), cases.map(([, series]) => series));
        });

        it("reads the status curl printed, 0 when nothing answered", () => {
            const cases: Array<[string, number]> = [
                ["200", 200],
                ["403", 403],
                ["000", 0],
                ["", 0],
            ];
            assert.deepStrictEqual(cases.map(([output]) => httpStatus(output)), cases.map(([, status]) => status));
        });
    });
});
