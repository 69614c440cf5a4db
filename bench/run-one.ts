/**
 * One timed evaluation, in a process of its own, printed as one JSON line (services, wall milliseconds,
 * resources declared, peak RSS in MiB):
 *   node .build/bench/run-one.js <services> [--shape <file>]   meshstack's program; writes its shape after
 *   node .build/bench/run-one.js <services> --floor <file>     the same shape with no logic (bench/floor.ts)
 */
// The Pulumi SDK as a user runs it: none of the tests' speed-ups (runner/defer-sdk-deps.ts).
import * as fs from "fs";
import * as path from "path";
import { runProgram } from "../runner/program";
import { replay, Shape, shapeOf } from "./floor";
import { benchConfig } from "./generate";

/** One measurement. */
export interface Measurement {
    services: number;
    ms: number;
    resources: number;
    peakRssMiB: number;
}

/** Evaluates the program once for `services` services; with `shapeFile`, writes the run's shape there (untimed). */
export async function measure(services: number, shapeFile?: string): Promise<Measurement> {
    const config = benchConfig(services);
    const loaded = new Set(Object.keys(require.cache));
    const start = process.hrtime.bigint();
    const run = await runProgram("bench", config);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
    if (shapeFile !== undefined) {
        // The packages the program loaded (the Kubernetes SDK's modules, zod…): a bare program declaring
        // the same resources loads its SDKs too.
        const packages = Object.keys(require.cache).filter((file) => !loaded.has(file) && file.includes(`${path.sep}node_modules${path.sep}`));
        const shape: Shape = { packages, resources: shapeOf(run) };
        fs.writeFileSync(shapeFile, JSON.stringify(shape));
    }
    return { services, ms: Math.round(ms), resources: run.resources.length, peakRssMiB };
}

/** Evaluates the shape in `shapeFile` once with no logic: the SDK's floor for it. */
export async function measureFloor(services: number, shapeFile: string): Promise<Measurement> {
    const shape = JSON.parse(fs.readFileSync(shapeFile, "utf8")) as Shape;
    const start = process.hrtime.bigint();
    const run = await runProgram("bench", {}, { program: () => replay(shape.resources, shape.packages) });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return { services, ms: Math.round(ms), resources: run.resources.length, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
}

if (require.main === module) {
    const [services, flag, file] = process.argv.slice(2);
    const measured = flag === "--floor" && file !== undefined ? measureFloor(Number(services), file) : measure(Number(services), flag === "--shape" ? file : undefined);
    measured.then(
        (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
        (error: unknown) => {
            process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
            process.exitCode = 1;
        },
    );
}
