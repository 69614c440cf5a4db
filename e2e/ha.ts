/**
 * The production-shaped end-to-end checks, on a kind cluster with three workers where the e2e-ha stack
 * (Pulumi.e2e-ha.yaml) is up; the workflow prepared the gates' folder on the first two workers only.
 * Their expectations come from that stack file.
 */
import * as fs from "fs";
import * as path from "path";
import { CheckFailed, fetchText, kubectl, must, rolledOut, sleep, withPortForward } from "./kube";
import { disruptionsAllowed, hpaCpuUtilization, httpStatus, nodeVerdicts, podNodes, querySeries, volumeBinding } from "./parse";

const ISTIO_NS = "istio-system";
const EGRESS_NS = "istio-egress";
/** meshstack:nodePool.nodes: the first two have the gate's folder, the third not. */
const PASSED = ["meshstack-e2e-ha-worker", "meshstack-e2e-ha-worker2"];
const REFUSED = "meshstack-e2e-ha-worker3";
/** meshstack:mesh.namespaces: backend lets shop in, not batch. */
const SERVER_NS = "backend";
const ALLOWED_NS = "shop";
const DENIED_NS = "batch";
const IMAGES = { server: "docker.io/istio/examples-helloworld-v1:1.0", client: "docker.io/curlimages/curl:8.11.1" };
/** Where `ha` leaves the time Prometheus had samples at, for `ha-volume-kept` after destroy and up. */
const MARK_FILE = path.join(".e2e-state", "prometheus-mark");

function gates(): string {
    const verdicts = nodeVerdicts(must("get", "nodes", "-o", "json"));
    const expected = { ...Object.fromEntries(PASSED.map((node) => [node, "passed"])), [REFUSED]: "error" };
    for (const [node, verdict] of Object.entries(expected)) {
        if (verdicts[node] !== verdict) throw new CheckFailed(`node ${node}: pre-flight verdict ${verdicts[node]}, expected ${verdict}`);
    }
    must("wait", "-n", "meshstack-preflight", "job/preflight-quorum", "--for=condition=Complete", "--timeout=10s");
    return `pre-flight: ${PASSED.join(" and ")} passed, ${REFUSED} (no gate folder) recorded error, the quorum of 2 is met`;
}

function placement(): string {
    rolledOut([
        [ISTIO_NS, "istiod"],
        [EGRESS_NS, "istio-egressgateway"],
        [ISTIO_NS, "kiali"],
        [ISTIO_NS, "prometheus"],
    ]);
    const pods = [ISTIO_NS, EGRESS_NS].flatMap((namespace) => podNodes(must("get", "pods", "-n", namespace, "-o", "json")));
    const astray = pods.filter((pod) => !PASSED.includes(pod.node));
    if (astray.length > 0) throw new CheckFailed(`mesh pods off the passed nodes: ${astray.map((pod) => `${pod.pod} on ${pod.node}`).join(", ")}`);
    return `placement: ${pods.length} mesh pods, all on passed nodes; none on ${REFUSED}`;
}

async function autoscalers(): Promise<string> {
    const targets: Array<[string, string]> = [
        [ISTIO_NS, "istiod"],
        [EGRESS_NS, "istio-egressgateway"],
    ];
    const readings: string[] = [];
    for (const [namespace, name] of targets) {
        let utilization: number | undefined;
        for (let attempt = 0; attempt < 18 && utilization === undefined; attempt++) {
            if (attempt > 0) await sleep(10);
            utilization = hpaCpuUtilization(must("get", "hpa", "-n", namespace, name, "-o", "json"));
        }
        if (utilization === undefined) throw new CheckFailed(`the autoscaler ${namespace}/${name} has no CPU metrics after 3 minutes (is metrics-server up?)`);
        const budget = disruptionsAllowed(must("get", "pdb", "-n", namespace, name, "-o", "json"));
        if (budget < 1) throw new CheckFailed(`the disruption budget ${namespace}/${name} lets no pod go: a node drain would block`);
        readings.push(`${name} at ${utilization} % CPU, ${budget} disruption allowed`);
    }
    return `autoscalers and budgets: ${readings.join("; ")}`;
}

/** A Deployment of one container (meshed: the namespaces are injected) and, for the server, its Service. */
function workload(namespace: string, name: string, image: string, command: string[] | undefined): string {
    const labels = { app: name };
    const deployment = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace },
        spec: {
            selector: { matchLabels: labels },
            template: {
                metadata: { labels },
                spec: {
                    containers: [
                        {
                            name,
                            image,
                            ...(command === undefined ? { ports: [{ containerPort: 5000 }] } : { command }),
                            resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
                        },
                    ],
                },
            },
        },
    };
    const service = { apiVersion: "v1", kind: "Service", metadata: { name, namespace }, spec: { selector: labels, ports: [{ name: "http", port: 5000 }] } };
    return JSON.stringify({ apiVersion: "v1", kind: "List", items: command === undefined ? [deployment, service] : [deployment] });
}

