// Type-checks the program and the tests in one run of TypeScript 7 (the native compiler) and writes
// the JavaScript the tests run to .build/. `tsc -b` skips the work when nothing changed since the last
// build. Output whose source is gone is removed, so a deleted test never runs.
// Exits non-zero on any type error (as a module: `build()` returns the exit status).
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const outDir = path.join(root, ".build");
const tsc = path.join(root, "node_modules", "typescript-native", "bin", "tsc");

function prune(dir) {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const output = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            prune(output);
        } else if (entry.name.endsWith(".js")) {
            const source = path.join(root, path.relative(outDir, output));
            if (!fs.existsSync(source.replace(/\.js$/, ".ts")) && !fs.existsSync(source)) {
                fs.rmSync(output);
            }
        }
    }
}

/** Builds .build/ and returns the compiler's exit status (0: no type error). */
function build() {
    const result = spawnSync(process.execPath, [tsc, "-b", path.join(root, "tests", "tsconfig.json")], { stdio: "inherit" });
    if (result.status !== 0) {
        return result.status ?? 1;
    }
    prune(outDir);
    return 0;
}

module.exports = { build };

if (require.main === module) {
    process.exit(build());
}
