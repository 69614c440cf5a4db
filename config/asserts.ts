/** Compile-time checks that a schema yields exactly a model type. */

/** `true` when `A` and `B` are the same type. */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when `T` is `true`: `type _ = Assert<Equal<SchemaOutput, ComponentArgs>>`. */
export type Assert<T extends true> = T;
