/**
 * mTLS exceptions per workload: Istio applies one workload-level PeerAuthentication to a pod (the oldest
 * when several select it), so all of a workload's plain-text ports go in one; and object names stay
 * valid whatever the workload's `app` label.
 */
import * as assert from "assert";
import { byWorkload, mtlsException, mtlsExceptionName, workloadNamePart } from "../lib/zero-trust";

describe("mTLS exceptions", () => {
    const names: Array<[string, string]> = [
        ["legacy-reports", "legacy-reports"],
        ["My_App", "my-app-0e86b8"],
        ["my-app", "my-app"],
        ["reports.v2", "reports-v2-5622c7"],
        ["a..b", "a-b-f62b42"],
        ["a", "a"],
        ["_Legacy_", "legacy-67c78b"],
        ["___", "workload-bda251"],
    ];
    for (const [workload, part] of names) {
        it(`names the objects of workload ${JSON.stringify(workload)} with ${JSON.stringify(part)}`, () => {
            assert.strictEqual(workloadNamePart(workload), part);
        });
    }

    it("puts a workload's ports in one PeerAuthentication named after the workload only (a new port updates it, never replaces it), ports in order, each reason kept", () => {
        const groups = byWorkload([
            { workload: "web", port: 9090, reason: "metrics scraper without a sidecar" },
            { workload: "legacy", port: 8080, reason: "no sidecar yet" },
            { workload: "web", port: 8080, reason: "health checks from the load balancer" },
        ]);
        assert.deepStrictEqual(
            groups.map((group) => [group.workload, mtlsExceptionName(group)]),
            [
                ["legacy", "permissive-legacy"],
                ["web", "permissive-web"],
            ],
        );
        assert.deepStrictEqual(mtlsException("shop", "STRICT", groups[1]), {
            apiVersion: "security.istio.io/v1",
            kind: "PeerAuthentication",
            metadata: {
                name: "permissive-web",
                namespace: "shop",
                labels: { "app.kubernetes.io/part-of": "meshstack" },
                annotations: { "meshstack.io/mtls-exception-reason": "8080: health checks from the load balancer; 9090: metrics scraper without a sidecar" },
            },
            spec: {
                selector: { matchLabels: { app: "web" } },
                mtls: { mode: "STRICT" },
                portLevelMtls: { "8080": { mode: "PERMISSIVE" }, "9090": { mode: "PERMISSIVE" } },
            },
        });
    });
});
