/** The order meshstack's lists take: by UTF-16 code units, the same on every machine whatever its locale. */
import * as assert from "assert";
import { byText } from "../lib/objects";

describe("byText", () => {
    const pairs: Array<[string, string, string, number]> = [
        ["in alphabetical order", "a", "b", -1],
        ["the other way round", "b", "a", 1],
        ["equal strings", "shop", "shop", 0],
        ["two empty strings", "", "", 0],
        ["a capital before a small letter, whatever the alphabet says", "B", "a", -1],
        ["and a small letter after a capital", "a", "B", 1],
        ["a prefix before what extends it", "shop", "shop-v1", -1],
        ["digits as text, not as numbers", "10", "9", -1],
        ["an accented letter after every plain one", "é", "z", 1],
        // U+1F600 is the surrogate pair D83D DE00: its first code unit is below U+FF5E, though its code point is above.
        ["an emoji (two code units) before a fullwidth tilde (U+FF5E)", "😀", "～", -1],
    ];
    for (const [name, a, b, order] of pairs) {
        it(`${name}: ${JSON.stringify(a)} against ${JSON.stringify(b)} is ${order}`, () => {
            assert.strictEqual(byText(a, b), order);
        });
    }

    it("sorts a list the same way on every machine, unlike localeCompare", () => {
        assert.deepStrictEqual(["b", "a", "B", "é", "ab", "10", "9"].sort(byText), ["10", "9", "B", "a", "ab", "b", "é"]);
    });
});
