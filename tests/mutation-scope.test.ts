/**
 * The shared runs' scope: the whole process, one mutant's run of the tests, or one test of Stryker's dry
 * run. The root hook below starts each test in the right one.
 */
import * as assert from "assert";
import { sharedRunScope, syncMutationScope } from "./harness";

// A root hook (outside any describe): before every test of every file.
beforeEach(syncMutationScope);

describe("sharedRunScope", () => {
    const cases: Array<[string, Parameters<typeof sharedRunScope>[0], string]> = [
        ["npm test: the whole process", undefined, ""],
        ["Stryker's dry run: the test that runs", { currentTestId: "dev runs one small istiod" }, "test dev runs one small istiod"],
        ["Stryker's dry run before any test", {}, "test "],
        ["a mutant's run: that mutant, whichever test runs", { activeMutant: "42", currentTestId: "dev runs one small istiod" }, "mutant 42"],
    ];
    for (const [title, context, scope] of cases) {
        it(title, () => assert.strictEqual(sharedRunScope(context), scope));
    }
});
