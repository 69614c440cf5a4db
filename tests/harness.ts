/**
 * The tests' access to the program runner (runner/program.ts), and what they share: each shipped stack's
 * run, the overridden prod config's, and anything else costly ({@link shared}), evaluated once per test
 * process (once per mutant under mutation testing).
 */
import { forgetStackSchemas } from "../config";
import { ProgramRun, runProgram, stackConfig } from "../runner/program";

export * from "../runner/program";

const sharedValues = new Map<string, Promise<unknown>>();
let sharedScope = "";

/**
 * Stryker's instrumenter context (`globalThis.__stryker__`) while `npm run mutation` runs the tests
 * (CONTRIBUTING.md); `undefined` otherwise.
 */
interface MutationContext {
    /** The mutant switched on for this mocha run; `undefined` in the dry run that measures coverage. */
    activeMutant?: string;
    /** In the dry run, the test that is running (set by Stryker's root `beforeEach`). */
    currentTestId?: string;
}

/**
 * How long a shared run may be shared: the whole test process, except under mutation testing, where
 * the tests load once and run again for each mutant: a run computed with one mutant switched on (or
 * none) would hide the next mutant from every test. There a run is shared within one mutant's run of
 * the tests; and in the dry run, within one test, so that Stryker sees which tests execute which code
 * (coverage it would otherwise credit to the first test that read the run).
 */
export function sharedRunScope(context: MutationContext | undefined): string {
    if (context === undefined) {
        return "";
    }
    return context.activeMutant === undefined ? `test ${context.currentTestId ?? ""}` : `mutant ${context.activeMutant}`;
}

/** Whether Stryker runs the tests (`npm run mutation`): the sources they read as text are instrumented then. */
export function underMutationTesting(): boolean {
    return (globalThis as { __stryker__?: MutationContext }).__stryker__ !== undefined;
}

/**
 * Starts a new scope (see {@link sharedRunScope}) when Stryker's has changed: forgets the shared runs and
 * the program's built config schemas. A no-op under `npm test`. Every test calls it first
 * (tests/mutation-scope.test.ts); so does {@link shared}.
 */
export function syncMutationScope(): void {
    const scope = sharedRunScope((globalThis as { __stryker__?: MutationContext }).__stryker__);
    if (scope !== sharedScope) {
        sharedValues.clear();
        forgetStackSchemas();
        sharedScope = scope;
    }
}

/**
 * The value under `key`, computed once per scope (see {@link sharedRunScope}) and shared by every test
 * that reads it. Whatever a test caches from the program's output must be cached here, never in a
 * module's own map: a value computed under one mutant would judge the next.
 */
export function shared<T>(key: string, compute: () => Promise<T>): Promise<T> {
    syncMutationScope();
    let value = sharedValues.get(key) as Promise<T> | undefined;
    if (value === undefined) {
        value = compute();
        sharedValues.set(key, value);
    }
    return value;
}

/**
 * A run evaluated once per test process under `key` and shared by every test that reads it (a run is
 * ~80 ms; the suite has a time budget); see {@link sharedRunScope} for mutation testing.
 */
export function sharedRun(key: string, stack: string, config: () => Record<string, string>): Promise<ProgramRun> {
    return shared(`run ${key}`, () => runProgram(stack, config()));
}

/** The run of the program with a shipped stack file's config, shared. */
export function stackRun(stack: string): Promise<ProgramRun> {
    return sharedRun(stack, stack, () => stackConfig(stack));
}

/**
 * The prod stack's config with the pool tainted, Istio at another patch in other namespaces, and the
 * first mesh namespace adopted.
 */
export function overriddenProdConfig(): Record<string, string> {
    const config = stackConfig("prod");
    const pool = JSON.parse(config["meshstack:nodePool"]) as Record<string, unknown>;
    const istio = JSON.parse(config["meshstack:istio"]) as Record<string, unknown>;
    const mesh = JSON.parse(config["meshstack:mesh"]) as { namespaces: Array<Record<string, unknown>> };
    return {
        ...config,
        "meshstack:nodePool": JSON.stringify({ ...pool, taints: OVERRIDE_TAINTS }),
        // The first mesh namespace exists already: adopted, not created.
        "meshstack:mesh": JSON.stringify({
            ...mesh,
            namespaces: mesh.namespaces.map((namespace, index) => (index === 0 ? { ...namespace, adopt: true } : namespace)),
        }),
        "meshstack:istio": JSON.stringify({
            ...istio,
            version: "1.31.4",
            namespace: "mesh-system",
            egressGateway: { ...(istio.egressGateway as object), namespace: "mesh-egress" },
        }),
    };
}

/** The taints of {@link overriddenProdConfig}. */
export const OVERRIDE_TAINTS = [
    { key: "meshstack.io/pool", value: "mesh", effect: "NoSchedule" },
    { key: "dedicated", effect: "NoExecute" },
];

/** The shared run of {@link overriddenProdConfig}. */
export function overriddenProdRun(): Promise<ProgramRun> {
    return sharedRun("prod-overridden", "prod", overriddenProdConfig);
}

/**
 * The dev and prod stacks' shared runs, for a suite's `beforeEach` (not `before`: mutation testing credits
 * a `before` hook's code to the previous test): `beforeEach(async () => ({ dev, prod } = await shippedRuns()));`.
 */
export async function shippedRuns(): Promise<{ dev: ProgramRun; prod: ProgramRun }> {
    return { dev: await stackRun("dev"), prod: await stackRun("prod") };
}
