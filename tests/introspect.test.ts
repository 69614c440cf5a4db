/**
 * Reading a zod schema (config/introspect.ts), as the problem list and the docs generator do: the keys
 * at a path and a path's sort key, through lists, maps, every wrapper zod has and both kinds of pipe.
 */
import * as assert from "assert";
import { z } from "zod";
import { compareOrder, keysAt, orderOf } from "../config/introspect";
import { KeyPath } from "../config/keys";

const ITEM = z.strictObject({ a: z.string(), b: z.number() });
const EMPTY = { a: "", b: 0 };
const SCHEMA = z.strictObject({
    first: z.string(),
    list: z.array(ITEM),
    map: z.record(z.string(), ITEM),
    wrapped: ITEM.nullable().readonly().catch(EMPTY).optional().default(EMPTY),
    required: ITEM.optional().nonoptional(),
    transformed: ITEM.transform((item) => item.a),
    preprocessed: z.preprocess((value) => value, ITEM),
});

describe("schema introspection", () => {
    describe("the keys at a path", () => {
        const cases: Array<[string, KeyPath, string[]]> = [
            ["the top", [], ["first", "list", "map", "wrapped", "required", "transformed", "preprocessed"]],
            ["a list's entry", ["list", 0], ["a", "b"]],
            ["a map's value", ["map", "any"], ["a", "b"]],
            ["inside nullable, readonly, catch, optional and default", ["wrapped"], ["a", "b"]],
            ["inside nonoptional", ["required"], ["a", "b"]],
            ["a transformed object (the pipe's input)", ["transformed"], ["a", "b"]],
            ["a preprocessed object (the pipe's output)", ["preprocessed"], ["a", "b"]],
            ["a string: none", ["first"], []],
            ["a list by a key instead of an index: none", ["list", "a"], []],
            ["below an unknown key: none", ["unknown", "a"], []],
        ];
        for (const [name, path, keys] of cases) {
            it(name, () => {
                assert.deepStrictEqual(keysAt(SCHEMA, path), keys);
            });
        }
    });

    describe("a path's sort key: each key's position in its object, unknown keys after the known, list indexes as they are", () => {
        const cases: Array<[string, KeyPath, number[]]> = [
            ["a list entry's key", ["list", 2, "b"], [1, 2, 1]],
            ["a map value's key (the map's own keys all rank alike)", ["map", "any", "b"], [2, 0, 1]],
            ["a key below an unknown key", ["unknown", "b"], [7, 0]],
        ];
        for (const [name, path, order] of cases) {
            it(name, () => {
                assert.deepStrictEqual(orderOf(SCHEMA, path), order);
            });
        }

        it("compares segment by segment, a path before the paths inside it", () => {
            assert.deepStrictEqual(
                [compareOrder([1, 2], [1, 2, 0]), compareOrder([1, 3], [1, 2, 5]), compareOrder([1, 2], [1, 2])].map(Math.sign),
                [-1, 1, 0],
            );
        });
    });
});
