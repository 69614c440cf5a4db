// @ts-check
/**
 * The verdicts of meshstack's pre-flight gates (preflight.js), on the nodes themselves: how a gate
 * writes its verdict, how the quorum waits for the gates' Jobs and counts the verdicts. Shipped beside
 * preflight.js in the same ConfigMap; no dependencies.
 */
"use strict";

const fs = require("fs");

/** The node label that carries a gate's verdict, and the annotation with its figures. */
const VERDICT_LABEL = "meshstack.io/preflight";
const RESULT_ANNOTATION = "meshstack.io/preflight-result";
/** The field manager the verdict is applied as. */
const FIELD_MANAGER = "meshstack-preflight";

/**
 * @typedef {"passed" | "failed" | "error"} VerdictValue
 * @typedef {object} Recorded A verdict as the node carries it.
 * @property {VerdictValue} verdict
 * @property {string} result  one line: the figures, or what stopped the check
 */

/**
 * The merge patch that puts a verdict on a node: only the label and the annotation.
 * @param {Recorded} verdict
 */
function verdictPatch(verdict) {
    return { metadata: { labels: { [VERDICT_LABEL]: verdict.verdict }, annotations: { [RESULT_ANNOTATION]: verdict.result } } };
}

/**
 * @typedef {object} NodeVerdict What the quorum reads of one pool node.
 * @property {string} node
 * @property {VerdictValue | "none" | "missing"} verdict  `none`: no gate has recorded one; `missing`: no such node
 * @property {string} result
 */

/**
 * A node's verdict as the quorum reads it from the Node object (`undefined`: the node does not exist).
 * @param {string} node
 * @param {{ metadata?: { labels?: Record<string, string>, annotations?: Record<string, string> } } | undefined} object
 * @returns {NodeVerdict}
 */
function verdictOf(node, object) {
    if (object === undefined) {
        return { node, verdict: "missing", result: "no such node" };
    }
    const label = object.metadata?.labels?.[VERDICT_LABEL];
    const verdict = label === "passed" || label === "failed" || label === "error" ? label : "none";
    return { node, verdict, result: object.metadata?.annotations?.[RESULT_ANNOTATION] ?? "no verdict recorded" };
}

/**
 * Whether enough pool nodes passed, every node that must pass among them, and the report that says
 * which did not and why.
 * @param {readonly NodeVerdict[]} verdicts
 * @param {number} required
 * @param {Readonly<Record<string, string>>} mustPass  node → why it must pass
 * @returns {{ met: boolean, report: string }}
 */
function quorum(verdicts, required, mustPass) {
    const passed = verdicts.filter((entry) => entry.verdict === "passed").length;
    const missing = Object.entries(mustPass).filter(([node]) => !verdicts.some((entry) => entry.node === node && entry.verdict === "passed"));
    const met = passed >= required && missing.length === 0;
    return {
        met,
        report: [
            `meshstack pre-flight quorum: ${passed} of ${verdicts.length} pool nodes passed, ${required} needed`,
            ...verdicts.map((entry) => `  ${entry.node}: ${entry.verdict}, ${entry.result}`),
            ...missing.map(([node, why]) => `  ${node} must pass: ${why}`),
            met
                ? "verdict: PASS, the mesh may be installed on the passed nodes"
                : passed < required
                  ? "verdict: FAIL, too few nodes passed to run the mesh's replicas (see docs/node-pool.md: pre-flight gates)"
                  : "verdict: FAIL, a node that must pass did not (see docs/node-pool.md: pre-flight gates)",
        ].join("\n"),
    };
}

/**
 * Where a gate's Job stands, from the Job object: `running`, or finished with its reason.
 * @param {{ status?: { conditions?: Array<{ type: string, status: string, reason?: string }> } }} job
 * @returns {{ state: "running" } | { state: "complete" } | { state: "failed", reason: string }}
 */
function jobOutcome(job) {
    const conditions = job.status?.conditions ?? [];
    const holds = (/** @type {string} */ type) => conditions.find((condition) => condition.type === type && condition.status === "True");
    if (holds("Complete") !== undefined) {
        return { state: "complete" };
    }
    // FailureTarget comes first (Kubernetes ≥ 1.31): the Job has failed, its pods still terminating (on a
    // dead node, never).
    const failed = holds("Failed") ?? holds("FailureTarget");
    return failed === undefined ? { state: "running" } : { state: "failed", reason: failed.reason ?? failed.type };
}

