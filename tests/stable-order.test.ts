/**
 * Lists the cluster sees come out in a stable order: the same config with its lists in another order
 * declares the very same objects, so a preview shows no change for a change that changes nothing.
 */
import * as assert from "assert";
import { ProgramRun, runProgram, stackConfig, stackRun } from "./harness";

/** The inputs of every resource whose name starts with `prefix`, by name. */
function objects(run: ProgramRun, prefix: string): Record<string, unknown> {
    return Object.fromEntries(run.resources.filter((resource) => resource.name.startsWith(prefix)).map((resource) => [resource.name, resource.inputs]));
}

describe("stable order", () => {
    it("declares the same objects whatever the order of the mesh namespaces and their allow rules", async () => {
        const config = stackConfig("prod");
        const mesh = JSON.parse(config["meshstack:mesh"]) as { namespaces: Array<{ allowFrom?: unknown[] }> };
        const reversed = {
            ...mesh,
            namespaces: [...mesh.namespaces].reverse().map((namespace) => ({ ...namespace, ...(namespace.allowFrom === undefined ? {} : { allowFrom: [...namespace.allowFrom].reverse() }) })),
        };
        const swapped = await runProgram("prod", { ...config, "meshstack:mesh": JSON.stringify(reversed) });
        const prod = await stackRun("prod");
        assert.deepStrictEqual(objects(swapped, "meshstack-ns-"), objects(prod, "meshstack-ns-"));
    });

    it("declares the same egress and routing objects whatever the order of the allowlist and of a service's versions", async () => {
        const config = stackConfig("dev");
        const mesh = JSON.parse(config["meshstack:mesh"]) as { egress: unknown[] };
        const services = JSON.parse(config["meshstack:services"]) as Array<{ versions: unknown[] }>;
        assert.ok(mesh.egress.length > 1 && services.some((service) => service.versions.length > 1));
        const swapped = await runProgram("dev", {
            ...config,
            "meshstack:mesh": JSON.stringify({ ...mesh, egress: [...mesh.egress].reverse() }),
            "meshstack:services": JSON.stringify(services.map((service) => ({ ...service, versions: [...service.versions].reverse() }))),
        });
        const dev = await stackRun("dev");
        assert.deepStrictEqual(objects(swapped, "meshstack-egress-allowlist-"), objects(dev, "meshstack-egress-allowlist-"));
        assert.deepStrictEqual(objects(swapped, "meshstack-svc-"), objects(dev, "meshstack-svc-"));
    });
});
