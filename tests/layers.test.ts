/**
 * The layers import in one direction: model/ (plain types) depends on nothing of the project; config/
 * and lib/ never import components/; the tools (plan/, bench/, e2e/, scripts/) never import tests/.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "./harness";

/** Every relative import (`from "../x"`, `require("../x")`) of the sources in `folder`, as project paths. */
function importsOf(folder: string): Array<[string, string]> {
    const dir = path.join(PROJECT_ROOT, folder);
    return fs
        .readdirSync(dir)
        .filter((file) => /\.(ts|js)$/.test(file))
        .flatMap((file) => {
            const text = fs.readFileSync(path.join(dir, file), "utf8");
            return [...text.matchAll(/(?:from|require\()\s*"(\.{1,2}\/[^"]+)"/g)].map(
                ([, target]): [string, string] => [`${folder}/${file}`, path.relative(PROJECT_ROOT, path.join(dir, target))],
            );
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
    for (const [folder, allowed, why] of layers) {
        it(why, () => {
            const outside = importsOf(folder).filter(([, target]) => !allowed.includes(target.split(path.sep)[0].replace(/\.(ts|js)$/, "")));
            assert.deepStrictEqual(outside, []);
        });
    }
});
