/** Shared fixtures of the config tests: a valid node pool and the parse/error helpers around it. */
import { MeshConfig, parseMeshConfig } from "../config";

/** The first line of a one-problem error in stack "dev". */
export const HEADER_ONE = 'meshstack: the config of stack "dev" has 1 problem; nothing was changed. Fix them in Pulumi.dev.yaml:';

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
