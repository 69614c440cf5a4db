/**
 * The end-to-end checks on a live cluster, run by .github/workflows/e2e.yml. Needs kubectl, its
 * current context the cluster.
 *   npm run e2e:check -- before-shift       the e2e stack (Pulumi.e2e.yaml) as shipped: v2 at weight 0 gets nothing
 *   npm run e2e:check                       the e2e stack after the shift to 90/10: every check on the running mesh
 *   npm run e2e:check -- crds-retained      after `pulumi destroy`: Istio's CRDs are still there
 *   npm run e2e:check -- ha                 the e2e-ha stack (Pulumi.e2e-ha.yaml): gates, placement,
 *                                           autoscalers, budgets, default deny, Prometheus's volume
 *   npm run e2e:check -- ha-volume-kept     after destroy and a new up of e2e-ha: Prometheus kept its data
 * With MESHSTACK_E2E_DATA_PLANE=ambient, the same checks on the e2e-ambient stack (Pulumi.e2e-ambient.yaml):
 * the mesh's rollouts include ztunnel, istio-cni and the waypoints, and egress is counted at the egress
 * waypoint, which carries ambient pods' traffic out.
 */
import { defaultDeny, haChecks, haVolumeKept } from "./ha";
import { CheckFailed, fetchText, kubectl, must, rolledOut, sleep, withPortForward } from "./kube";
import { canarySample, graphEdges, plainTextOutcome, tcpConnectionsTo, withinTolerance } from "./parse";

const MESH_NS = "shop"; // meshstack:demo.namespace
const ISTIO_NS = "istio-system";
const EGRESS_NS = "istio-egress"; // meshstack:istio.egressGateway.namespace
const ALLOWED_HOST = "example.com"; // on meshstack:mesh.egress
const BLOCKED_HOST = "example.org"; // not on it
const REQUESTS = 300;
const CANARY_PERCENT = 10; // meshstack:services[helloworld].weights.v2
const TOLERANCE_PERCENT = 6; // about 3.5 standard deviations of the binomial at 300 requests
const CURL_IMAGE = "docker.io/curlimages/curl:8.11.1"; // the demo client's (versions.ts)
const HELLO_URL = `http://helloworld.${MESH_NS}:5000/hello`;
/** The data plane of the stack under test (the workflow sets it for e2e-ambient). */
const AMBIENT = process.env.MESHSTACK_E2E_DATA_PLANE === "ambient";
/** Where the allowlisted host's connections leave the mesh: the egress gateway, or in ambient the egress waypoint. */
const EXIT = AMBIENT ? "egress-waypoint" : "istio-egressgateway";

function client(...command: string[]): { code: number; stdout: string; stderr: string } {
    return kubectl("exec", "-n", MESH_NS, "deploy/helloworld-client", "-c", "client", "--", ...command);
}

function waitForMesh(): string {
    const rollouts: Array<[string, string]> = [
        [ISTIO_NS, "istiod"],
        [EGRESS_NS, "istio-egressgateway"],
        [ISTIO_NS, "kiali"],
        [ISTIO_NS, "prometheus"],
        [MESH_NS, "helloworld-v1"],
        [MESH_NS, "helloworld-v2"],
        [MESH_NS, "helloworld-client"],
        ...(AMBIENT
            ? ([
                  [ISTIO_NS, "daemonset/ztunnel"],
                  [ISTIO_NS, "daemonset/istio-cni-node"],
                  [MESH_NS, "waypoint"],
                  [EGRESS_NS, "egress-waypoint"],
              ] as Array<[string, string]>)
            : []),
    ];
    rolledOut(rollouts);
    return `the mesh (${AMBIENT ? "ambient" : "sidecars"}) and the demo are up`;
}

function strictMtls(): string {
    // Idempotent, so the checks can run again on the same cluster.
    if (kubectl("get", "namespace", "e2e-outside").code !== 0) must("create", "namespace", "e2e-outside");
    must("delete", "pod", "outside", "-n", "e2e-outside", "--ignore-not-found", "--wait=true");
    must("run", "outside", "-n", "e2e-outside", `--image=${CURL_IMAGE}`, "--restart=Never", "--command", "--", "sleep", "3600");
    must("wait", "-n", "e2e-outside", "pod/outside", "--for=condition=Ready", "--timeout=120s");
    const outside = kubectl("exec", "-n", "e2e-outside", "outside", "--", "curl", "-sS", "--max-time", "10", "-o", "/dev/null", HELLO_URL);
    const outcome = plainTextOutcome(outside.code);
    if (outcome !== "refused by mTLS") throw new CheckFailed(`plain text from outside the mesh: ${outcome} (curl exit ${outside.code}), expected a reset by STRICT mTLS`);
    const inside = client("curl", "-sS", "--max-time", "10", "-o", "/dev/null", HELLO_URL);
    if (inside.code !== 0) throw new CheckFailed(`the meshed client cannot reach helloworld (curl exit ${inside.code})`);
    return `STRICT mTLS: plain text from outside the mesh is refused (curl exit ${outside.code}), the meshed client gets through`;
}

