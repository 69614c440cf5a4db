/**
 * How the end-to-end checks (e2e/run.ts) read the live cluster's answers: e2e/parse.ts, table-driven.
 */
import * as assert from "assert";
import { canarySample, graphEdges, plainTextOutcome, tcpConnectionsTo, withinTolerance } from "../e2e/parse";

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
});
