/**
 * The tests' access to the program runner (runner/program.ts), and the runs they share: each shipped
 * stack's, and the overridden prod config's, evaluated once per test process.
 */
import { ProgramRun, runProgram, stackConfig } from "../runner/program";

export * from "../runner/program";

const sharedRuns = new Map<string, Promise<ProgramRun>>();

/**
 * A run evaluated once per test process under `key` and shared by every test that reads it (a run is
 * ~80 ms; the suite has a time budget).
 */
export function sharedRun(key: string, stack: string, config: () => Record<string, string>): Promise<ProgramRun> {
    let run = sharedRuns.get(key);
    if (run === undefined) {
        run = runProgram(stack, config());
        sharedRuns.set(key, run);
    }
    return run;
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

/** The dev and prod stacks' shared runs, for a suite's `before`: `before(async () => ({ dev, prod } = await shippedRuns()));`. */
export async function shippedRuns(): Promise<{ dev: ProgramRun; prod: ProgramRun }> {
    return { dev: await stackRun("dev"), prod: await stackRun("prod") };
}
