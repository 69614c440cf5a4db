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

/** Each node's pre-flight verdict label (`meshstack.io/preflight`), from `kubectl get nodes -o json`. */
export function nodeVerdicts(nodesJson: string): Record<string, string> {
    const nodes = JSON.parse(nodesJson) as { items: Array<{ metadata: { name: string; labels?: Record<string, string> } }> };
    return Object.fromEntries(nodes.items.map((node) => [node.metadata.name, node.metadata.labels?.["meshstack.io/preflight"] ?? "none"]));
}

/** Each pod and the node it runs on (`pending` while unscheduled), from `kubectl get pods -o json`. */
export function podNodes(podsJson: string): Array<{ pod: string; node: string }> {
    const pods = JSON.parse(podsJson) as { items: Array<{ metadata: { name: string }; spec: { nodeName?: string } }> };
    return pods.items.map((pod) => ({ pod: pod.metadata.name, node: pod.spec.nodeName ?? "pending" }));
}

/** The CPU utilisation an autoscaler reads now, or `undefined` while it has no metrics (no metrics-server). */
export function hpaCpuUtilization(hpaJson: string): number | undefined {
    const hpa = JSON.parse(hpaJson) as {
        status?: { currentMetrics?: Array<{ type: string; resource?: { name: string; current?: { averageUtilization?: number } } }> };
    };
    const cpu = hpa.status?.currentMetrics?.find((metric) => metric.type === "Resource" && metric.resource?.name === "cpu");
    return cpu?.resource?.current?.averageUtilization;
}

/** How many pods a PodDisruptionBudget lets go now (`status.disruptionsAllowed`). */
export function disruptionsAllowed(pdbJson: string): number {
    const pdb = JSON.parse(pdbJson) as { status?: { disruptionsAllowed?: number } };
    return pdb.status?.disruptionsAllowed ?? 0;
}

/** A PersistentVolume's phase and the claim it is bound to (`namespace/name`, and its uid). */
export function volumeBinding(pvJson: string): { phase: string; claim: string; claimUid: string } {
    const pv = JSON.parse(pvJson) as { spec: { claimRef?: { namespace?: string; name?: string; uid?: string } }; status?: { phase?: string } };
    const ref = pv.spec.claimRef;
    return { phase: pv.status?.phase ?? "unknown", claim: ref === undefined ? "" : `${ref.namespace ?? ""}/${ref.name ?? ""}`, claimUid: ref?.uid ?? "" };
}

/** The number of series in a Prometheus instant query's answer (`/api/v1/query`); 0 for an error. */
export function querySeries(body: string): number {
    try {
        const parsed = JSON.parse(body) as { status?: string; data?: { result?: unknown } };
        return parsed.status === "success" && Array.isArray(parsed.data?.result) ? parsed.data.result.length : 0;
    } catch {
        return 0;
    }
}

/** The HTTP status curl printed with `-w '%{http_code}'` (0 when it printed none: no answer). */
export function httpStatus(curlOutput: string): number {
    const match = /(\d{3})\s*$/.exec(curlOutput);
    return match === null ? 0 : Number(match[1]);
}
