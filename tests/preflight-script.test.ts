/**
 * The pre-flight gate's script, the very file the stack ships in its ConfigMap: its verdicts on
 * recorded /proc/stat and latency samples, the boundary at exactly a limit, malformed input, and one
 * real run on a temporary folder.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_ROOT } from "./harness";

/** The script's exports, typed for the tests. */
interface PreflightScript {
    PreflightError: new (message: string) => Error;
    parseProcStat(text: string): { total: number; steal: number };
    stealPercent(before: { total: number; steal: number }, after: { total: number; steal: number }): number;
    percentile(samples: readonly number[], p: number): number;
    evaluate(
        measured: { stealPercent: number; fsyncP99Ms: number },
        limits: Limits,
    ): { passed: boolean; stealPassed: boolean; fsyncPassed: boolean };
    report(node: string, measured: { stealPercent: number; fsyncP99Ms: number }, limits: Limits): string;
    limitsFrom(env: Record<string, string | undefined>): Limits;
    measureFsync(dir: string, writes: number, bytes: number): number[];
    recorded(measured: { stealPercent: number; fsyncP99Ms: number }, limits: Limits): Recorded;
    verdictPatch(verdict: Recorded): object;
    verdictOf(node: string, object: object | undefined): NodeVerdict;
    quorum(verdicts: readonly NodeVerdict[], required: number, mustPass: Record<string, string>): { met: boolean; report: string };
    jobOutcome(job: object): { state: string; reason?: string };
    gate(env: Record<string, string | undefined>, api: Api, sleep: (seconds: number) => Promise<void>, procStat: () => string): Promise<number>;
    quorumCheck(env: Record<string, string | undefined>, api: Api, sleep: (seconds: number) => Promise<void>): Promise<number>;
}

interface Recorded {
    verdict: string;
    result: string;
}

interface NodeVerdict {
    node: string;
    verdict: string;
    result: string;
}

type Api = (method: string, path: string, body?: object, contentType?: string) => Promise<{ status: number; body: string }>;

interface Call {
    method: string;
    path: string;
    body?: object;
    contentType?: string;
}

/** A stand-in for the API server: answers from `answer`, records every call. */
function fakeApi(answer: (call: Call) => { status: number; body: string }): { api: Api; calls: Call[] } {
    const calls: Call[] = [];
    return {
        calls,
        api: (method, path, body, contentType) => {
            const call = { method, path, ...(body === undefined ? {} : { body }), ...(contentType === undefined ? {} : { contentType }) };
            calls.push(call);
            return Promise.resolve(answer(call));
        },
    };
}

/** Silences the script's console while `work` runs; returns what it printed. */
async function quietly<T>(work: () => Promise<T>): Promise<{ value: T; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const { log, error } = console;
    console.log = (text: string) => out.push(text);
    console.error = (text: string) => err.push(text);
    try {
        return { value: await work(), out, err };
    } finally {
        console.log = log;
        console.error = error;
    }
}

interface Limits {
    maxStealPercent: number;
    maxFsyncP99Ms: number;
    stealSampleSeconds: number;
    fsyncWrites: number;
    fsyncWriteBytes: number;
}

const SCRIPT = path.join(PROJECT_ROOT, "preflight", "preflight.js");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const script = require(SCRIPT) as PreflightScript;

const LIMITS: Limits = { maxStealPercent: 2, maxFsyncP99Ms: 10, stealSampleSeconds: 10, fsyncWrites: 2000, fsyncWriteBytes: 2300 };

/** A /proc/stat as a 4-CPU KVM guest prints it, with the given aggregate counters. */
function procStat(user: number, system: number, idle: number, steal: number): string {
    return [
        `cpu  ${user} 12 ${system} ${idle} 310 0 95 ${steal} 0 0`,
        `cpu0 ${user / 4} 3 ${system / 4} ${idle / 4} 77 0 24 ${steal / 4} 0 0`,
        "intr 123456 0 0",
        "ctxt 987654",
        "btime 1764000000",
        "processes 4242",
    ].join("\n");
}