function apply(manifest: string): void {
    const file = path.join(fs.mkdtempSync(path.join(process.env.RUNNER_TEMP ?? "/tmp", "meshstack-e2e-")), "manifest.json");
    fs.writeFileSync(file, manifest);
    must("apply", "-f", file);
}

/**
 * Default deny between mesh namespaces: the allowed namespace's call is answered (200), the other's
 * refused. With sidecars, the server's proxy answers 403; in ambient, with no waypoint in the server's
 * namespace, its node's ztunnel resets the connection (curl reports no status: 0).
 */
export function defaultDeny(deniedStatus: 403 | 0 = 403): string {
    apply(workload(SERVER_NS, "echo", IMAGES.server, undefined));
    for (const namespace of [ALLOWED_NS, DENIED_NS]) apply(workload(namespace, "caller", IMAGES.client, ["sleep", "3600"]));
    rolledOut([
        [SERVER_NS, "echo"],
        [ALLOWED_NS, "caller"],
        [DENIED_NS, "caller"],
    ]);
    const call = (namespace: string): number =>
        httpStatus(kubectl("exec", "-n", namespace, "deploy/caller", "-c", "caller", "--", "curl", "-s", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}", `http://echo.${SERVER_NS}:5000/hello`).stdout);
    const allowed = call(ALLOWED_NS);
    const denied = call(DENIED_NS);
    if (allowed !== 200) throw new CheckFailed(`${ALLOWED_NS} → ${SERVER_NS}: HTTP ${allowed}, expected 200 (its allow rule)`);
    if (denied !== deniedStatus) throw new CheckFailed(`${DENIED_NS} → ${SERVER_NS}: HTTP ${denied}, expected ${deniedStatus} (default deny)`);
    const by = deniedStatus === 403 ? "403 (denied by the server's proxy)" : "reset (denied by the server's ztunnel)";
    return `default deny: ${ALLOWED_NS} → ${SERVER_NS} 200 (allowed), ${DENIED_NS} → ${SERVER_NS} ${by}`;
}

function prometheusVolume(): { phase: string; claim: string; claimUid: string } {
    const binding = volumeBinding(must("get", "pv", "meshstack-prometheus", "-o", "json"));
    const claimUid = must("get", "pvc", "-n", ISTIO_NS, "prometheus", "-o", "jsonpath={.metadata.uid}").trim();
    if (binding.phase !== "Bound" || binding.claim !== `${ISTIO_NS}/prometheus` || binding.claimUid !== claimUid) {
        throw new CheckFailed(`the volume meshstack-prometheus is ${binding.phase}, bound to ${binding.claim} (${binding.claimUid}), not to the claim ${ISTIO_NS}/prometheus (${claimUid})`);
    }
    return binding;
}

/** The number of `up` series Prometheus holds at `time` (seconds since the epoch). */
function upSeriesAt(time: number): Promise<number> {
    return withPortForward(ISTIO_NS, "prometheus", 9090, async (base) => querySeries(await fetchText(`${base}/api/v1/query?query=up&time=${time}`)));
}

async function volumeMarked(): Promise<string> {
    const binding = prometheusVolume();
    let time = 0;
    let series = 0;
    for (let attempt = 0; attempt < 12 && series === 0; attempt++) {
        await sleep(10);
        time = Math.floor(Date.now() / 1000);
        series = await upSeriesAt(time);
    }
    if (series === 0) throw new CheckFailed("Prometheus holds no `up` series after 2 minutes");
    fs.mkdirSync(path.dirname(MARK_FILE), { recursive: true });
    fs.writeFileSync(MARK_FILE, String(time));
    return `Prometheus's local volume is bound to ${binding.claim}; ${series} \`up\` series at ${time}, kept for after destroy`;
}

/** After destroy and a new up: the new claim is bound to the same data, which holds the marked samples. */
export async function haVolumeKept(): Promise<string> {
    const binding = prometheusVolume();
    rolledOut([[ISTIO_NS, "prometheus"]]);
    const time = Number(fs.readFileSync(MARK_FILE, "utf8"));
    let series = 0;
    for (let attempt = 0; attempt < 6 && series === 0; attempt++) {
        if (attempt > 0) await sleep(10);
        series = await upSeriesAt(time);
    }
    if (series === 0) throw new CheckFailed(`Prometheus lost its data: no \`up\` series at ${time}, from before the destroy`);
    return `Prometheus kept its data through destroy and up: the new claim (${binding.claimUid}) holds ${series} \`up\` series from ${time}`;
}

/** Every check of the `ha` mode, in order. */
export const haChecks: ReadonlyArray<() => string | Promise<string>> = [gates, placement, autoscalers, defaultDeny, volumeMarked];
