/**
 * `npm run bench`: evaluates the real program under the mock engine for N = 10, 100 and 1,000 services
 * (bench/generate.ts), each run in a fresh process, three runs each, and reports the median wall time of
 * the evaluation, the resources declared and the peak memory, as a table and as bench/results.json.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Measurement } from "./run-one";

/** The sizes measured. */
export const SIZES = [10, 100, 1000] as const;
/** Runs per size (the median is reported). */
export const RUNS = 3;
/** The targets on a 2-core machine. */
export const TARGETS = { maxMs1000: 10_000, maxRssMiB1000: 1024, maxGrowth: 12 } as const;

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
        growth <= TARGETS.maxGrowth;
    return { growth, withinTargets };
}

function runOnce(services: number): Measurement {
    const result = spawnSync(process.execPath, [path.join(__dirname, "run-one.js"), String(services)], { encoding: "utf8" });
    if (result.status !== 0) {
        throw new Error(`the run with ${services} services failed: ${result.stderr}`);
    }
    return JSON.parse(result.stdout) as Measurement;
}

function main(): void {
    const results: SizeResult[] = SIZES.map((services) => {
        const runs = Array.from({ length: RUNS }, () => runOnce(services));
        return {
            services,
            resources: runs[0].resources,
            medianMs: median(runs.map((run) => run.ms)),
            runsMs: runs.map((run) => run.ms),
            peakRssMiB: Math.max(...runs.map((run) => run.peakRssMiB)),
        };
    });
    const { growth, withinTargets } = verdict(results);
    const lines = [
        "| services | resources | median evaluation | runs (ms) | peak RSS |",
        "|---|---|---|---|---|",
        ...results.map(
            (result) => `| ${result.services} | ${result.resources} | ${(result.medianMs / 1000).toFixed(2)} s | ${result.runsMs.join(", ")} | ${result.peakRssMiB} MiB |`,
        ),
    ];
    process.stdout.write(`${lines.join("\n")}\n\ntime(1000) / time(100) = ${growth} (target ≤ ${TARGETS.maxGrowth}); targets ${withinTargets ? "met" : "MISSED"}\n`);
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
