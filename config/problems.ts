/**
 * From raw config to a typed config or one error listing every problem: zod checks each key (types,
 * formats, unknown keys); the area files' cross-field checks then run on the typed config, with every
 * invalid key replaced by its default so that one pass reports everything at once.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { compareOrder, keysAt, orderOf } from "./introspect";
import { ConfigProblem, keyName, KeyPath, unknownKeyMessage } from "./keys";

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
    // verdicts that read no invalid key. A list entry that still does not parse (a required key of it
    // was invalid) is left out of the checks, and so is every verdict that reads it.
    for (let round = 0; round < 3; round++) {
        const { value, indexes } = compact(repaired);
        const result = schema.safeParse(value);
        if (result.success) {
            for (const problem of checks(result.data)) {
                const path = originalPath(problem.path, indexes);
                const involves = (problem.involves ?? [problem.path]).map((involved) => originalPath(involved, indexes));
                if (!involves.some((involved) => invalid.some((bad) => overlaps(involved, bad)))) {
                    located.push({ path, message: problem.message });
                }
            }
            break;
        }
        const entries = result.error.issues.map((issue) => listEntryOf(originalPath(issue.path as KeyPath, indexes)));
        if (entries.some((entry) => entry === undefined)) {
            break; // a required key outside any list: the field problems alone are reported
        }
        for (const entry of entries as KeyPath[]) {
            invalid.push(entry);
            repaired = withoutPath(repaired, entry, DROPPED);
        }
    }
    return { config: undefined, problems: sorted(schema, located) };
}

/** Marks a list entry left out of the cross-field checks. */
const DROPPED = Symbol("dropped");

/** The path of the innermost list entry that holds `path`, if any. */
function listEntryOf(path: KeyPath): KeyPath | undefined {
    for (let end = path.length; end > 0; end--) {
        if (typeof path[end - 1] === "number") {
            return path.slice(0, end);
        }
    }
    return undefined;
}

/**
 * `value` without its dropped list entries, and for each list (by its path in the result) the original
 * index of each entry kept, to map paths in the result back to the user's indexes.
 */
function compact(value: unknown, path = ""): { value: unknown; indexes: Map<string, number[]> } {
    const indexes = new Map<string, number[]>();
    const walk = (node: unknown, at: string): unknown => {
        if (Array.isArray(node)) {
            const kept: number[] = [];
            const items: unknown[] = [];
            node.forEach((item, index) => {
                if (item !== DROPPED) {
                    kept.push(index);
                    items.push(walk(item, `${at}[${items.length}]`));
                }
            });
            indexes.set(at, kept);
            return items;
        }
        if (node !== null && typeof node === "object") {
            return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item, `${at}.${key}`)]));
        }
        return node;
    };
    return { value: walk(value, path), indexes };
}

/** A path in a compacted config as the user wrote it (with the original list indexes). */
function originalPath(path: KeyPath, indexes: Map<string, number[]>): KeyPath {
    let at = "";
    return path.map((segment) => {
        if (typeof segment === "number") {
            const original = indexes.get(at)?.[segment] ?? segment;
            at = `${at}[${segment}]`;
            return original;
        }
        at = `${at}.${segment}`;
        return segment;
    });
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

/**
 * A copy of `value` without the entry at `path`: a key is removed, a list entry becomes `replacement`
 * (keeping the other entries' indexes).
 */
function withoutPath(value: unknown, path: KeyPath, replacement: unknown = undefined): unknown {
    if (path.length === 0) {
        return replacement;
    }
    const [head, ...rest] = path;
    if (Array.isArray(value) && typeof head === "number") {
        const copy = [...value];
        copy[head] = withoutPath(copy[head], rest, replacement);
        return copy;
    }
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
        if (rest.length === 0) {
            delete copy[String(head)];
        } else {
            copy[String(head)] = withoutPath(copy[String(head)], rest, replacement);
        }
        return copy;
    }
    return value;
}
