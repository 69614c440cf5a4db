/**
 * Reading a zod schema without zod's classes: its definition, its keys, the order of its keys. The
 * problem list and the docs generator walk schemas with these.
 */
import { z } from "zod";
import { KeyPath } from "./keys";

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
