// @ts-check
/**
 * meshstack's pre-flight gate, run once per pool node by a Kubernetes Job before Istio is installed.
 * It refuses a node whose hypervisor steals CPU or whose NVMe disk syncs slowly:
 *
 * - CPU steal time: two reads of /proc/stat, `STEAL_SAMPLE_SECONDS` apart; the share of CPU time the
 *   hypervisor gave to others must not be above `MAX_STEAL_PERCENT`.
 * - fdatasync latency: `FSYNC_WRITES` writes of `FSYNC_WRITE_BYTES` bytes (2300, as etcd's fio guideline),
 *   each followed by fdatasync, in a fresh folder under `FSYNC_DIR` (a hostPath on the NVMe mount),
 *   removed afterwards; the 99th percentile must not be above `MAX_FSYNC_P99_MS`.
 *
 * The verdict goes on the node itself, where the scheduler reads it: the label `meshstack.io/preflight`
 * (`passed`, `failed`, or `error` when the check could not run) and the annotation
 * `meshstack.io/preflight-result` (the figures, or what stopped the check), written by a merge patch
 * as the field manager `meshstack-preflight` (a patch, unlike an apply, never creates a missing Node).
 * meshstack's pods select `passed` nodes only, so a node is admitted after its gate passed and a noisy
 * node keeps only itself out. The Job succeeds once
 * the verdict is recorded, whatever it is (exit 0), so a failed node does not fail `pulumi up`; it
 * fails (exit 3) only when the verdict could not be written.
 *
 * `PREFLIGHT_MODE=quorum` runs the other half, once, beside the gates: it waits until each gate's Job
 * (`GATE_JOBS`, one per node of `POOL_NODES`, in `GATE_NAMESPACE`) has finished, for at most
 * `GATE_WAIT_SECONDS`, and records `error` on the node of a gate that failed or did not finish (its pod
 * never started, its deadline passed). Then it reads the pool's verdicts and exits 0 when at least
 * `REQUIRED_PASSED` nodes passed, every node of `MUST_PASS` among them (a JSON object: node → why),
 * else 1 with each node's verdict; the control plane waits for it.
 *
 * How verdicts are written, waited for and counted is in verdicts.js, beside this file. No
 * dependencies: the unit tests import these very files, and the stack ships them verbatim in one
 * ConfigMap.
 */
"use strict";

const fs = require("fs");
const path = require("path");
const { VERDICT_LABEL, inClusterApi, quorumCheck, recordVerdict, retrying } = require("./verdicts");

/** A problem that stops the check from measuring (exit code 2). */
class PreflightError extends Error {
    /** @param {string} message */
    constructor(message) {
        super(message);
        this.name = "PreflightError";
    }
}

/**
 * @typedef {object} CpuSample The aggregate CPU counters of one /proc/stat read, in clock ticks.
 * @property {number} total   user + nice + system + idle + iowait + irq + softirq + steal
 * @property {number} steal   time the hypervisor ran other guests while this one wanted the CPU
 */

/**
 * The aggregate `cpu` line of /proc/stat. (guest and guest_nice are already counted in user and nice.)
 * @param {string} text the content of /proc/stat
 * @returns {CpuSample}
 */
function parseProcStat(text) {
    const line = text.split("\n").find((candidate) => /^cpu\s/.test(candidate));
    if (line === undefined) {
        throw new PreflightError('/proc/stat has no aggregate "cpu" line');
    }
    const fields = line.trim().split(/\s+/).slice(1, 9);
    if (fields.length < 8 || !fields.every((field) => /^\d+$/.test(field))) {
        throw new PreflightError(`/proc/stat has a malformed cpu line: "${line.trim()}" (expected 8 counters or more)`);
    }
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number);
    return { total: user + nice + system + idle + iowait + irq + softirq + steal, steal };
}

/**
 * The share of CPU time stolen between two reads, in percent.
 * @param {CpuSample} before
 * @param {CpuSample} after
 * @returns {number}
 */
function stealPercent(before, after) {
    const total = after.total - before.total;
    const steal = after.steal - before.steal;
    if (total <= 0 || steal < 0) {
        throw new PreflightError(
            `the CPU counters did not advance between the two reads of /proc/stat (total ${total}, steal ${steal} ticks)`,
        );
    }
    return (steal / total) * 100;
}

/**
 * The nearest-rank percentile of `samples` (0 < p ≤ 100).
 * @param {readonly number[]} samples
 * @param {number} p
 * @returns {number}
 */
