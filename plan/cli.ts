/**
 * `npm run plan -- <stack> [--full | --out <file>]` and `npm run plan:update`: the desired state of a
 * stack, offline (no cluster, no credentials, no Pulumi CLI): the real program with `Pulumi.<stack>.yaml`
 * under the mock engine. By default the summary (stdout); with `--full` the whole plan (stdout, the
 * summary on stderr); with `--out` the plan in the file and the summary on stdout. Bad config gives the
 * same one error as `pulumi up`, and exit code 1.
 */
import "../runner/defer-sdk-deps";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT, ProgramFailure, runProgram, stackConfig } from "../runner/program";
import { renderPlan, summarizePlan } from "./render";

/** The stacks that have a `Pulumi.<stack>.yaml`. */
export function shippedStacks(): string[] {
    return fs
        .readdirSync(PROJECT_ROOT)
        .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();
}

/** Where a stack's committed plan lives. */
export function planFile(stack: string): string {
    return path.join(PROJECT_ROOT, "plans", `${stack}.yaml`);
}

/** Where the plan and the summary go. */
export interface PlanIo {
    /** The plan (stdout). */
    out(text: string): void;
    /** The summary and errors (stderr). */
    err(text: string): void;
}

const PROCESS_IO: PlanIo = {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
};

/** Runs the plan command with `argv`; returns the exit code. */
export async function plan(
    argv: readonly string[],
    io: PlanIo = PROCESS_IO,
    config: (stack: string) => Record<string, string> = stackConfig,
): Promise<number> {
    const update = argv.includes("--update");
    const full = argv.includes("--full");
    let out: string | undefined;
    const positional: string[] = [];
    for (let index = 0; index < argv.length; index++) {
        if (argv[index] === "--out") {
            out = argv[++index];
        } else if (!argv[index].startsWith("--")) {
            positional.push(argv[index]);
        }
    }
    const known = shippedStacks();
    const stacks = update ? known : positional;
    if (stacks.length !== 1 && !update) {
        io.err(`usage: npm run plan -- <stack> [--full | --out <file>]; stacks: ${known.join(", ")}\n`);
        return 2;
    }
    for (const stack of stacks) {
        if (!known.includes(stack)) {
            io.err(`meshstack: no stack "${stack}": there is no Pulumi.${stack}.yaml. Stacks: ${known.join(", ")}.\n`);
            return 2;
        }
        try {
            const run = await runProgram(stack, config(stack));
            const rendered = renderPlan(stack, run);
            const summary = `${summarizePlan(stack, run)}\n`;
            const target = update ? planFile(stack) : out;
            if (target !== undefined) {
                fs.mkdirSync(path.dirname(target), { recursive: true });
                fs.writeFileSync(target, rendered);
                (update ? io.err : io.out)(summary);
            } else if (full) {
                io.out(rendered);
                io.err(summary);
            } else {
                io.out(summary);
            }
        } catch (error) {
            io.err(`${error instanceof ProgramFailure ? error.message : String(error)}\n`);
            return 1;
        }
    }
    return 0;
}

if (require.main === module) {
    plan(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (error: unknown) => {
            process.stderr.write(`${String(error)}\n`);
            process.exitCode = 1;
        },
    );
}
