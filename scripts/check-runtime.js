// Runs the program the way the Pulumi CLI's Node.js runtime does, without the CLI: index.ts through
// ts-node with the root tsconfig.json and type checking on, registered with the same options as
// @pulumi/pulumi's cmd/run/run.js (CommonJS projects), then evaluated under the mock engine once per
// shipped stack (Pulumi.<stack>.yaml). Fails on a type error TypeScript 5 finds in the program, on a
// tsconfig the runtime cannot run, and on a program that declares nothing.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
process.chdir(root);
for (const name of Object.keys(process.env)) {
    if (name.startsWith("TS_NODE_") || name === "PULUMI_NODEJS_TRANSPILE_ONLY") {
        delete process.env[name]; // nothing from the caller's shell may switch type checking off
    }
}

// The runtime's own helpers: how it reads tsconfig.json and which typescript/ts-node it loads.
const tsutils = require("@pulumi/pulumi/tsutils");
const tsConfigPath = "tsconfig.json";
const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
const tsNode = require(tsnodeRequire);
tsNode.register({
    compiler: typescriptRequire,
    transpileOnly: compilerOptions.noCheck,
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
if (service.options.transpileOnly) {
    throw new Error("ts-node was registered without type checking; the Pulumi runtime type-checks");
}
const typescriptVersion = require(typescriptRequire).version;

async function main() {
    const { runProgram } = require("../runner/program.ts");
    const stacks = fs
        .readdirSync(root)
        .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
        .filter((stack) => stack !== undefined)
        .sort();
    for (const stack of stacks) {
        const run = await runProgram(stack);
        if (run.resources.length === 0) {
            throw new Error(`stack ${stack}: the program declared no resource`);
        }
        console.log(
            `${stack}: index.ts ran under ts-node (TypeScript ${typescriptVersion}, type-checked, ` +
                `module ${compilerOptions.module}) and declared ${run.resources.length} resources`,
        );
    }
}

main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
});