describe("pre-flight script", () => {
    describe("CPU steal from two reads of /proc/stat", () => {
        it("parses the aggregate cpu line, counting steal and not the guest fields", () => {
            assert.deepStrictEqual(script.parseProcStat(procStat(1000, 500, 8000, 40)), {
                total: 1000 + 12 + 500 + 8000 + 310 + 0 + 95 + 40,
                steal: 40,
            });
        });

        const cases: Array<[string, [number, number, number, number], [number, number, number, number], number]> = [
            ["a quiet dedicated host", [1000, 500, 8000, 40], [1400, 700, 9800, 40], 0],
            ["1 % stolen", [1000, 500, 8000, 40], [1000, 500, 8990, 50], 1],
            ["exactly 2 % stolen", [0, 0, 0, 0], [0, 0, 980, 20], 2],
            ["a noisy neighbour: 12.5 % stolen", [0, 0, 0, 0], [300, 100, 300, 100], 12.5],
        ];
        for (const [name, before, after, expected] of cases) {
            it(`${name}: ${expected} %`, () => {
                const value = script.stealPercent(script.parseProcStat(procStat(...before)), script.parseProcStat(procStat(...after)));
                assert.ok(Math.abs(value - expected) < 1e-9, String(value));
            });
        }

        const malformed: Array<[string, string, string]> = [
            ["no cpu line", "intr 1 2 3\nctxt 4", '/proc/stat has no aggregate "cpu" line'],
            ["too few counters", "cpu  1 2 3 4", '/proc/stat has a malformed cpu line: "cpu  1 2 3 4" (expected 8 counters or more)'],
            ["a counter that is not a number", "cpu  1 2 x 4 5 6 7 8", '/proc/stat has a malformed cpu line: "cpu  1 2 x 4 5 6 7 8" (expected 8 counters or more)'],
        ];
        for (const [name, text, message] of malformed) {
            it(`refuses ${name}`, () => {
                assert.throws(() => script.parseProcStat(text), { name: "PreflightError", message });
            });
        }

        it("refuses counters that did not advance", () => {
            const sample = script.parseProcStat(procStat(1, 1, 1, 1));
            assert.throws(() => script.stealPercent(sample, sample), {
                message: "the CPU counters did not advance between the two reads of /proc/stat (total 0, steal 0 ticks)",
            });
        });
    });

    describe("fdatasync latency percentile", () => {
        // 100 samples: 98 fast writes, two slow ones; p99 is the 99th of 100 sorted.
        const nvme = [...Array.from({ length: 98 }, (_, i) => 0.4 + i / 1000), 3.2, 25];
        const cases: Array<[string, number[], number, number]> = [
            ["NVMe with one outlier: p99 ignores the worst 1 %", nvme, 99, 3.2],
            ["the maximum", nvme, 100, 25],
            ["the median of 1..5", [5, 1, 4, 2, 3], 50, 3],
            ["one sample", [7], 99, 7],
        ];
        for (const [name, samples, p, expected] of cases) {
            it(`${name}: p${p} = ${expected}`, () => {
                assert.strictEqual(script.percentile(samples, p), expected);
            });
        }

        it("refuses no samples and a negative one", () => {
            assert.throws(() => script.percentile([], 99), { message: "no latency samples were taken" });
            assert.throws(() => script.percentile([1, -2], 99), { message: "a latency sample is not a finite, non-negative number" });
        });
    });

    describe("verdict", () => {
        const cases: Array<[string, number, number, { passed: boolean; stealPassed: boolean; fsyncPassed: boolean }]> = [
            ["both well within", 0.3, 1.2, { passed: true, stealPassed: true, fsyncPassed: true }],
            ["exactly at both limits passes", 2, 10, { passed: true, stealPassed: true, fsyncPassed: true }],
            ["steal just above", 2.01, 1, { passed: false, stealPassed: false, fsyncPassed: true }],
            ["fsync just above", 0, 10.01, { passed: false, stealPassed: true, fsyncPassed: false }],
            ["both above", 8, 40, { passed: false, stealPassed: false, fsyncPassed: false }],
        ];
        for (const [name, steal, fsync, verdict] of cases) {
            it(name, () => {
                assert.deepStrictEqual(script.evaluate({ stealPercent: steal, fsyncP99Ms: fsync }, LIMITS), verdict);
            });
        }

        it("prints figures, limits and verdict a person can read in the Job's log", () => {
            assert.strictEqual(
                script.report("mesh-1", { stealPercent: 4.256, fsyncP99Ms: 1.5 }, LIMITS),
                [
                    "meshstack pre-flight gate, node mesh-1",
                    "  CPU steal:     4.26 % over 10 s (limit 2.00 %)  TOO HIGH",
                    "  fdatasync p99: 1.50 ms over 2000 writes of 2300 bytes (limit 10.00 ms)  ok",
                    "verdict: FAIL, meshstack will not install the mesh on this node (see the README: pre-flight gates)",
                ].join("\n"),
            );
        });
    });

    describe("limits from the Job's environment", () => {
        const env = {
            MAX_STEAL_PERCENT: "2",
            MAX_FSYNC_P99_MS: "10",
            STEAL_SAMPLE_SECONDS: "10",
            FSYNC_WRITES: "2000",
            FSYNC_WRITE_BYTES: "2300",
        };

        it("reads every limit", () => {
            assert.deepStrictEqual(script.limitsFrom(env), LIMITS);
        });

        const bad: Array<[string, string | undefined, string]> = [
            ["MAX_STEAL_PERCENT", "-1", 'MAX_STEAL_PERCENT must be a number of at least 0, got "-1"'],
            ["FSYNC_WRITES", "1.5", 'FSYNC_WRITES must be a whole number of at least 1, got "1.5"'],
            ["MAX_FSYNC_P99_MS", undefined, "MAX_FSYNC_P99_MS must be a number of at least 0, got undefined"],
            ["STEAL_SAMPLE_SECONDS", "ten", 'STEAL_SAMPLE_SECONDS must be a number of at least 1, got "ten"'],
        ];
        for (const [name, value, message] of bad) {
            it(`refuses ${name}=${String(value)}`, () => {
                assert.throws(() => script.limitsFrom({ ...env, [name]: value }), { message });
            });
        }
    });

    describe("on a real folder", () => {
        it("times each synced write and leaves nothing behind", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshstack-test-"));
            try {
                const samples = script.measureFsync(dir, 20, 2300);
                assert.strictEqual(samples.length, 20);
                assert.ok(samples.every((sample) => sample >= 0));
                assert.deepStrictEqual(fs.readdirSync(dir), []);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("says what to fix when the test folder cannot be written", () => {
            assert.throws(() => script.measureFsync("/nonexistent/meshstack", 1, 2300), {
                message:
                    "cannot create a test folder in /nonexistent/meshstack (ENOENT). The folder must exist on the node's " +
                    "NVMe mount and be writable by the gate's user (see the README: pre-flight gates).",
            });
        });

        it("as the Job runs it: the check cannot run, and outside a cluster the verdict cannot be recorded (exit 3)", () => {
            const result = spawnSync(process.execPath, [SCRIPT], {
                env: { MAX_STEAL_PERCENT: "2", MAX_FSYNC_P99_MS: "10", NODE_NAME: "mesh-1" },
                encoding: "utf8",
            });
            assert.strictEqual(result.status, 3);
            assert.deepStrictEqual(result.stderr.split("\n").slice(0, 2), [
                "meshstack pre-flight gate could not run: STEAL_SAMPLE_SECONDS must be a number of at least 1, got undefined",
                "meshstack pre-flight gate: ENOENT: no such file or directory, open '/var/run/secrets/kubernetes.io/serviceaccount/token'",
            ]);
        });
    });

    describe("the verdict on the node", () => {
        const env = {
            NODE_NAME: "mesh-2",
            MAX_STEAL_PERCENT: "2",
            MAX_FSYNC_P99_MS: "10",
            STEAL_SAMPLE_SECONDS: "10",
            FSYNC_WRITES: "20",
            FSYNC_WRITE_BYTES: "2300",
        };

        it("one line of figures, TOO HIGH where a limit is broken", () => {
            assert.deepStrictEqual(script.recorded({ stealPercent: 0.42, fsyncP99Ms: 0.91 }, LIMITS), {
                verdict: "passed",
                result: "CPU steal 0.42 % (limit 2 %), fdatasync p99 0.91 ms (limit 10 ms)",
            });
            assert.deepStrictEqual(script.recorded({ stealPercent: 3.5, fsyncP99Ms: 12 }, LIMITS), {
                verdict: "failed",
                result: "CPU steal 3.50 % (limit 2 %) TOO HIGH, fdatasync p99 12.00 ms (limit 10 ms) TOO HIGH",
            });
        });

        const steals: Array<[string, number, string, string]> = [
            ["a quiet node passes", 0, "passed", "CPU steal 0.00 % (limit 2 %)"],
            ["a noisy node fails, and the Job still succeeds", 5, "failed", "CPU steal 5.00 % (limit 2 %) TOO HIGH"],
        ];
        for (const [name, stolen, verdict, steal] of steals) {
            it(`${name}: measured, applied to its node as meshstack-preflight, exit 0`, async () => {
                const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshstack-test-"));
                const server = fakeApi(() => ({ status: 200, body: "{}" }));
                const reads = [procStat(1000, 500, 8000, 0), procStat(1000, 500, 8100 - stolen, stolen)];
                const slept: number[] = [];
                try {
                    const { value } = await quietly(() =>
                        script.gate(
                            { ...env, FSYNC_DIR: dir },
                            server.api,
                            (seconds) => {
                                slept.push(seconds);
                                return Promise.resolve();
                            },
                            () => reads.shift() ?? "",
                        ),
                    );
                    assert.strictEqual(value, 0);
                } finally {
                    fs.rmSync(dir, { recursive: true, force: true });
                }
                assert.deepStrictEqual(slept, [10]);
                assert.strictEqual(server.calls.length, 1);
                const [call] = server.calls;
                assert.deepStrictEqual([call.method, call.path, call.contentType], [
                    "PATCH",
                    "/api/v1/nodes/mesh-2?fieldManager=meshstack-preflight",
                    "application/merge-patch+json",
                ]);
                const body = call.body as { metadata: { labels: object; annotations: Record<string, string> } };
                assert.deepStrictEqual(body.metadata.labels, { "meshstack.io/preflight": verdict });
                assert.ok(body.metadata.annotations["meshstack.io/preflight-result"].startsWith(`${steal}, fdatasync p99 `));
            });
        }

        it("a check that cannot run is recorded as error, with what stopped it", async () => {
            const server = fakeApi(() => ({ status: 200, body: "{}" }));
            const { value } = await quietly(() =>
                script.gate({ ...env, FSYNC_DIR: "/nonexistent/meshstack" }, server.api, () => Promise.resolve(), () => procStat(1, 1, 1, 0)),
            );
            assert.strictEqual(value, 0);
            assert.deepStrictEqual(server.calls[0].body, {
                metadata: {
                    labels: { "meshstack.io/preflight": "error" },
                    annotations: {
                        "meshstack.io/preflight-result":
                            "the check could not run: cannot create a test folder in /nonexistent/meshstack (ENOENT). The folder must exist on the node's NVMe mount and be writable by the gate's user (see the README: pre-flight gates).",
                    },
                },
            });
        });

        it("fails the Job (exit 3) only when the verdict cannot be written", async () => {
            const server = fakeApi(() => ({ status: 403, body: '{"reason":"Forbidden"}' }));
            const { value, err } = await quietly(() =>
                script.gate({ ...env, STEAL_SAMPLE_SECONDS: "0" }, server.api, () => Promise.resolve(), () => ""),
            );
            assert.strictEqual(value, 3);
            assert.deepStrictEqual(err, [
                "meshstack pre-flight gate could not run: STEAL_SAMPLE_SECONDS must be a number of at least 1, got \"0\"",
                'meshstack pre-flight gate: recording the verdict on node mesh-2 failed: HTTP 403 {"reason":"Forbidden"}',
            ]);
        });
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
                    "verdict: FAIL, too few nodes passed to run the mesh's replicas (see the README: pre-flight gates)",
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
                    "verdict: FAIL, a node that must pass did not (see the README: pre-flight gates)",
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
});
