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
import { Api, fakeApi, quietly } from "./preflight-fakes";

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
    gate(env: Record<string, string | undefined>, api: Api, sleep: (seconds: number) => Promise<void>, procStat: () => string): Promise<number>;
}

interface Recorded {
    verdict: string;
    result: string;
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
                    "verdict: FAIL, meshstack will not install the mesh on this node (see docs/node-pool.md: pre-flight gates)",
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
                    "NVMe mount and be writable by the gate's user (see docs/node-pool.md: pre-flight gates).",
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
        // The disk here is real and shared: a fsync limit no busy machine reaches, so steal alone decides.
        const env = {
            NODE_NAME: "mesh-2",
            MAX_STEAL_PERCENT: "2",
            MAX_FSYNC_P99_MS: "10000",
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
                assert.ok(body.metadata.annotations["meshstack.io/preflight-result"].endsWith(" ms (limit 10000 ms)"));
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
                            "the check could not run: cannot create a test folder in /nonexistent/meshstack (ENOENT). The folder must exist on the node's NVMe mount and be writable by the gate's user (see docs/node-pool.md: pre-flight gates).",
                    },
                },
            });
        });

        it("tries a verdict the API server answers 503 five times, 5 s apart, then fails the Job", async () => {
            const server = fakeApi(() => ({ status: 503, body: "unavailable" }));
            const slept: number[] = [];
            const { value } = await quietly(() =>
                script.gate({ ...env, STEAL_SAMPLE_SECONDS: "0" }, server.api, (seconds) => Promise.resolve(void slept.push(seconds)), () => ""),
            );
            assert.deepStrictEqual([value, server.calls.length, slept], [3, 5, [5, 5, 5, 5]]);
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
});
