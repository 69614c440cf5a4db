// Runs the program the way the Pulumi CLI's Node.js runtime does, without the CLI: index.ts through
// ts-node with the root tsconfig.json, registered with the same options as @pulumi/pulumi's
// cmd/run/run.js (CommonJS projects), then evaluated under the mock engine once per shipped stack
// (Pulumi.<stack>.yaml). The runtime takes `transpileOnly` from PULUMI_NODEJS_TRANSPILE_ONLY, else from
// the tsconfig's `noCheck`; left unset, ts-node reads tsconfig.json's own "ts-node" section, which sets
// `transpileOnly` (the type check is `npm run typecheck`'s, before any deploy). Fails when the runtime
// would type-check again, on a tsconfig the runtime cannot run, and on a program that declares nothing.
//
//   node scripts/check-runtime.js                    every stack, the runtime's path (transpile-only)
//   node scripts/check-runtime.js --stack dev        one stack
//   node scripts/check-runtime.js --type-checked     as with PULUMI_NODEJS_TRANSPILE_ONLY=false (to compare)
// Each stack's line gives the program's time: ts-node compiling index.ts and what it imports, then the run.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
process.chdir(root);
for (const name of Object.keys(process.env)) {
    if (name.startsWith("TS_NODE_") || name === "PULUMI_NODEJS_TRANSPILE_ONLY") {
        delete process.env[name]; // the caller's shell decides nothing here: the flags below do
    }
}
const args = process.argv.slice(2);
const typeChecked = args.includes("--type-checked");
const onlyStack = args.includes("--stack") ? args[args.indexOf("--stack") + 1] : undefined;

// The runtime's own helpers: how it reads tsconfig.json and which typescript/ts-node it loads.
const tsutils = require("@pulumi/pulumi/tsutils");
const tsConfigPath = "tsconfig.json";
const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
const tsNode = require(tsnodeRequire);
// The program's time: the first stack's includes ts-node compiling index.ts and what it imports.
let since = process.hrtime.bigint();
tsNode.register({
    compiler: typescriptRequire,
    // run.js: PULUMI_NODEJS_TRANSPILE_ONLY when set ("false" with --type-checked), else the tsconfig's noCheck.
    transpileOnly: typeChecked ? false : compilerOptions.noCheck,
    project: tsConfigPath,
    skipProject: false,
    compilerOptions: {
        target: "ES2020",
        module: "nodenext",
        moduleResolution: "nodenext",
        sourceMap: "true",
        ...compilerOptions,
    },
});
const service = process[tsNode.REGISTER_INSTANCE];
if (!typeChecked && (service.options.transpileOnly !== true || service.options.typeCheck === true)) {
    throw new Error('the Pulumi runtime would type-check the program again: set "ts-node": { "transpileOnly": true } in tsconfig.json');
}
const typescriptVersion = require(typescriptRequire).version;

async function main() {
    const { runProgram } = require("../runner/program.ts");
    const stacks = fs
        .readdirSync(root)
        .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
        .filter((stack) => stack !== undefined && (onlyStack === undefined || stack === onlyStack))
        .sort();
    if (stacks.length === 0) {
        throw new Error(`no stack ${onlyStack}`);
    }
    for (const stack of stacks) {
        const run = await runProgram(stack);
        if (run.resources.length === 0) {
            throw new Error(`stack ${stack}: the program declared no resource`);
        }
        const now = process.hrtime.bigint();
        const seconds = Number(now - since) / 1e9;
        since = now;
        console.log(
            `${stack}: index.ts ran under ts-node (TypeScript ${typescriptVersion}, ` +
                `${service.options.transpileOnly ? "transpile-only" : "type-checked"}, module ${compilerOptions.module}) ` +
                `and declared ${run.resources.length} resources in ${seconds.toFixed(2)} s`,
        );
    }
}

main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
});