/** Network errors that pass: the API server restarting, a connection dropped, a slow answer. */
const TRANSIENT = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "EHOSTUNREACH"]);

/**
 * `api`, patient with what passes: an answer of 429 or 5xx, or a transient network error, is tried
 * again, 5 s apart, up to 5 times (an API server restarting, a rate limit), before it counts.
 * @param {Api} api
 * @param {(seconds: number) => Promise<void>} sleep
 * @returns {Api}
 */
function retrying(api, sleep) {
    return async (method, requestPath, body, contentType) => {
        for (let attempt = 1; ; attempt++) {
            try {
                const response = await api(method, requestPath, body, contentType);
                if ((response.status !== 429 && response.status < 500) || attempt === 5) {
                    return response;
                }
            } catch (error) {
                if (attempt === 5 || !TRANSIENT.has(/** @type {NodeJS.ErrnoException} */ (error).code ?? "")) {
                    throw error;
                }
            }
            await sleep(5);
        }
    };
}

/**
 * A call of the Kubernetes API from inside the cluster, with the pod's service account.
 * @typedef {(method: string, path: string, body?: object, contentType?: string) => Promise<{ status: number, body: string }>} Api
 */

/**
 * The in-cluster API client: the service account's token and CA, the API server from the environment.
 * @returns {Api}
 */
function inClusterApi() {
    const https = require("https");
    const dir = "/var/run/secrets/kubernetes.io/serviceaccount";
    const host = process.env.KUBERNETES_SERVICE_HOST;
    const port = process.env.KUBERNETES_SERVICE_PORT ?? "443";
    return (method, requestPath, body, contentType = "application/json") =>
        new Promise((resolve, reject) => {
            const token = fs.readFileSync(`${dir}/token`, "utf8").trim();
            const ca = fs.readFileSync(`${dir}/ca.crt`);
            const payload = body === undefined ? undefined : JSON.stringify(body);
            const request = https.request(
                {
                    host,
                    port,
                    method,
                    path: requestPath,
                    ca,
                    timeout: 30000,
                    headers: {
                        authorization: `Bearer ${token}`,
                        accept: "application/json",
                        ...(payload === undefined ? {} : { "content-type": contentType, "content-length": Buffer.byteLength(payload) }),
                    },
                },
                (response) => {
                    let text = "";
                    response.setEncoding("utf8");
                    response.on("data", (chunk) => (text += chunk));
                    response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
                },
            );
            request.on("timeout", () => request.destroy(Object.assign(new Error(`${method} ${requestPath} timed out`), { code: "ETIMEDOUT" })));
            request.on("error", reject);
            request.end(payload);
        });
}

/**
 * Puts the verdict on the node. Returns false when there is no such node (nothing is created).
 * @param {Api} api
 * @param {string} node
 * @param {Recorded} verdict
 * @returns {Promise<boolean>}
 */
async function recordVerdict(api, node, verdict) {
    const response = await api("PATCH", `/api/v1/nodes/${encodeURIComponent(node)}?fieldManager=${FIELD_MANAGER}`, verdictPatch(verdict), "application/merge-patch+json");
    if (response.status === 404) {
        return false;
    }
    if (response.status !== 200) {
        throw new Error(`recording the verdict on node ${node} failed: HTTP ${response.status} ${response.body.slice(0, 300)}`);
    }
    return true;
}

/**
 * Reads each pool node's verdict.
 * @param {Api} api
 * @param {readonly string[]} nodes
 * @returns {Promise<NodeVerdict[]>}
 */
async function readVerdicts(api, nodes) {
    const verdicts = [];
    for (const node of nodes) {
        const response = await api("GET", `/api/v1/nodes/${encodeURIComponent(node)}`);
        if (response.status === 404) {
            verdicts.push(verdictOf(node, undefined));
        } else if (response.status === 200) {
            verdicts.push(verdictOf(node, JSON.parse(response.body)));
        } else {
            throw new Error(`reading node ${node} failed: HTTP ${response.status} ${response.body.slice(0, 300)}`);
        }
    }
    return verdicts;
}

