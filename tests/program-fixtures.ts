/** Helpers of the tests that read a program run: a recorded input's value at a path, a stack's config with another pool. */
import { ProgramRun, sharedRun, stackConfig } from "./harness";

/** The value at a dotted path (`spec.template.spec.containers.0.env`) of a recorded input. */
export function at(value: unknown, dottedPath: string): unknown {
    return dottedPath.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], value);
}

/** A shipped stack's config with `pool` merged over its `meshstack:nodePool`. */
export function stackWithPool(stack: string, pool: Record<string, unknown>): Record<string, string> {
    const config = stackConfig(stack);
    const shipped = JSON.parse(config["meshstack:nodePool"]) as Record<string, unknown>;
    return { ...config, "meshstack:nodePool": JSON.stringify({ ...shipped, ...pool }) };
}

/** A shipped stack's config with `meshstack:<area>` changed by `change`. */
export function withArea(stack: string, area: string, change: (value: Record<string, unknown>) => Record<string, unknown>): Record<string, string> {
    const config = stackConfig(stack);
    const key = `meshstack:${area}`;
    return { ...config, [key]: JSON.stringify(change(JSON.parse(config[key] ?? "{}") as Record<string, unknown>)) };
}

/** dev switched to ambient with its one key (shop moves; backend stays on sidecars), shared. */
export function ambientDev(): Promise<ProgramRun> {
    return sharedRun("dev-ambient", "dev", () => withArea("dev", "istio", (istio) => ({ ...istio, dataPlane: "ambient" })));
}

/** prod with its `backend` namespace moved to ambient, inventory-service without its retries (an HTTPRoute has none), shared. */
export function migratingProd(): Promise<ProgramRun> {
    return sharedRun("prod-backend-ambient", "prod", () => {
        const moved = withArea("prod", "mesh", (mesh) => ({
            ...mesh,
            namespaces: (mesh.namespaces as Array<Record<string, unknown>>).map((namespace) =>
                namespace.name === "backend" ? { ...namespace, dataPlane: "ambient" } : namespace,
            ),
        }));
        const services = (JSON.parse(moved["meshstack:services"]) as Array<Record<string, unknown>>).map(({ retries: _retries, ...service }) => service);
        return { ...moved, "meshstack:services": JSON.stringify(services) };
    });
}
