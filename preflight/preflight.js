// @ts-check
/**
 * meshstack's pre-flight gate, run once per pool node by a Kubernetes Job before Istio is installed.
 * It refuses a node (exit 1) whose hypervisor steals CPU or whose NVMe disk syncs slowly:
 *
 * - CPU steal time: two reads of /proc/stat, `STEAL_SAMPLE_SECONDS` apart; the share of CPU time the
 *   hypervisor gave to others must not be above `MAX_STEAL_PERCENT`.
 * - fdatasync latency: `FSYNC_WRITES` writes of `FSYNC_WRITE_BYTES` bytes (2300, as etcd's fio guideline),
 *   each followed by fdatasync, in a fresh folder under `FSYNC_DIR` (a hostPath on the NVMe mount),
 *   removed afterwards; the 99th percentile must not be above `MAX_FSYNC_P99_MS`.
 *
 * Exit codes: 0 the node passes, 1 it fails a limit, 2 the check could not run (bad input, unwritable
 * folder). No dependencies: the unit tests import this very file, and the stack ships it verbatim in a
 * ConfigMap.
 */
"use strict";

const fs = require("fs");
const path = require("path");

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
            : "verdict: FAIL, meshstack will not install the mesh on this node (see the README: pre-flight gates)",
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
                `writable by the gate's user (see the README: pre-flight gates).`,
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

/** Measures, prints the report, and exits 0 (pass), 1 (fail) or 2 (could not run). */
async function main() {
    try {
        const limits = limitsFrom(process.env);
        const node = process.env.NODE_NAME ?? "(unknown node)";
        const dir = process.env.FSYNC_DIR ?? "/nvme";
        const before = parseProcStat(fs.readFileSync("/proc/stat", "utf8"));
        await new Promise((resolve) => setTimeout(resolve, limits.stealSampleSeconds * 1000));
        const after = parseProcStat(fs.readFileSync("/proc/stat", "utf8"));
        const samples = measureFsync(dir, limits.fsyncWrites, limits.fsyncWriteBytes);
        const measured = { stealPercent: stealPercent(before, after), fsyncP99Ms: percentile(samples, 99) };
        console.log(report(node, measured, limits));
        process.exitCode = evaluate(measured, limits).passed ? 0 : 1;
    } catch (error) {
        console.error(`meshstack pre-flight gate could not run: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 2;
    }
}

module.exports = { PreflightError, parseProcStat, stealPercent, percentile, evaluate, report, limitsFrom, measureFsync };

if (require.main === module) {
    void main();
}
