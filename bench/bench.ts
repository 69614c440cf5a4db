/**
 * `npm run bench`: evaluates the real program under the mock engine for N = 10 to 2,000 services
 * (bench/generate.ts), each run in a fresh process ({@link RUNS} per size), and reports the median wall time of
 * the evaluation, the resources declared and the peak memory; beside each, the SDK's floor for the same
 * shape (bench/floor.ts: the same packages and resources, no logic), measured in the same run, and the
 * ratio. As a table and as bench/results.json.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Measurement } from "./run-one";

/** The sizes measured. */
export const SIZES = [10, 100, 1000, 2000] as const;
/**
 * Runs per size, of meshstack and of the floor each (the median is reported). The small sizes take under
 * 1.5 s a run and swing by a third from run to run on a 2-core machine, so they get more runs.
 */
export const RUNS: Readonly<Record<(typeof SIZES)[number], number>> = { 10: 9, 100: 7, 1000: 3, 2000: 3 };
/** The targets on a 2-core machine. */
export const TARGETS = { maxMs1000: 10_000, maxRssMiB1000: 1024, maxGrowth: 12, maxFloorRatio: 1.2 } as const;

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One size's result. */
export interface SizeResult {
    services: number;
    resources: number;
    medianMs: number;
    runsMs: number[];
    peakRssMiB: number;
    /** The same shape with no logic: its median, its runs, its peak memory. */
    floor: { medianMs: number; runsMs: number[]; peakRssMiB: number };
    /** medianMs / floor.medianMs, to two decimals. */
    floorRatio: number;
}

/** `value / of`, to two decimals. */
export function ratio(value: number, of: number): number {
    return Math.round((value / of) * 100) / 100;
}

/** The verdict on the targets. */
export function verdict(results: readonly SizeResult[]): { growth: number; withinTargets: boolean } {
    const at = (services: number): SizeResult | undefined => results.find((result) => result.services === services);
    const large = at(1000);
    const medium = at(100);
    const growth = large !== undefined && medium !== undefined ? Math.round((large.medianMs / medium.medianMs) * 10) / 10 : 0;
    const withinTargets =
        large !== undefined &&
        large.medianMs <= TARGETS.maxMs1000 &&
        large.peakRssMiB <= TARGETS.maxRssMiB1000 &&
        growth <= TARGETS.maxGrowth &&
        results.every((result) => result.floorRatio <= TARGETS.maxFloorRatio);
    return { growth, withinTargets };
}

function runOnce(services: number, ...flags: string[]): Measurement {
    const result = spawnSync(process.execPath, [path.join(__dirname, "run-one.js"), String(services), ...flags], { encoding: "utf8" });
    if (result.status !== 0) {
        throw new Error(`the run with ${services} services failed: ${result.stderr}`);
    }
    return JSON.parse(result.stdout) as Measurement;
}

function main(): void {
    const shapeFile = path.join(os.tmpdir(), `meshstack-bench-shape-${process.pid}.json`);
    const results: SizeResult[] = SIZES.map((services) => {
        // The shape first, then meshstack's runs and the floor's in turns, so that a slow spell of the
        // machine falls on both.
        const runs = [runOnce(services, "--shape", shapeFile)];
        const floors: Measurement[] = [];
        for (let index = 0; index < RUNS[services]; index++) {
            floors.push(runOnce(services, "--floor", shapeFile));
            if (index > 0) {
                runs.push(runOnce(services));
            }
        }
        const medianMs = median(runs.map((run) => run.ms));
        const floor = { medianMs: median(floors.map((run) => run.ms)), runsMs: floors.map((run) => run.ms), peakRssMiB: Math.max(...floors.map((run) => run.peakRssMiB)) };
        return {
            services,
            resources: runs[0].resources,
            medianMs,
            runsMs: runs.map((run) => run.ms),
            peakRssMiB: Math.max(...runs.map((run) => run.peakRssMiB)),
            floor,
            floorRatio: ratio(medianMs, floor.medianMs),
        };
    });
    fs.rmSync(shapeFile, { force: true });
    const { growth, withinTargets } = verdict(results);
    const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
    const lines = [
        "| services | resources | median evaluation | runs (ms) | peak RSS | SDK floor (same shape) | floor runs (ms) | floor peak RSS | ratio |",
        "|---|---|---|---|---|---|---|---|---|",
        ...results.map(
            (result) =>
                `| ${result.services} | ${result.resources} | ${seconds(result.medianMs)} | ${result.runsMs.join(", ")} | ${result.peakRssMiB} MiB | ` +
                `${seconds(result.floor.medianMs)} | ${result.floor.runsMs.join(", ")} | ${result.floor.peakRssMiB} MiB | ${result.floorRatio} |`,
        ),
    ];
    process.stdout.write(
        `${lines.join("\n")}\n\ntime(1000) / time(100) = ${growth} (target ≤ ${TARGETS.maxGrowth}); ratio to the floor ≤ ${TARGETS.maxFloorRatio} at every N; ` +
            `targets ${withinTargets ? "met" : "MISSED"}\n`,
    );
    const file = path.join(__dirname, "..", "..", "bench", "results.json");
    fs.writeFileSync(
        file,
        `${JSON.stringify({ node: process.version, cpus: os.cpus().length, runs: RUNS, targets: TARGETS, results, growth, withinTargets }, null, 2)}\n`,
    );
    process.stdout.write(`wrote bench/results.json\n`);
    process.exitCode = withinTargets ? 0 : 1;
}

if (require.main === module) {
    main();
}
