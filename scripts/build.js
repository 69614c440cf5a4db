// Type-checks the program and the tests in one run of TypeScript 7 (the native compiler) and writes
// the JavaScript the tests run to .build/. `tsc -b` skips the work when nothing changed since the last
// build. Output whose source is gone is removed, so a deleted test never runs.
// Exits non-zero on any type error (as a module: `build()` returns the exit status).
// `--ignore-type-errors` (Stryker's build command only): the instrumented sources carry // @ts-nocheck,
// and the looser types they infer flow into the files that import them; the compiler still writes the
// JavaScript, the tests judge each mutant, and `npm run typecheck` stays the judge of the types.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const outDir = path.join(root, ".build");
const tscWrapper = path.join(root, "node_modules", "typescript-native", "bin", "tsc");

/** The native compiler itself (saves starting Node for the npm wrapper); the wrapper where not found. */
function compiler() {
    try {
        const platformPackage = require.resolve(`@typescript/typescript-${process.platform}-${process.arch}/package.json`, {
            paths: [path.dirname(tscWrapper)],
        });
        const exe = path.join(path.dirname(platformPackage), "lib", process.platform === "win32" ? "tsc.exe" : "tsc");
        if (fs.existsSync(exe)) {
            return [exe, []];
        }
    } catch {
        // fall through to the wrapper
    }
    return [process.execPath, [tscWrapper]];
}

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

/**
 * The sources of the build: every file and folder whose change (edit, add, delete) needs a rebuild,
 * read from the tests' tsconfig `include` (its first path segments), plus the configs and the lockfile.
 */
function sources() {
    const tsconfig = JSON.parse(fs.readFileSync(path.join(root, "tests", "tsconfig.json"), "utf8"));
    const roots = tsconfig.include.map((pattern) => path.normalize(path.join("tests", pattern)).split(path.sep)[0]);
    return [...new Set([...roots, "tsconfig.json", "package-lock.json"])];
}

/** The newest modification time among the sources (a folder's changes when a file is added or removed). */
function newestSource() {
    let newest = 0;
    const visit = (file) => {
        const stat = fs.statSync(file);
        newest = Math.max(newest, stat.mtimeMs);
        if (stat.isDirectory()) {
            for (const entry of fs.readdirSync(file)) {
                visit(path.join(file, entry));
            }
        }
    };
    for (const source of sources()) {
        visit(path.join(root, source));
    }
    return newest;
}

/** Builds .build/ and returns the compiler's exit status (0: no type error, or errors ignored and output written). */
function build({ ignoreTypeErrors = false } = {}) {
    // Up to date when the last successful build is newer than every source: skip starting the compiler.
    const stamp = path.join(outDir, ".built");
    if (fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs > newestSource()) {
        return 0;
    }
    const [command, prefix] = compiler();
    const result = spawnSync(command, [...prefix, "-b", path.join(root, "tests", "tsconfig.json")], { stdio: "inherit" });
    // 2: errors, but the compiler wrote the output (1: it wrote none).
    if (result.status !== 0 && !(ignoreTypeErrors && result.status === 2)) {
        return result.status ?? 1;
    }
    prune(outDir);
    fs.writeFileSync(stamp, "");
    return 0;
}

module.exports = { build };

if (require.main === module) {
    process.exit(build({ ignoreTypeErrors: process.argv.includes("--ignore-type-errors") }));
}
