/**
 * The layers import in one direction: model/ (plain types) depends on nothing of the project; config/
 * and lib/ never import components/; the tools (plan/, bench/, e2e/, scripts/) never import tests/.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "./harness";

/** The relative module paths `text` imports: `from "../x"`, `import "../x"`, `import("../x")`, `require("../x")`, in any quotes. */
export function relativeImports(text: string): string[] {
    return [...text.matchAll(/(?:\bfrom|\bimport|\bimport\(|\brequire\()\s*["'`](\.{1,2}\/[^"'`]+)["'`]/g)].map(([, target]) => target);
}

/** Every relative import of the sources in `folder` and its subfolders, as [source, project path]. */
function importsOf(folder: string): Array<[string, string]> {
    const dir = path.join(PROJECT_ROOT, folder);
    return fs
        .readdirSync(dir, { recursive: true, encoding: "utf8" })
        .filter((file) => /\.(ts|js)$/.test(file))
        .sort()
        .flatMap((file) => {
            const source = path.join(dir, file);
            return relativeImports(fs.readFileSync(source, "utf8")).map((target): [string, string] => [
                path.relative(PROJECT_ROOT, source),
                path.relative(PROJECT_ROOT, path.join(path.dirname(source), target)),
            ]);
        });
}

const layers: Array<[string, string[], string]> = [
    ["model", ["model"], "model/ is plain types of the resolved config: it imports nothing else of the project"],
    ["config", ["config", "model", "lib", "versions"], "config/ produces the model; it does not import components/"],
    ["lib", ["lib", "model", "versions", "preflight"], "lib/ is pure logic over the model; it does not import components/"],
    ["plan", ["plan", "runner"], "the plan runs the program through runner/, not through tests/"],
    ["bench", ["bench", "runner", "lib", "config", "model"], "the benchmark runs the program through runner/, not through tests/"],
    ["e2e", ["e2e"], "the end-to-end checks stand alone"],
    ["scripts", ["scripts", "runner"], "the scripts use runner/, not tests/"],
];

describe("layers", () => {
    it("finds every form of relative import, and no package import", () => {
        const text = [
            'import { a } from "../components/a";',
            'import type { B } from "./b";',
            'import "../side-effect";',
            "const c = require('../c');",
            'const d = await import("../../d");',
            'export * from "./e";',
            'import * as pulumi from "@pulumi/pulumi";',
            'const f = require("fs");',
            "const g = require(`../g`);",
        ].join("\n");
        assert.deepStrictEqual(relativeImports(text), ["../components/a", "./b", "../side-effect", "../c", "../../d", "./e", "../g"]);
    });

    it("reads subfolders: lib/addons/ is lib/", () => {
        assert.ok(importsOf("lib").some(([source, target]) => source === path.join("lib", "addons", "kiali.ts") && target === "versions"));
    });

    for (const [folder, allowed, why] of layers) {
        it(why, () => {
            const outside = importsOf(folder).filter(([, target]) => !allowed.includes(target.split(path.sep)[0].replace(/\.(ts|js)$/, "")));
            assert.deepStrictEqual(outside, []);
        });
    }
});