function percentile(samples, p) {
    if (samples.length === 0) {
        throw new PreflightError("no latency samples were taken");
    }
    if (!samples.every((sample) => Number.isFinite(sample) && sample >= 0)) {
        throw new PreflightError("a latency sample is not a finite, non-negative number");
    }
    const sorted = [...samples].sort((a, b) => a - b);
    return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * @typedef {object} Limits
 * @property {number} maxStealPercent     CPU steal above this fails the node
 * @property {number} maxFsyncP99Ms       fdatasync p99 above this fails the node
 * @property {number} stealSampleSeconds  the window between the two /proc/stat reads
 * @property {number} fsyncWrites         how many synced writes to time
 * @property {number} fsyncWriteBytes     the size of each write
 */

/**
 * @typedef {object} Measured
 * @property {number} stealPercent  CPU steal over the window, in percent
 * @property {number} fsyncP99Ms    99th percentile of fdatasync latency, in milliseconds
 */

/**
 * @typedef {object} Verdict
 * @property {boolean} passed                 every check is within its limit
 * @property {boolean} stealPassed            CPU steal is not above its limit
 * @property {boolean} fsyncPassed            fdatasync p99 is not above its limit
 */

/**
 * A node passes when each figure is at or below its limit.
 * @param {Measured} measured
 * @param {Limits} limits
 * @returns {Verdict}
 */
function evaluate(measured, limits) {
    const stealPassed = measured.stealPercent <= limits.maxStealPercent;
    const fsyncPassed = measured.fsyncP99Ms <= limits.maxFsyncP99Ms;
    return { passed: stealPassed && fsyncPassed, stealPassed, fsyncPassed };
}

/**
 * What the Job prints: the figures, the limits and the verdict, for `kubectl logs job/...`.
 * @param {string} node
 * @param {Measured} measured
 * @param {Limits} limits
 * @returns {string}
 */
function report(node, measured, limits) {
    const verdict = evaluate(measured, limits);
    const mark = (/** @type {boolean} */ passed) => (passed ? "ok" : "TOO HIGH");
    return [
        `meshstack pre-flight gate, node ${node}`,
        `  CPU steal:     ${measured.stealPercent.toFixed(2)} % over ${limits.stealSampleSeconds} s ` +
            `(limit ${limits.maxStealPercent.toFixed(2)} %)  ${mark(verdict.stealPassed)}`,
        `  fdatasync p99: ${measured.fsyncP99Ms.toFixed(2)} ms over ${limits.fsyncWrites} writes of ` +
            `${limits.fsyncWriteBytes} bytes (limit ${limits.maxFsyncP99Ms.toFixed(2)} ms)  ${mark(verdict.fsyncPassed)}`,
        verdict.passed
            ? "verdict: PASS, the node may run the mesh"
            : "verdict: FAIL, meshstack will not install the mesh on this node (see docs/node-pool.md: pre-flight gates)",
    ].join("\n");
}

/**
 * The limits from the Job's environment; every variable is required.
 * @param {Readonly<Record<string, string | undefined>>} env
 * @returns {Limits}
 */
function limitsFrom(env) {
    /** @param {string} name @param {number} min @param {boolean} integer */
    const read = (name, min, integer) => {
        const text = env[name];
        const value = Number(text);
        if (text === undefined || text.trim() === "" || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
            throw new PreflightError(`${name} must be ${integer ? "a whole number" : "a number"} of at least ${min}, got ${JSON.stringify(text)}`);
        }
        return value;
    };
    return {
        maxStealPercent: read("MAX_STEAL_PERCENT", 0, false),
        maxFsyncP99Ms: read("MAX_FSYNC_P99_MS", 0, false),
        stealSampleSeconds: read("STEAL_SAMPLE_SECONDS", 1, false),
        fsyncWrites: read("FSYNC_WRITES", 1, true),
        fsyncWriteBytes: read("FSYNC_WRITE_BYTES", 1, true),
    };
}

/**
 * Times `writes` synced writes of `bytes` bytes in a fresh folder under `dir`, removed afterwards.
 * @param {string} dir
 * @param {number} writes
 * @param {number} bytes
 * @returns {number[]} each fdatasync's duration in milliseconds
 */
function measureFsync(dir, writes, bytes) {
    let folder;
    try {
        folder = fs.mkdtempSync(path.join(dir, "meshstack-preflight-"));
    } catch (error) {
        const code = /** @type {NodeJS.ErrnoException} */ (error).code;
        throw new PreflightError(
            `cannot create a test folder in ${dir} (${code}). The folder must exist on the node's NVMe mount and be ` +
                `writable by the gate's user (see docs/node-pool.md: pre-flight gates).`,
        );
    }
    const samples = [];
    const buffer = Buffer.alloc(bytes, 0x6d);
    let fd;
    try {
        fd = fs.openSync(path.join(folder, "fsync-test"), "w");
        for (let i = 0; i < writes; i++) {
            fs.writeSync(fd, buffer);
            const start = process.hrtime.bigint();
            fs.fdatasyncSync(fd);
            samples.push(Number(process.hrtime.bigint() - start) / 1e6);
        }
    } finally {
        try {
            if (fd !== undefined) {
                fs.closeSync(fd);
            }
            fs.rmSync(folder, { recursive: true, force: true });
        } catch (error) {
            // Cleaning up must not hide the measurement's own error; say what was left behind.
            console.error(`meshstack pre-flight gate could not remove ${folder}: ${error instanceof Error ? error.message : String(error)}`);
        }
    }
    return samples;
}

/**
 * The one-line result the node's annotation carries.
 * @param {Measured} measured
 * @param {Limits} limits
 * @returns {import("./verdicts").Recorded}
 */
function recorded(measured, limits) {
    const verdict = evaluate(measured, limits);
    return {
        verdict: verdict.passed ? "passed" : "failed",
        result:
            `CPU steal ${measured.stealPercent.toFixed(2)} % (limit ${limits.maxStealPercent} %)${verdict.stealPassed ? "" : " TOO HIGH"}, ` +
            `fdatasync p99 ${measured.fsyncP99Ms.toFixed(2)} ms (limit ${limits.maxFsyncP99Ms} ms)${verdict.fsyncPassed ? "" : " TOO HIGH"}`,
    };
}

/**
 * The gate: measures, prints the report, records the verdict on the node. Returns the exit code: 0 once
 * the verdict (passed, failed or error) is recorded, 3 when it could not be.
 * @param {Readonly<Record<string, string | undefined>>} env
 * @param {import("./verdicts").Api} impatient  the API, tried again by `retrying`
 * @param {(seconds: number) => Promise<void>} sleep
 * @param {() => string} procStat
 * @returns {Promise<number>}
 */
async function gate(env, impatient, sleep, procStat) {
    const api = retrying(impatient, sleep);
    const node = env.NODE_NAME ?? "(unknown node)";
    /** @type {import("./verdicts").Recorded} */
    let verdict;
    try {
        const limits = limitsFrom(env);
        const before = parseProcStat(procStat());
        await sleep(limits.stealSampleSeconds);
        const after = parseProcStat(procStat());
        const samples = measureFsync(env.FSYNC_DIR ?? "/nvme", limits.fsyncWrites, limits.fsyncWriteBytes);
        const measured = { stealPercent: stealPercent(before, after), fsyncP99Ms: percentile(samples, 99) };
        console.log(report(node, measured, limits));
        verdict = recorded(measured, limits);
    } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        console.error(`meshstack pre-flight gate could not run: ${message}`);
        verdict = { verdict: "error", result: `the check could not run: ${message}` };
    }
    try {
        if (!(await recordVerdict(api, node, verdict))) {
            throw new Error(`recording the verdict on node ${node} failed: no such node`);
        }
        console.log(`recorded on node ${node}: ${VERDICT_LABEL}=${verdict.verdict}`);
        return 0;
    } catch (error) {
        console.error(`meshstack pre-flight gate: ${error instanceof Error ? error.message : String(error)}`);
        return 3;
    }
}

/** Runs the gate, or the quorum with `PREFLIGHT_MODE=quorum`, as the Job does. */
async function main() {
    // Node as PID 1 ignores SIGTERM without a handler: a replaced or timed-out gate must stop at once,
    // not sync to the disk beside its successor (and write a stale verdict) until it is killed.
    process.on("SIGTERM", () => {
        console.error("meshstack pre-flight: stopped (SIGTERM)");
        process.exit(143);
    });
    /** @param {number} seconds */
    const sleep = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    // The gate and the quorum each try a transient failure again themselves (`retrying`, once).
    const api = inClusterApi();
    process.exitCode =
        process.env.PREFLIGHT_MODE === "quorum"
            ? await quorumCheck(process.env, api, sleep)
            : await gate(process.env, api, sleep, () => fs.readFileSync("/proc/stat", "utf8"));
}

module.exports = { PreflightError, parseProcStat, stealPercent, percentile, evaluate, report, limitsFrom, measureFsync, recorded, gate };

if (require.main === module) {
    main().catch((error) => {
        console.error(`meshstack pre-flight: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 3;
    });
}
