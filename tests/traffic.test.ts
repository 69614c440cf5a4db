/** lib/traffic.ts on its own: Istio's durations, and the DestinationRule's traffic policy part by part. */
import * as assert from "assert";
import { destinationRule, durationMs } from "../lib/traffic";

describe("Istio durations", () => {
    const cases: Array<[string, number | undefined]> = [
        ["2s", 2000],
        ["500ms", 500],
        ["1m", 60000],
        ["1h", 3600000],
        ["1m30s", 90000],
        ["1.5s", 1500],
        ["0.25s", 250],
        ["250us", 0.25],
        ["2", undefined],
        ["2 s", undefined],
        ["-1s", undefined],
        ["1d", undefined],
    ];
    for (const [text, ms] of cases) {
        it(`${JSON.stringify(text)} is ${String(ms)} ms`, () => {
            assert.strictEqual(durationMs(text), ms);
        });
    }
});

describe("the DestinationRule's traffic policy", () => {
    const service = { name: "checkout", namespace: "shop", port: 8080, versions: [{ name: "v1" }], weights: { v1: 100 } };
    const cases: Array<[string, Pick<Parameters<typeof destinationRule>[0], "connectionPool" | "outlierDetection">, object | undefined]> = [
        ["none set: no trafficPolicy", {}, undefined],
        ["connections only: tcp, no http", { connectionPool: { maxConnections: 100 } }, { connectionPool: { tcp: { maxConnections: 100 } } }],
        ["pending requests only: http, no tcp", { connectionPool: { http1MaxPendingRequests: 50 } }, { connectionPool: { http: { http1MaxPendingRequests: 50 } } }],
        [
            "requests per connection only: http, no tcp",
            { connectionPool: { maxRequestsPerConnection: 10 } },
            { connectionPool: { http: { maxRequestsPerConnection: 10 } } },
        ],
        [
            "outlier detection only",
            { outlierDetection: { consecutive5xxErrors: 5, interval: "30s", baseEjectionTime: "60s", maxEjectionPercent: 50 } },
            { outlierDetection: { consecutive5xxErrors: 5, interval: "30s", baseEjectionTime: "60s", maxEjectionPercent: 50 } },
        ],
    ];
    for (const [title, settings, trafficPolicy] of cases) {
        it(title, () => {
            assert.deepStrictEqual(destinationRule({ ...service, ...settings }).spec, {
                host: "checkout.shop.svc.cluster.local",
                ...(trafficPolicy === undefined ? {} : { trafficPolicy }),
                subsets: [{ name: "v1", labels: { version: "v1" } }],
            });
        });
    }
});