function egressConnections(): number {
    return tcpConnectionsTo(must("exec", "-n", EGRESS_NS, `deploy/${EXIT}`, "--", "pilot-agent", "request", "GET", "stats/prometheus"), ALLOWED_HOST);
}

function egress(): string {
    const before = egressConnections();
    const allowed = client("curl", "-sS", "--max-time", "15", "-o", "/dev/null", `https://${ALLOWED_HOST}/`);
    if (allowed.code !== 0) throw new CheckFailed(`the meshed client cannot reach ${ALLOWED_HOST} (curl exit ${allowed.code})`);
    const after = egressConnections();
    if (after <= before) throw new CheckFailed(`${ALLOWED_HOST} answered, but not through ${EXIT} (${before} → ${after} connections)`);
    const blocked = client("curl", "-sS", "--max-time", "15", "-o", "/dev/null", `https://${BLOCKED_HOST}/`);
    if (blocked.code === 0) throw new CheckFailed(`${BLOCKED_HOST} is not on the allowlist, but the meshed client reached it`);
    return `egress: ${ALLOWED_HOST} through ${EXIT} (${before} → ${after} connections), ${BLOCKED_HOST} refused (curl exit ${blocked.code})`;
}

/** `count` requests from the client, as helloworld answered them. */
function requests(count: number): ReturnType<typeof canarySample> {
    return canarySample(client("sh", "-c", `for i in $(seq ${count}); do curl -s --max-time 5 ${HELLO_URL}; done`).stdout, "v2");
}

/**
 * Before the shift: v2's pods run, at weight 0; every request is answered, by v1. The route is the last
 * thing `pulumi up` applies (it waits for v1's pods), so the client's proxy may take a moment to get it:
 * up to a minute, until 20 requests in a row go to v1; then the sample.
 */
async function canaryIdle(): Promise<string> {
    for (let attempt = 0; attempt < 12 && requests(20).byVersion > 0; attempt++) await sleep(5);
    const sample = requests(REQUESTS);
    if (sample.answered !== REQUESTS || sample.byVersion !== 0) {
        throw new CheckFailed(`before the shift: ${sample.answered} of ${REQUESTS} requests answered, ${sample.byVersion} by v2 (expected all, none by v2)`);
    }
    return `before the shift: v2 deployed at weight 0, all ${REQUESTS} requests answered by v1`;
}

function canary(): string {
    const sample = requests(REQUESTS);
    if (!withinTolerance(sample, REQUESTS, CANARY_PERCENT, TOLERANCE_PERCENT)) {
        throw new CheckFailed(`canary: v2 answered ${sample.byVersion} of ${sample.answered} answered of ${REQUESTS}, outside ${CANARY_PERCENT} ± ${TOLERANCE_PERCENT} %`);
    }
    return `canary: v2 answered ${sample.byVersion} of ${REQUESTS} requests`;
}

async function kialiGraph(): Promise<string> {
    return withPortForward(ISTIO_NS, "kiali", 20001, async (base) => {
        let edges = 0;
        for (let attempt = 0; attempt < 20 && edges === 0; attempt++) {
            await sleep(10);
            edges = graphEdges(await fetchText(`${base}/kiali/api/namespaces/graph?namespaces=${MESH_NS}&graphType=versionedApp&duration=300s`));
        }
        if (edges === 0) throw new CheckFailed(`Kiali's graph of ${MESH_NS} has no edges after 200 s`);
        return `Kiali: the graph of ${MESH_NS} has ${edges} edges`;
    });
}

function crdsRetained(): string {
    const istio = ["virtualservices.networking.istio.io", "destinationrules.networking.istio.io", "peerauthentications.security.istio.io"];
    // In ambient, the Gateway API's too: the waypoints and routes are its objects.
    const gatewayApi = AMBIENT ? ["gateways.gateway.networking.k8s.io", "httproutes.gateway.networking.k8s.io"] : [];
    for (const crd of [...istio, ...gatewayApi]) {
        if (kubectl("get", "crd", crd).code !== 0) throw new CheckFailed(`CRD ${crd} was deleted with the stack`);
    }
    return AMBIENT ? "Istio's and the Gateway API's CRDs outlived pulumi destroy" : "Istio's CRDs outlived pulumi destroy";
}

/** The checks of each mode. */
const MODES: Record<string, ReadonlyArray<() => string | Promise<string>>> = {
    "before-shift": [waitForMesh, canaryIdle],
    all: [waitForMesh, strictMtls, egress, canary, kialiGraph, ...(AMBIENT ? [() => defaultDeny(0)] : [])],
    "crds-retained": [crdsRetained],
    ha: haChecks,
    "ha-volume-kept": [haVolumeKept],
};

async function main(mode: string): Promise<void> {
    const checks = MODES[mode];
    if (checks === undefined) throw new CheckFailed(`unknown check "${mode}" (${Object.keys(MODES).join(", ")})`);
    for (const check of checks) process.stdout.write(`ok: ${await check()}\n`);
}

main(process.argv[2] ?? "all").catch((error: unknown) => {
    process.stderr.write(`FAIL: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
});