/**
 * Waits until every gate's Job has finished, polling every 5 s for at most `waitSeconds` (of polls, and
 * of the clock); returns what stopped each gate that did not complete (`undefined` for one that did).
 * @param {Api} api
 * @param {string} namespace
 * @param {readonly string[]} jobs
 * @param {number} waitSeconds
 * @param {(seconds: number) => Promise<void>} sleep
 * @returns {Promise<Array<string | undefined>>}
 */
async function waitForGates(api, namespace, jobs, waitSeconds, sleep) {
    /** @type {Array<string | undefined | null>} null: still running */
    const outcomes = jobs.map(() => null);
    const start = Date.now();
    for (let polled = 0; ; polled += 5) {
        for (const [index, job] of jobs.entries()) {
            if (outcomes[index] !== null) {
                continue;
            }
            const response = await api("GET", `/apis/batch/v1/namespaces/${encodeURIComponent(namespace)}/jobs/${encodeURIComponent(job)}`);
            if (response.status === 404) {
                outcomes[index] = `the gate's Job ${job} does not exist`;
                continue;
            }
            if (response.status !== 200) {
                throw new Error(`reading job ${job} failed: HTTP ${response.status} ${response.body.slice(0, 300)}`);
            }
            const outcome = jobOutcome(JSON.parse(response.body));
            if (outcome.state === "complete") {
                outcomes[index] = undefined;
            } else if (outcome.state === "failed") {
                outcomes[index] = `the gate's Job failed (${outcome.reason}): kubectl logs -n ${namespace} job/${job}`;
            }
        }
        if (outcomes.every((outcome) => outcome !== null) || Math.max(polled, (Date.now() - start) / 1000) >= waitSeconds) {
            return outcomes.map((outcome) => (outcome === null ? `the gate's Job did not finish in ${waitSeconds} s` : outcome));
        }
        await sleep(5);
    }
}

/**
 * The quorum: waits for the gates, records `error` on the node of each gate that did not complete,
 * then returns 0 when enough nodes passed (and every node that must), 1 when not, 2 when it could not
 * run.
 * @param {Readonly<Record<string, string | undefined>>} env
 * @param {Api} impatient  the API, tried again by {@link retrying}
 * @param {(seconds: number) => Promise<void>} sleep
 * @returns {Promise<number>}
 */
async function quorumCheck(env, impatient, sleep) {
    const api = retrying(impatient, sleep);
    try {
        const list = (/** @type {string | undefined} */ text) => (text ?? "").split(",").filter((entry) => entry !== "");
        const nodes = list(env.POOL_NODES);
        const jobs = list(env.GATE_JOBS);
        const required = Number(env.REQUIRED_PASSED);
        const waitSeconds = Number(env.GATE_WAIT_SECONDS);
        /** @type {Record<string, string>} */
        const mustPass = JSON.parse(env.MUST_PASS ?? "{}");
        if (nodes.length === 0 || !Number.isInteger(required) || required < 1 || required > nodes.length) {
            throw new Error(`POOL_NODES (${JSON.stringify(env.POOL_NODES)}) and REQUIRED_PASSED (${JSON.stringify(env.REQUIRED_PASSED)}) must name the pool and a count from 1 to its size`);
        }
        if (jobs.length !== nodes.length || !Number.isFinite(waitSeconds) || waitSeconds < 0 || env.GATE_NAMESPACE === undefined) {
            throw new Error("GATE_JOBS must name one Job per pool node, GATE_NAMESPACE their namespace, GATE_WAIT_SECONDS how long to wait");
        }
        const stopped = await waitForGates(api, env.GATE_NAMESPACE, jobs, waitSeconds, sleep);
        for (const [index, reason] of stopped.entries()) {
            if (reason !== undefined) {
                await recordVerdict(api, nodes[index], { verdict: "error", result: reason });
            }
        }
        const outcome = quorum(await readVerdicts(api, nodes), required, mustPass);
        (outcome.met ? console.log : console.error)(outcome.report);
        return outcome.met ? 0 : 1;
    } catch (error) {
        console.error(`meshstack pre-flight quorum could not run: ${error instanceof Error ? error.message : String(error)}`);
        return 2;
    }
}

module.exports = { VERDICT_LABEL, RESULT_ANNOTATION, verdictPatch, verdictOf, quorum, jobOutcome, retrying, inClusterApi, recordVerdict, readVerdicts, waitForGates, quorumCheck };
