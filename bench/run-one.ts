/**
 * One timed evaluation, in a process of its own: `node .build/bench/run-one.js <services>` prints one
 * JSON line: services, wall milliseconds, resources declared, peak RSS in MiB.
 */
// The Pulumi SDK as a user runs it: none of the tests' speed-ups (runner/defer-sdk-deps.ts).
import { runProgram } from "../runner/program";
import { benchConfig } from "./generate";

/** One measurement. */
export interface Measurement {
    services: number;
    ms: number;
    resources: number;
    peakRssMiB: number;
}

/** Evaluates the program once for `services` services. */
export async function measure(services: number): Promise<Measurement> {
    const config = benchConfig(services);
    const start = process.hrtime.bigint();
    const run = await runProgram("bench", config);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return {
        services,
        ms: Math.round(ms),
        resources: run.resources.length,
        peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    };
}

if (require.main === module) {
    measure(Number(process.argv[2])).then(
        (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
        (error: unknown) => {
            process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
            process.exitCode = 1;
        },
    );
}
