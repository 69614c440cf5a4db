import * as assert from "assert";
import { parseCpu, parseMemory } from "../lib/quantity";

describe("quantity", () => {
    const cpu: Array<[string, number | undefined]> = [
        ["500m", 500],
        ["2", 2000],
        ["0.5", 500],
        ["2000m", 2000],
        ["1.5m", 1.5],
        ["100 m", undefined],
        ["2 cores", undefined],
        ["", undefined],
        ["-1", undefined],
    ];
    for (const [quantity, millicores] of cpu) {
        it(`CPU ${JSON.stringify(quantity)} is ${millicores} millicores`, () => {
            assert.strictEqual(parseCpu(quantity), millicores);
        });
    }

    const memory: Array<[string, number | undefined]> = [
        ["128Mi", 128 * 2 ** 20],
        ["1Gi", 2 ** 30],
        ["1024Mi", 2 ** 30],
        ["512M", 512e6],
        ["1k", 1000],
        ["64Ki", 64 * 1024],
        ["1000", 1000],
        ["1.5Gi", 1.5 * 2 ** 30],
        ["4GB", undefined],
        ["1 Gi", undefined],
        ["1gi", undefined],
    ];
    for (const [quantity, bytes] of memory) {
        it(`memory ${JSON.stringify(quantity)} is ${bytes} bytes`, () => {
            assert.strictEqual(parseMemory(quantity), bytes);
        });
    }
});
