/**
 * The pre-flight quorum (preflight/verdicts.js, the very file the stack ships): it waits for the gates'
 * Jobs, records `error` for a gate that did not complete, and counts the verdicts on the nodes.
 */
import * as assert from "assert";
import * as path from "path";
import { PREFLIGHT_RESULT_ANNOTATION, PREFLIGHT_VERDICT_LABEL } from "../lib/preflight";
import { PROJECT_ROOT } from "./harness";
import { Api, fakeApi, quietly } from "./preflight-fakes";

interface NodeVerdict {
    node: string;
    verdict: string;
    result: string;
}

/** The script's exports, typed for the tests. */
interface VerdictsScript {
    VERDICT_LABEL: string;
    RESULT_ANNOTATION: string;
    quorum(verdicts: readonly NodeVerdict[], required: number, mustPass: Record<string, string>): { met: boolean; report: string };
    jobOutcome(job: object): { state: string; reason?: string };
    retrying(api: Api, sleep: (seconds: number) => Promise<void>): Api;
    quorumCheck(env: Record<string, string | undefined>, api: Api, sleep: (seconds: number) => Promise<void>): Promise<number>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const script = require(path.join(PROJECT_ROOT, "preflight", "verdicts.js")) as VerdictsScript;

describe("pre-flight verdicts", () => {
    it("the script writes the label meshstack's pods select and the annotation the README names", () => {
        assert.deepStrictEqual([script.VERDICT_LABEL, script.RESULT_ANNOTATION], [PREFLIGHT_VERDICT_LABEL, PREFLIGHT_RESULT_ANNOTATION]);
        assert.deepStrictEqual([PREFLIGHT_VERDICT_LABEL, PREFLIGHT_RESULT_ANNOTATION], ["meshstack.io/preflight", "meshstack.io/preflight-result"]);
    });

    describe("the quorum", () => {
        const nodes: Record<string, object> = {
            "mesh-1": { metadata: { labels: { "meshstack.io/preflight": "passed" }, annotations: { "meshstack.io/preflight-result": "CPU steal 0.10 %" } } },
            "mesh-2": { metadata: { labels: { "meshstack.io/preflight": "failed" }, annotations: { "meshstack.io/preflight-result": "CPU steal 4.00 % TOO HIGH" } } },
            "mesh-3": { metadata: { labels: { "kubernetes.io/hostname": "mesh-3" } } },
        };
        const done = { status: { conditions: [{ type: "Complete", status: "True" }] } };
        const jobs: Record<string, object> = {
            "preflight-mesh-1": done,
            "preflight-mesh-2": done,
            "preflight-mesh-3": { status: { conditions: [{ type: "FailureTarget", status: "True" }, { type: "Failed", status: "True", reason: "DeadlineExceeded" }] } },
        };
        /** The API as the quorum sees it: nodes and jobs to read; applied verdicts land on `nodes`' copy. */
        const server = (): ReturnType<typeof fakeApi> => {
            const live = JSON.parse(JSON.stringify(nodes)) as Record<string, { metadata: { labels: Record<string, string>; annotations?: Record<string, string> } }>;
            return fakeApi((call) => {
                const job = /\/jobs\/(.+)$/.exec(call.path)?.[1];
                if (job !== undefined) {
                    return jobs[job] === undefined ? { status: 404, body: "{}" } : { status: 200, body: JSON.stringify(jobs[job]) };
                }
                const name = decodeURIComponent(call.path.replace("/api/v1/nodes/", "").replace(/\?.*$/, ""));
                if (call.method === "PATCH") {
                    if (live[name] === undefined) {
                        return { status: 404, body: "{}" };
                    }
                    const applied = (call.body as { metadata: { labels: Record<string, string>; annotations: Record<string, string> } }).metadata;
                    live[name].metadata.labels = { ...live[name].metadata.labels, ...applied.labels };
                    live[name].metadata.annotations = { ...live[name].metadata.annotations, ...applied.annotations };
                    return { status: 200, body: "{}" };
                }
                return live[name] === undefined ? { status: 404, body: "{}" } : { status: 200, body: JSON.stringify(live[name]) };
            });
        };
        const env = (pool: string, required: number, mustPass: object = {}): Record<string, string> => ({
            POOL_NODES: pool,
            GATE_JOBS: pool
                .split(",")
                .map((node) => `preflight-${node}`)
                .join(","),
            GATE_NAMESPACE: "meshstack-preflight",
            GATE_WAIT_SECONDS: "60",
            REQUIRED_PASSED: String(required),
            MUST_PASS: JSON.stringify(mustPass),
        });
        const noSleep = (): Promise<void> => Promise.resolve();

        const cases: Array<[string, Record<string, string>, number, string[]]> = [
            [
                "1 of 3 passed, 1 needed; a gate whose Job failed is recorded as error",
                env("mesh-1,mesh-2,mesh-3", 1),
                0,
                [
                    "meshstack pre-flight quorum: 1 of 3 pool nodes passed, 1 needed",
                    "  mesh-1: passed, CPU steal 0.10 %",
                    "  mesh-2: failed, CPU steal 4.00 % TOO HIGH",
                    "  mesh-3: error, the gate's Job failed (DeadlineExceeded): kubectl logs -n meshstack-preflight job/preflight-mesh-3",
                    "verdict: PASS, the mesh may be installed on the passed nodes",
                ],
            ],
            [
                "1 of 4 passed, 2 needed, one node and its Job gone",
                env("mesh-1,mesh-2,mesh-3,mesh-9", 2),
                1,
                [
                    "meshstack pre-flight quorum: 1 of 4 pool nodes passed, 2 needed",
                    "  mesh-1: passed, CPU steal 0.10 %",
                    "  mesh-2: failed, CPU steal 4.00 % TOO HIGH",
                    "  mesh-3: error, the gate's Job failed (DeadlineExceeded): kubectl logs -n meshstack-preflight job/preflight-mesh-3",
                    "  mesh-9: missing, no such node",
                    "verdict: FAIL, too few nodes passed to run the mesh's replicas (see docs/node-pool.md: pre-flight gates)",
                ],
            ],
            [
                "enough passed, but not the node that holds a volume",
                env("mesh-1,mesh-2", 1, { "mesh-2": "it holds the local volume prometheus" }),
                1,
                [
                    "meshstack pre-flight quorum: 1 of 2 pool nodes passed, 1 needed",
                    "  mesh-1: passed, CPU steal 0.10 %",
                    "  mesh-2: failed, CPU steal 4.00 % TOO HIGH",
                    "  mesh-2 must pass: it holds the local volume prometheus",
                    "verdict: FAIL, a node that must pass did not (see docs/node-pool.md: pre-flight gates)",
                ],
            ],
        ];
        for (const [name, environment, code, report] of cases) {
            it(`${name}: exit ${code}, each node's verdict and why`, async () => {
                const api = server();
                const { value, out, err } = await quietly(() => script.quorumCheck(environment, api.api, noSleep));
                assert.strictEqual(value, code);
                assert.deepStrictEqual(code === 0 ? out : err, [report.join("\n")]);
            });
        }

        it("waits for a running gate, then reads; writes only the verdict of a gate that did not complete", async () => {
            let polls = 0;
            const running = { status: { active: 1 } };
            const api = fakeApi((call) => {
                if (call.path.endsWith("/jobs/preflight-mesh-1")) {
                    polls++;
                    return { status: 200, body: JSON.stringify(polls < 3 ? running : done) };
                }
                if (call.path.endsWith("/jobs/preflight-mesh-2")) {
                    return { status: 200, body: JSON.stringify(running) };
                }
                return call.method === "PATCH" ? { status: 200, body: "{}" } : { status: 200, body: JSON.stringify(nodes["mesh-1"]) };
            });
            const slept: number[] = [];
            const sleep = (seconds: number): Promise<void> => {
                slept.push(seconds);
                return Promise.resolve();
            };
            const { value } = await quietly(() => script.quorumCheck({ ...env("mesh-1,mesh-2", 1), GATE_WAIT_SECONDS: "10" }, api.api, sleep));
            assert.strictEqual(value, 0);
            assert.deepStrictEqual(slept, [5, 5]);
            assert.deepStrictEqual(
                api.calls.map((call) => `${call.method} ${call.path}`),
                [
                    "GET /apis/batch/v1/namespaces/meshstack-preflight/jobs/preflight-mesh-1",
                    "GET /apis/batch/v1/namespaces/meshstack-preflight/jobs/preflight-mesh-2",
                    "GET /apis/batch/v1/namespaces/meshstack-preflight/jobs/preflight-mesh-1",
                    "GET /apis/batch/v1/namespaces/meshstack-preflight/jobs/preflight-mesh-2",
                    "GET /apis/batch/v1/namespaces/meshstack-preflight/jobs/preflight-mesh-1",
                    "GET /apis/batch/v1/namespaces/meshstack-preflight/jobs/preflight-mesh-2",
                    "PATCH /api/v1/nodes/mesh-2?fieldManager=meshstack-preflight",
                    "GET /api/v1/nodes/mesh-1",
                    "GET /api/v1/nodes/mesh-2",
                ],
            );
            assert.deepStrictEqual((api.calls[6].body as { metadata: object }).metadata, {
                labels: { "meshstack.io/preflight": "error" },
                annotations: { "meshstack.io/preflight-result": "the gate's Job did not finish in 10 s" },
            });
        });

        const outcomes: Array<[string, object, object]> = [
            ["no status yet", {}, { state: "running" }],
            ["active", { status: { active: 1, conditions: [] } }, { state: "running" }],
            ["complete", done, { state: "complete" }],
            ["failed at its backoff limit", { status: { conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded" }] } }, { state: "failed", reason: "BackoffLimitExceeded" }],
            ["a condition that no longer holds", { status: { conditions: [{ type: "Failed", status: "False" }] } }, { state: "running" }],
            [
                "failed, its pod still terminating (on a dead node, for ever)",
                { status: { active: 1, conditions: [{ type: "FailureTarget", status: "True", reason: "DeadlineExceeded" }] } },
                { state: "failed", reason: "DeadlineExceeded" },
            ],
        ];
        for (const [name, job, outcome] of outcomes) {
            it(`reads a gate's Job: ${name}`, () => {
                assert.deepStrictEqual(script.jobOutcome(job), outcome);
            });
        }

        it("refuses a count it cannot meet, a Job list that does not match, and an API it cannot read (exit 2)", async () => {
            const bad = await quietly(() => script.quorumCheck({ ...env("mesh-1", 2) }, server().api, noSleep));
            assert.deepStrictEqual([bad.value, bad.err], [
                2,
                ['meshstack pre-flight quorum could not run: POOL_NODES ("mesh-1") and REQUIRED_PASSED ("2") must name the pool and a count from 1 to its size'],
            ]);
            const jobsOff = await quietly(() => script.quorumCheck({ ...env("mesh-1,mesh-2", 1), GATE_JOBS: "preflight-mesh-1" }, server().api, noSleep));
            assert.deepStrictEqual([jobsOff.value, jobsOff.err], [
                2,
                ["meshstack pre-flight quorum could not run: GATE_JOBS must name one Job per pool node, GATE_NAMESPACE their namespace, GATE_WAIT_SECONDS how long to wait"],
            ]);
            const forbidden = await quietly(() => script.quorumCheck(env("mesh-1", 1), fakeApi(() => ({ status: 403, body: "no" })).api, noSleep));
            assert.deepStrictEqual([forbidden.value, forbidden.err], [2, ["meshstack pre-flight quorum could not run: reading job preflight-mesh-1 failed: HTTP 403 no"]]);
        });
    });

    describe("an API that passes out", () => {
        const cases: Array<[string, Array<number | string>, number | string, number]> = [
            ["a restart: 503 twice, then an answer", [503, 503, 200], 200, 2],
            ["a rate limit, then an answer", [429, 200], 200, 1],
            ["a dropped connection, then an answer", ["ECONNRESET", 200], 200, 1],
            ["five 500s: the last counts", [500, 500, 500, 500, 500, 200], 500, 4],
            ["a refusal is not tried again", [403, 200], 403, 0],
            ["nor an error that will not pass", ["ENOENT", 200], "ENOENT", 0],
        ];
        for (const [name, answers, outcome, sleeps] of cases) {
            it(name, async () => {
                const queue = [...answers];
                const slept: number[] = [];
                const api = retrying((): Promise<{ status: number; body: string }> => {
                    const next = queue.shift();
                    return typeof next === "string" ? Promise.reject(Object.assign(new Error(next), { code: next })) : Promise.resolve({ status: next ?? 0, body: "" });
                });
                const result = await api("GET", "/api/v1/nodes/mesh-1").then(
                    (response) => response.status,
                    (error: NodeJS.ErrnoException) => error.code ?? "",
                );
                assert.deepStrictEqual([result, slept.length], [outcome, sleeps]);

                function retrying(inner: Api): Api {
                    return script.retrying(inner, (seconds) => {
                        slept.push(seconds);
                        return Promise.resolve();
                    });
                }
            });
        }
    });
});
