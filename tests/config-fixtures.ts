/** Shared fixtures of the config tests: a valid node pool and the parse/error helpers around it. */
import * as assert from "assert";
import { MeshConfig, parseMeshConfig } from "../config";

/** The first line of an error with `count` problems in stack "dev". */
export function header(count: number): string {
    const problems = count === 1 ? "1 problem" : `${count} problems`;
    return `meshstack: the config of stack "dev" has ${problems}; nothing was changed. Fix them in Pulumi.dev.yaml:`;
}

/** The first line of a one-problem error in stack "dev". */
export const HEADER_ONE = header(1);

/** A node pool that passes every check, with room for the default (highly available) mesh. */
export const POOL = {
    nodes: [
        { name: "node-a", vcpus: 16, memory: "64Gi" },
        { name: "node-b", vcpus: 16, memory: "64Gi" },
    ],
};

/** The same pool in the config map Pulumi hands the program. */
export const POOL_CONFIG = { "meshstack:nodePool": JSON.stringify(POOL) };

/** `raw` with {@link POOL} as its node pool unless it sets one. */
export function withPool(raw: Record<string, unknown>): Record<string, unknown> {
    return "nodePool" in raw ? raw : { nodePool: POOL, ...raw };
}

/** `parseMeshConfig` of `raw` (with the test pool) in stack "dev". */
export function parse(raw: Record<string, unknown>): MeshConfig {
    return parseMeshConfig(withPool(raw), "dev");
}

/** The error `parseMeshConfig` throws for `raw` (with the test pool) in stack "dev" (fails the test if none). */
export function errorOf(raw: Record<string, unknown>): string {
    try {
        parseMeshConfig(withPool(raw), "dev");
    } catch (error) {
        return (error as Error).message;
    }
    throw new Error("expected a config error, got none");
}

/** The whole error of stack "dev" listing `problems`, each "key: message" with the key after `meshstack:`. */
export function errorListing(problems: readonly string[]): string {
    return [header(problems.length), ...problems.map((problem) => `  - meshstack:${problem}`)].join("\n");
}

/** A row of a check's table: what is given, and the exact problems it gets (none: accepted). */
export type Row<Given> = [name: string, given: Given, problems: readonly string[]];

/**
 * One test per row: `raw(given)` is accepted, and the resolved config holds every value it sets; or it
 * is refused with exactly the row's problems, in one error.
 */
export function checkRows<Given>(rows: ReadonlyArray<Row<Given>>, raw: (given: Given) => Record<string, unknown>): void {
    for (const [name, given, problems] of rows) {
        it(`${problems.length === 0 ? "accepts" : "refuses"} ${name}`, () => {
            const config = raw(given);
            if (problems.length === 0) {
                assert.deepStrictEqual(readBack(parse(config), config), config);
            } else {
                assert.strictEqual(errorOf(config), errorListing(problems));
            }
        });
    }
}

/** The values of `resolved` at every key that `given` sets, at any depth (list entries by index). */
export function readBack(resolved: unknown, given: unknown): unknown {
    if (Array.isArray(given) && Array.isArray(resolved)) {
        return given.map((item: unknown, index) => readBack(resolved[index], item));
    }
    if (isObject(given) && isObject(resolved)) {
        return Object.fromEntries(Object.keys(given).map((key) => [key, readBack(resolved[key], given[key])]));
    }
    return resolved;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
