/**
 * Building blocks of the config schema (zod 4) and the translation of zod's issues into meshstack's
 * problems: every problem names the key path as a user writes it (`meshstack:istio.istiod.replicas`)
 * and says how to fix it. Area files (`istio.ts`, …) build their schemas only from these blocks, so
 * every leaf has meshstack's messages and the docs generator knows every type.
 */
import { z } from "zod";
import { parseCpu, parseMemory } from "../lib/quantity";
import { isLabelValue, qualifiedNameProblem } from "./names";

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

/** `true` when `A` and `B` are the same type. */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when `T` is `true`: `type _ = Assert<Equal<SchemaOutput, ComponentArgs>>`. */
export type Assert<T extends true> = T;

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

/** A whole number of at least `min`. */
export function wholeNumber(min: number): z.ZodInt {
    const error = expected(`a whole number of at least ${min}`);
    return z.int({ error }).min(min, { error });
}

/** The largest value of the API's 32-bit integers (user ids, Istio's counts). */
export const INT32_MAX = 2147483647;

/** A whole number from `min` to `max`. */
export function wholeNumberIn(min: number, max: number): z.ZodInt {
    const error = expected(`a whole number from ${min} to ${max}`);
    return z.int({ error }).min(min, { error }).max(max, { error });
}

/** A TCP/UDP port number. */
export function port(): z.ZodInt {
    const error = expected("a port from 1 to 65535");
    return z.int({ error }).min(1, { error }).max(65535, { error });
}

/** A number (fractions allowed) within `[min, max]`. */
export function decimal(min: number, max: number): z.ZodNumber {
    const error = expected(`a number from ${min} to ${max}`);
    return z.number({ error }).min(min, { error }).max(max, { error });
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
function quantity(kind: "cpu" | "memory") {
    const parse = kind === "cpu" ? parseCpu : parseMemory;
    const fix =
        kind === "cpu"
            ? `is not a CPU quantity. Use cores ("2", "0.5") or millicores ("500m").`
            : `is not a memory quantity. Use bytes with a suffix, e.g. "128Mi", "1Gi" or "512M".`;
    const error = (issue: { input?: unknown }): string =>
        issue.input === undefined ? `required: set a quantity.` : `${show(issue.input)} ${fix}`;
    return z
        .union([z.string(), z.number()], { error })
        .transform((value) => (typeof value === "number" ? String(value) : value))
        .pipe(withCheck<z.ZodString, string>(z.string(), (value) => (parse(value) === undefined ? `${show(value)} ${fix}` : undefined)));
}

/** A CPU quantity: cores or millicores. */
export function cpu(): ReturnType<typeof quantity> {
    return quantity("cpu");
}

/** A memory quantity: bytes with an optional decimal or binary suffix. */
export function memory(check?: Check<string>): ReturnType<typeof quantity> {
    return withCheck(quantity("memory"), check);
}

/** A key with its documentation attached (description, and the README's type and default if given). */
export function documented<S extends SchemaLike>(schema: S, docs: KeyDocs): S {
    // Constrained to SchemaLike, not z.ZodType: relating e.g. ZodInt to ZodType costs ~0.4 s per check.
    return (schema as unknown as z.ZodType).meta({ ...docs }) as unknown as S;
}

/**
 * The parts of a zod schema's definition that meshstack reads. Read through this small view instead of
 * `instanceof` on zod's classes: narrowing to those large generic classes costs the type checker
 * tens of thousands of instantiations per use.
 */
export interface SchemaDef {
    type: string;
    innerType?: z.ZodType;
    in?: z.ZodType;
    out?: z.ZodType;
    shape?: Record<string, z.ZodType>;
    element?: z.ZodType;
    valueType?: z.ZodType;
    entries?: Record<string, string>;
    defaultValue?: unknown;
}

/**
 * Any zod schema, as the functions below read it. Typed by the one property they use: passing a large
 * concrete schema where `z.ZodType` is expected makes the compiler compare the two classes structurally
 * (~0.4 s of every type check).
 */
export interface SchemaLike {
    readonly _zod: { readonly def: unknown };
}

/** The definition of `schema`. */
export function defOf(schema: SchemaLike): SchemaDef {
    return schema._zod.def as unknown as SchemaDef;
}

/** The inner schema of a wrapper (default, optional, pipe, …), or `undefined` for a plain schema. */
export function unwrap(schema: SchemaLike): SchemaLike | undefined {
    const def = defOf(schema);
    switch (def.type) {
        case "default":
        case "prefault":
        case "optional":
        case "nullable":
        case "readonly":
        case "catch":
        case "nonoptional":
            return def.innerType;
        case "pipe":
            return def.in !== undefined && defOf(def.in).type === "transform" ? def.out : def.in;
        default:
            return undefined;
    }
}

/** The schema with every wrapper removed. */
export function core(schema: SchemaLike): SchemaLike {
    let current = schema;
    for (let inner = unwrap(current); inner !== undefined; inner = unwrap(current)) {
        current = inner;
    }
    return current;
}

/** The keys of an object schema (after unwrapping), or `undefined` when it is not an object. */
export function shapeOf(schema: SchemaLike): Record<string, z.ZodType> | undefined {
    const def = defOf(core(schema));
    return def.type === "object" ? def.shape : undefined;
}

/** The keys of the object schema at `path` (empty when there is none). */
export function keysAt(schema: SchemaLike, path: KeyPath): string[] {
    let current: SchemaLike | undefined = schema;
    for (const segment of path) {
        current = current === undefined ? undefined : childOf(current, segment);
    }
    return Object.keys((current === undefined ? undefined : shapeOf(current)) ?? {});
}

function childOf(schema: SchemaLike, segment: string | number): z.ZodType | undefined {
    const def = defOf(core(schema));
    if (def.type === "object" && typeof segment === "string") {
        return def.shape?.[segment];
    }
    if (def.type === "array" && typeof segment === "number") {
        return def.element;
    }
    if (def.type === "record") {
        return def.valueType;
    }
    return undefined;
}

/**
 * A sort key for `path`: each segment's position among its object's keys (unknown keys after the known
 * ones), so problems are listed in the order of the keys in the schema and the README.
 */
export function orderOf(schema: SchemaLike, path: KeyPath): number[] {
    const order: number[] = [];
    let current: SchemaLike | undefined = schema;
    for (const segment of path) {
        if (typeof segment === "number") {
            order.push(segment);
        } else {
            const keys = Object.keys((current === undefined ? undefined : shapeOf(current)) ?? {});
            const index = keys.indexOf(segment);
            order.push(index === -1 ? keys.length : index);
        }
        current = current === undefined ? undefined : childOf(current, segment);
    }
    return order;
}

/** Compares two sort keys from {@link orderOf}. */
export function compareOrder(a: readonly number[], b: readonly number[]): number {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
        if (a[i] !== b[i]) {
            return a[i] - b[i];
        }
    }
    return a.length - b.length;
}
