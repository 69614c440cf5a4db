import * as assert from "assert";
import { closest, editDistance, ProblemList, readInteger, readObject, readString, unknownKeyMessage } from "../lib/config-reader";

describe("config reader", () => {
    const distances: Array<[string, string, number]> = [
        ["version", "version", 0],
        ["versoin", "version", 2],
        ["istio", "isito", 2],
        ["replica", "replicas", 1],
        ["", "abc", 3],
        ["kitten", "sitting", 3],
    ];
    for (const [a, b, distance] of distances) {
        it(`edit distance of ${JSON.stringify(a)} and ${JSON.stringify(b)} is ${distance}`, () => {
            assert.strictEqual(editDistance(a, b), distance);
        });
    }

    const suggestions: Array<[string, string[], string | undefined]> = [
        ["versoin", ["version", "namespace"], "version"],
        ["Namespace", ["version", "namespace"], "namespace"],
        ["maxReplica", ["replicas", "maxReplicas"], "maxReplicas"],
        ["telemetry", ["version", "namespace"], undefined],
    ];
    for (const [word, candidates, expected] of suggestions) {
        it(`suggests ${JSON.stringify(expected)} for ${JSON.stringify(word)}`, () => {
            assert.strictEqual(closest(word, candidates), expected);
        });
    }

    it("names the suggestion and the known keys for an unknown key", () => {
        assert.strictEqual(
            unknownKeyMessage("nmespace", ["version", "namespace"]),
            'unknown key. Did you mean "namespace"? Known keys here: version, namespace.',
        );
    });

    it("returns the fallback for absent values and records nothing", () => {
        const problems = new ProblemList();
        assert.deepStrictEqual(readObject(undefined, "k", ["a"], problems), {});
        assert.strictEqual(readString(undefined, "k", "x", problems), "x");
        assert.strictEqual(readInteger(null, "k", 3, 1, problems), 3);
        assert.deepStrictEqual(problems.problems, []);
    });

    it("rejects a list where an object belongs", () => {
        const problems = new ProblemList();
        assert.deepStrictEqual(readObject(["a"], "meshstack:istio", ["version"], problems), {});
        assert.deepStrictEqual(problems.problems, [
            { key: "meshstack:istio", message: 'expected an object with the keys version, got ["a"].' },
        ]);
    });

    it("rejects a fractional replica count", () => {
        const problems = new ProblemList();
        assert.strictEqual(readInteger(1.5, "k", 2, 1, problems), 2);
        assert.deepStrictEqual(problems.problems, [{ key: "k", message: "expected a whole number of at least 1, got 1.5." }]);
    });
});
