/**
 * Small readers for raw, untyped config trees. Each reader checks one value, records every problem it
 * finds (never throws), and returns a typed value or the default, so that one pass over the whole
 * config reports everything that is wrong at once.
 */

/** One thing wrong with the stack's config: the full key path, what is wrong, and how to fix it. */
export interface ConfigProblem {
    /** The key path as a user finds it in `Pulumi.<stack>.yaml`, e.g. `meshstack:istio.version`. */
    key: string;
    /** What is wrong and how to fix it, in one or two sentences. */
    message: string;
}

/** Collects the problems found while reading one config tree. */
export class ProblemList {
    readonly problems: ConfigProblem[];

    /** Starts with `earlier`: problems found before this pass (copied, never changed). */
    constructor(earlier: readonly ConfigProblem[] = []) {
        this.problems = [...earlier];
    }

    add(key: string, message: string): void {
        this.problems.push({ key, message });
    }
}

/** A plain JSON-like object, as Pulumi hands structured config to a program. */
export type RawObject = Record<string, unknown>;

/** The key path of `field` inside the object at `key`. */
export function keyOf(key: string, field: string): string {
    return `${key}.${field}`;
}

/** A value as it appears in a message: strings quoted, everything else as JSON. */
export function show(value: unknown): string {
    return JSON.stringify(value) ?? String(value);
}

/**
 * The object at `key`, or `{}` when it is absent. Reports a value that is not an object, and every
 * field not in `known` (with the nearest known name, for typos).
 */
export function readObject(raw: unknown, key: string, known: readonly string[], problems: ProblemList): RawObject {
    if (raw === undefined || raw === null) {
        return {};
    }
    if (typeof raw !== "object" || Array.isArray(raw)) {
        problems.add(key, `expected an object with the keys ${known.join(", ")}, got ${show(raw)}.`);
        return {};
    }
    const object = raw as RawObject;
    for (const field of Object.keys(object)) {
        if (!known.includes(field)) {
            problems.add(keyOf(key, field), unknownKeyMessage(field, known));
        }
    }
    return object;
}

/** The message for a key that meshstack does not know: a likely typo gets a suggestion. */
export function unknownKeyMessage(field: string, known: readonly string[]): string {
    const suggestion = closest(field, known);
    const hint = suggestion === undefined ? "" : ` Did you mean "${suggestion}"?`;
    return `unknown key.${hint} Known keys here: ${known.join(", ")}.`;
}

/** A string at `key`, or `fallback` when absent; `check` returns a problem message for a bad value. */
export function readString(
    raw: unknown,
    key: string,
    fallback: string,
    problems: ProblemList,
    check?: (value: string) => string | undefined,
): string {
    if (raw === undefined || raw === null) {
        return fallback;
    }
    if (typeof raw !== "string") {
        const quoteHint = typeof raw === "number" ? ` (quote it in YAML: "${raw}")` : "";
        problems.add(key, `expected a string, got ${show(raw)}${quoteHint}.`);
        return fallback;
    }
    const problem = check?.(raw);
    if (problem !== undefined) {
        problems.add(key, problem);
    }
    return raw;
}

/** A whole number ≥ `min` at `key`, or `fallback` when absent. */
export function readInteger(raw: unknown, key: string, fallback: number, min: number, problems: ProblemList): number {
    if (raw === undefined || raw === null) {
        return fallback;
    }
    if (typeof raw !== "number" || !Number.isInteger(raw) || raw < min) {
        problems.add(key, `expected a whole number of at least ${min}, got ${show(raw)}.`);
        return fallback;
    }
    return raw;
}

/** A boolean at `key`, or `fallback` when absent. */
export function readBoolean(raw: unknown, key: string, fallback: boolean, problems: ProblemList): boolean {
    if (raw === undefined || raw === null) {
        return fallback;
    }
    if (typeof raw !== "boolean") {
        problems.add(key, `expected true or false, got ${show(raw)}.`);
        return fallback;
    }
    return raw;
}

/** The candidate within edit distance 2 of `word` (the nearest one), if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = 3;
    for (const candidate of candidates) {
        const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
        if (distance < bestDistance) {
            best = candidate;
            bestDistance = distance;
        }
    }
    return best;
}

/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
            current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
        }
        previous = current;
    }
    return previous[b.length];
}
