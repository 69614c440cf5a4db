/** Helpers of the tests that read a program run: a recorded input's value at a path, a stack's config with another pool. */
import { stackConfig } from "./harness";

/** The value at a dotted path (`spec.template.spec.containers.0.env`) of a recorded input. */
export function at(value: unknown, dottedPath: string): unknown {
    return dottedPath.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], value);
}

/** A shipped stack's config with `pool` merged over its `meshstack:nodePool`. */
export function stackWithPool(stack: string, pool: Record<string, unknown>): Record<string, string> {
    const config = stackConfig(stack);
    const shipped = JSON.parse(config["meshstack:nodePool"]) as Record<string, unknown>;
    return { ...config, "meshstack:nodePool": JSON.stringify({ ...shipped, ...pool }) };
}
