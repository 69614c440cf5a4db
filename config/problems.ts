/**
 * From raw config to a typed config or one error listing every problem: zod checks each key (types,
 * formats, unknown keys); the area files' cross-field checks then run on the typed config, with every
 * invalid key replaced by its default so that one pass reports everything at once.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { compareOrder, ConfigProblem, keyName, keysAt, KeyPath, orderOf, unknownKeyMessage } from "./kit";

/** A problem found by a cross-field check, at a path inside the `meshstack` namespace. */
export interface PathProblem {
    /** The key the problem is reported at. */
    path: KeyPath;
    /** What is wrong and how to fix it. */
    message: string;
    /**
     * The keys the check read. When one of them was itself invalid (and so replaced by its default),
     * the check's verdict means nothing and is dropped.
     * @default [path]
     */
    involves?: KeyPath[];
}

/** Thrown when the config is invalid; its message lists every problem. */
export class ConfigError extends pulumi.RunError {
    constructor(
        /** The stack whose config is invalid. */
        readonly stackName: string,
        /** Every problem, in the order of the keys in the schema. */
        readonly problems: readonly ConfigProblem[],
    ) {
        super(formatProblems(stackName, problems));
        this.name = "ConfigError";
    }
}

/** The one error message for a list of config problems. */
export function formatProblems(stack: string, problems: readonly ConfigProblem[]): string {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    const lines = problems.map((problem) => `  - ${problem.key}: ${problem.message}`);
    return [
        `meshstack: the config of stack "${stack}" has ${count}; nothing was changed. Fix them in Pulumi.${stack}.yaml:`,
        ...lines,
    ].join("\n");
}

/** What to do with an unknown top-level key; the default is {@link unknownKeyMessage}. */
export type TopLevelKeyMessage = (key: string, known: readonly string[]) => string;

/** A located problem, before sorting. */
interface Located {
    path: KeyPath;
    message: string;
}

/**
 * Parses `raw` with `schema`, runs `checks` on the result, and returns the typed config or the sorted
 * list of problems (never both).
 */
export function validate<S extends z.ZodType>(
    schema: S,
    raw: Record<string, unknown>,
    checks: (config: z.output<S>) => PathProblem[],
    topLevelKeyMessage: TopLevelKeyMessage = unknownKeyMessage,
): { config: z.output<S>; problems: [] } | { config: undefined; problems: ConfigProblem[] } {
    const input = withoutNulls(raw) as Record<string, unknown>;
    const first = schema.safeParse(input);
    if (first.success) {
        const problems = checks(first.data).map(({ path, message }) => ({ path, message }));
        return problems.length === 0 ? { config: first.data, problems: [] } : { config: undefined, problems: sorted(schema, problems) };
    }

    const located: Located[] = [];
    const invalid: KeyPath[] = [];
    let repaired: unknown = input;
    for (const issue of first.error.issues) {
        if (issue.code === "unrecognized_keys") {
            const known = keysAt(schema, issue.path as KeyPath);
            for (const key of issue.keys) {
                const path = [...(issue.path as KeyPath), key];
                const message = issue.path.length === 0 ? topLevelKeyMessage(key, known) : unknownKeyMessage(key, known);
                located.push({ path, message });
                invalid.push(path);
                repaired = withoutPath(repaired, path);
            }
        } else {
            const path = issue.path as KeyPath;
            located.push({ path, message: issue.message });
            invalid.push(path);
            repaired = withoutPath(repaired, path);
        }
    }

    // Cross-field checks run on the config with each invalid key at its default, and keep only the
    // verdicts that read no invalid key. If the repaired config still does not parse (a required key
    // was invalid), the field problems alone are reported; the rest shows once they are fixed.
    const second = schema.safeParse(repaired);
    if (second.success) {
        for (const problem of checks(second.data)) {
            const involves = problem.involves ?? [problem.path];
            if (!involves.some((path) => invalid.some((bad) => overlaps(path, bad)))) {
                located.push({ path: problem.path, message: problem.message });
            }
        }
    }
    return { config: undefined, problems: sorted(schema, located) };
}

function sorted(schema: z.ZodType, located: Located[]): ConfigProblem[] {
    return located
        .map((problem) => ({ ...problem, order: orderOf(schema, problem.path) }))
        .sort((a, b) => compareOrder(a.order, b.order))
        .map(({ path, message }) => ({ key: keyName(path), message }));
}

/** One path is a prefix of the other (the same key, or one inside the other). */
function overlaps(a: KeyPath, b: KeyPath): boolean {
    const length = Math.min(a.length, b.length);
    return a.slice(0, length).every((segment, index) => segment === b[index]);
}

/** `value` with `null` object entries removed: YAML `key:` with nothing after it means "not set". */
export function withoutNulls(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(withoutNulls);
    }
    if (value !== null && typeof value === "object") {
        const result: Record<string, unknown> = {};
        for (const [key, entry] of Object.entries(value)) {
            if (entry !== null) {
                result[key] = withoutNulls(entry);
            }
        }
        return result;
    }
    return value;
}

/** A copy of `value` without the entry at `path` (list entries become `undefined`, keeping indexes). */
function withoutPath(value: unknown, path: KeyPath): unknown {
    if (path.length === 0) {
        return undefined;
    }
    const [head, ...rest] = path;
    if (Array.isArray(value) && typeof head === "number") {
        const copy = [...value];
        copy[head] = rest.length === 0 ? undefined : withoutPath(copy[head], rest);
        return copy;
    }
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
        if (rest.length === 0) {
            delete copy[String(head)];
        } else {
            copy[String(head)] = withoutPath(copy[String(head)], rest);
        }
        return copy;
    }
    return value;
}
