/**
 * The end-to-end checks' reading of what the live cluster answers: pure functions, unit-tested
 * (tests/e2e.test.ts), used by `e2e/run.ts`.
 */

/**
 * TCP connections a proxy opened towards `host`: Istio's standard metric `istio_tcp_connections_opened_total`
 * (every proxy records it; Envoy's own per-cluster stats are off by default), summed over its series, from
 * `pilot-agent request GET stats/prometheus`.
 */
export function tcpConnectionsTo(prometheusText: string, host: string): number {
    const label = `destination_service="${host}"`;
    return prometheusText
        .split("\n")
        .filter((line) => line.startsWith("istio_tcp_connections_opened_total{") && line.includes(label))
        .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
}

/** How a plain-text request from outside the mesh to a STRICT sidecar ended, by curl's exit code. */
export type PlainTextOutcome = "refused by mTLS" | "reached" | "timed out" | "other failure";

/**
 * A STRICT sidecar accepts the TCP connection and resets it when no client certificate comes: curl exits
 * 56 (connection reset) or 52 (empty reply). A timeout (28) is a network fault or a policy drop, not mTLS.
 */
export function plainTextOutcome(curlExitCode: number): PlainTextOutcome {
    if (curlExitCode === 0) return "reached";
    if (curlExitCode === 56 || curlExitCode === 52) return "refused by mTLS";
    if (curlExitCode === 28) return "timed out";
    return "other failure";
}

/** The canary's sample: how many requests were answered, and how many by `version`. */
export interface CanarySample {
    answered: number;
    byVersion: number;
}

/** Counts helloworld's answers (`Hello version: v2, instance: …`), one per line. */
export function canarySample(answers: string, version: string): CanarySample {
    const lines = answers.split("\n").filter((line) => /Hello version: v\d+/.test(line));
    return { answered: lines.length, byVersion: lines.filter((line) => line.includes(`Hello version: ${version},`)).length };
}

/** Whether `sample` is within `tolerance` percentage points of `percent`, every request answered. */
export function withinTolerance(sample: CanarySample, requests: number, percent: number, tolerance: number): boolean {
    if (sample.answered !== requests) return false;
    const share = (sample.byVersion * 100) / requests;
    return Math.abs(share - percent) <= tolerance;
}

/** The edges in a Kiali graph API answer (`/kiali/api/namespaces/graph`); 0 for anything else. */
export function graphEdges(body: string): number {
    try {
        const parsed = JSON.parse(body) as { elements?: { edges?: unknown } };
        return Array.isArray(parsed.elements?.edges) ? parsed.elements.edges.length : 0;
    } catch {
        return 0;
    }
}
