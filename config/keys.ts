/**
 * How a config key is named and talked about: the `meshstack:` namespace, a key path as a user writes
 * it (`meshstack:istio.istiod.replicas`), a value as a message shows it, and the "did you mean" hint for
 * an unknown key.
 */

/** The config namespace of every meshstack key (`meshstack:istio`, …). */
export const CONFIG_NAMESPACE = "meshstack";

/** One thing wrong with the stack's config: the full key path, what is wrong, and how to fix it. */
export interface ConfigProblem {
    /** The key path as a user finds it in `Pulumi.<stack>.yaml`, e.g. `meshstack:istio.version`. */
    key: string;
    /** What is wrong and how to fix it, in one or two sentences. */
    message: string;
}

/** A path inside the `meshstack` namespace: `["istio", "istiod", "replicas"]`, `["nodes", 0, "name"]`. */
export type KeyPath = readonly (string | number)[];

/** The key as a user writes it: `meshstack:istio.istiod.replicas`, `meshstack:nodePool.nodes[0].name`. */
export function keyName(path: KeyPath): string {
    let key = CONFIG_NAMESPACE + ":";
    path.forEach((segment, index) => {
        if (typeof segment === "number") {
            key += `[${segment}]`;
        } else {
            key += index === 0 ? segment : `.${segment}`;
        }
    });
    return key;
}

/** A value as it appears in a message: strings quoted, everything else as JSON. */
export function show(value: unknown): string {
    return JSON.stringify(value) ?? String(value);
}

/** The message for a key that meshstack does not know: a likely typo gets a suggestion. */
export function unknownKeyMessage(field: string, known: readonly string[]): string {
    const suggestion = closest(field, known);
    const hint = suggestion === undefined ? "" : ` Did you mean "${suggestion}"?`;
    return `unknown key.${hint} Known keys here: ${known.join(", ")}.`;
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
