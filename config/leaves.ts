/**
 * The leaf builders of the config schema (zod 4): every leaf a meshstack key can be, with meshstack's
 * messages (each names the value and the fix) and its docs, so the docs generator knows every type.
 * Area files (`istio.ts`, …) build their schemas only from these.
 */
import { z } from "zod";
import { parseCpu, parseMemory } from "../lib/quantity";
import { SchemaLike } from "./introspect";
import { show } from "./keys";
import { isLabelValue, qualifiedNameProblem } from "./names";

/** The message for a value of the wrong type (or a missing required one). */
function expected(what: string, hint: (input: unknown) => string = () => ""): (issue: { input?: unknown }) => string {
    return (issue) =>
        issue.input === undefined ? `required: set ${what}.` : `expected ${what}, got ${show(issue.input)}${hint(issue.input)}.`;
}

/** A check of a valid value: a problem message, or `undefined` when the value is fine. */
export type Check<T> = (value: T) => string | undefined;

function withCheck<S extends SchemaLike, T>(schema: S, check: Check<T> | undefined): S {
    if (check === undefined) {
        return schema;
    }
    return (schema as unknown as z.ZodType<T>).superRefine((value, ctx) => {
        const message = check(value);
        if (message !== undefined) {
            ctx.addIssue({ code: "custom", message, input: value });
        }
    }) as unknown as S;
}

/** Documentation of a key: shown in the README table and the editor schema. */
export interface KeyDocs {
    /** What the key does, in a sentence or two. */
    description: string;
    /** The type as the README names it, when the schema's own is not enough (e.g. `quantity`). */
    docType?: string;
    /** The default as the README shows it, when it is not a value (e.g. "the kubeconfig's current context"). */
    docDefault?: string;
    /** The default of a key whose default is resolved after parsing (shown in the README and to editors). */
    default?: unknown;
}

/** A string; YAML numbers get a hint to quote them. */
export function text(check?: Check<string>): z.ZodString {
    const quoteHint = (input: unknown): string => (typeof input === "number" ? ` (quote it in YAML: "${input}")` : "");
    return withCheck<z.ZodString, string>(z.string({ error: expected("a string", quoteHint) }), check);
}

// A number schema's error also words the issues of its checks (min, max): one message per leaf.

/** A whole number of at least `min`. */
export function wholeNumber(min: number): z.ZodInt {
    return z.int({ error: expected(`a whole number of at least ${min}`) }).min(min);
}

/** The largest value of the API's 32-bit integers (user ids, Istio's counts). */
export const INT32_MAX = 2147483647;

/** A whole number from `min` to `max`. */
export function wholeNumberIn(min: number, max: number): z.ZodInt {
    return z.int({ error: expected(`a whole number from ${min} to ${max}`) }).min(min).max(max);
}

/** A TCP/UDP port number. */
export function port(): z.ZodInt {
    return z.int({ error: expected("a port from 1 to 65535") }).min(1).max(65535);
}

/** A number (fractions allowed) within `[min, max]`. */
export function decimal(min: number, max: number): z.ZodNumber {
    return z.number({ error: expected(`a number from ${min} to ${max}`) }).min(min).max(max);
}

/** `true` or `false`. */
export function flag(): z.ZodBoolean {
    return z.boolean({ error: expected("true or false") });
}

/** One of a fixed set of strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T): z.ZodEnum<{ [K in T[number]]: K }> {
    return z.enum(values, { error: expected(`one of ${values.map((value) => `"${value}"`).join(", ")}`) });
}

/**
 * An object with exactly these keys: unknown keys are problems, with a suggestion for typos. Use
 * `.prefault({})` on it so that the defaults of its keys apply when it is absent.
 */
export function section<Shape extends z.ZodRawShape>(shape: Shape): z.ZodObject<Shape, z.core.$strict> {
    const keys = Object.keys(shape).join(", ");
    return z.strictObject(shape, { error: expected(`an object with the keys ${keys}`) });
}

// Builders whose return type is inferred: annotating a zod type makes the compiler compare two large
// generic class types structurally (~70,000 type instantiations, a third of a second per type check).

/** A list of `item`. */
export function list<Item extends z.core.SomeType>(item: Item, what: string) {
    // Constrained to zod's core SomeType: relating each item class to the classic z.ZodType costs ~0.3 s.
    return z.array(item, { error: expected(`a list of ${what}`) });
}

/** A map of string keys to string values (labels, selectors). */
export function stringMap(what: string) {
    return z.record(z.string(), z.string({ error: expected("a string") }), { error: expected(`a map of ${what}`) });
}

/** A problem with a label key or value, or `undefined`. */
export function labelProblem(key: string, value: string): string | undefined {
    if (qualifiedNameProblem(key) !== undefined) {
        return `${show(key)} is not a label key: an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_" and ".", e.g. "version".`;
    }
    if (value !== "" && !isLabelValue(value)) {
        return `${show(value)} is not a label value: at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit.`;
    }
    return undefined;
}

/** A map of Kubernetes labels: every key and value as the API server takes them. */
export function labelMap() {
    const check: Check<Record<string, string>> = (labels) =>
        Object.entries(labels)
            .map(([key, value]) => labelProblem(key, value))
            .find((problem) => problem !== undefined);
    return withCheck(stringMap("labels"), check);
}

/**
 * A Kubernetes quantity given as a string (`"500m"`, `"128Mi"`) or as a YAML number (`0.5`, `1`,
 * `1073741824`), which Kubernetes accepts too. Numbers are passed on as strings ("0.5"), the form the
 * charts and the API server both take.
 */
function quantity(parse: (text: string) => number | undefined, fix: string) {
    const error = (issue: { input?: unknown }): string =>
        issue.input === undefined ? `required: set a quantity.` : `${show(issue.input)} ${fix}`;
    return z
        .union([z.string(), z.number()], { error })
        .transform((value) => String(value))
        .pipe(withCheck<z.ZodString, string>(z.string(), (value) => (parse(value) === undefined ? `${show(value)} ${fix}` : undefined)));
}

/** A CPU quantity: cores or millicores. */
export function cpu(): ReturnType<typeof quantity> {
    return quantity(parseCpu, `is not a CPU quantity. Use cores ("2", "0.5") or millicores ("500m").`);
}

/** A memory quantity: bytes with an optional decimal or binary suffix. */
export function memory(check?: Check<string>): ReturnType<typeof quantity> {
    return withCheck(quantity(parseMemory, `is not a memory quantity. Use bytes with a suffix, e.g. "128Mi", "1Gi" or "512M".`), check);
}

/** A key with its documentation attached (description, and the README's type and default if given). */
export function documented<S extends SchemaLike>(schema: S, docs: KeyDocs): S {
    // Constrained to SchemaLike, not z.ZodType: relating e.g. ZodInt to ZodType costs ~0.4 s per check.
    return (schema as unknown as z.ZodType).meta({ ...docs }) as unknown as S;
}
