// `npm run speed:runtime`: how long the Pulumi runtime takes to run the program, per shipped stack,
// type-checked (as with PULUMI_NODEJS_TRANSPILE_ONLY=false, the runtime's default before meshstack's
// tsconfig.json set "ts-node": { "transpileOnly": true }) against the path it takes now (transpile-only).
// Each figure is the median of `--runs` (default 3) fresh processes of scripts/check-runtime.js: the
// program (ts-node compiling index.ts and its imports, then the run under the mock engine) and the whole
// process (Node.js, @pulumi/pulumi, ts-node). The Pulumi CLI and the engine add their own time to both.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const args = process.argv.slice(2);
const runs = args.includes("--runs") ? Number(args[args.indexOf("--runs") + 1]) : 3;

/** The median of `values`. */
function median(values) {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One fresh process for `stack`: the program's seconds (as it reports them) and the process's. */
function measure(stack, typeChecked) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [path.join(__dirname, "check-runtime.js"), "--stack", stack, ...(typeChecked ? ["--type-checked"] : [])], {
        cwd: root,
        encoding: "utf8",
    });
    const processSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const reported = / in ([0-9.]+) s$/m.exec(result.stdout);
    if (result.status !== 0 || reported === null) {
        throw new Error(`check-runtime --stack ${stack} failed:\n${result.stdout}${result.stderr}`);
    }
    return { program: Number(reported[1]), process: processSeconds };
}

const stacks = fs
    .readdirSync(root)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((stack) => stack !== undefined)
    .sort();
const rows = stacks.map((stack) => {
    const figures = {};
    for (const [mode, typeChecked] of [["checked", true], ["fast", false]]) {
        const samples = Array.from({ length: runs }, () => measure(stack, typeChecked));
        figures[mode] = { program: median(samples.map((s) => s.program)), process: median(samples.map((s) => s.process)) };
    }
    const s = (value) => `${value.toFixed(1)} s`;
    return `| ${stack} | ${s(figures.checked.program)} | ${s(figures.fast.program)} | ${s(figures.checked.process)} | ${s(figures.fast.process)} |`;
});
console.log(
    [
        `| stack | program, type-checked | program, transpile-only | process, type-checked | process, transpile-only |`,
        "|---|---|---|---|---|",
        ...rows,
    ].join("\n"),
);
console.log(`\nmedian of ${runs} fresh processes each; node ${process.version}`);
