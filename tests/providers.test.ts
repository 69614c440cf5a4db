/**
 * The providers' settings: every lifecycle option written out on both, so that no PULUMI_K8S_*
 * variable can flip it; ConfigMaps and Secrets changed in place, never deleted to be changed.
 */
import * as assert from "assert";
import * as fs from "fs";
import { ClusterConnection, clusterProviderArgs, ExistingObjects, LIFECYCLE_SETTINGS } from "../lib/providers";
import { stackRun } from "./harness";

/** What both providers set, whatever they do with existing objects. */
const LIFECYCLE = {
    enableServerSideApply: true,
    enableConfigMapMutable: true,
    enableSecretMutable: true,
    deleteUnreachable: false,
    skipUpdateUnreachable: false,
};

describe("Kubernetes provider settings", () => {
    const cases: Array<[string, ClusterConnection, ExistingObjects, object]> = [
        ["current context, refusing existing objects", {}, "refuse", { ...LIFECYCLE, upsertExistingObjects: false, enablePatchForce: false }],
        [
            "a named context and kubeconfig, adopting existing objects",
            { context: "prod-admin", kubeconfig: "/etc/meshstack/kubeconfig" },
            "adopt",
            { context: "prod-admin", kubeconfig: "/etc/meshstack/kubeconfig", ...LIFECYCLE, upsertExistingObjects: true, enablePatchForce: true },
        ],
        ["a named context only", { context: "dev" }, "refuse", { context: "dev", ...LIFECYCLE, upsertExistingObjects: false, enablePatchForce: false }],
    ];
    for (const [name, cluster, existing, expected] of cases) {
        it(name, () => {
            assert.deepStrictEqual(clusterProviderArgs(cluster, existing), expected);
        });
    }

    it("pins every option the SDK would otherwise read from a PULUMI_K8S_* variable, but the warnings", () => {
        // The SDK's provider: each `args?.<option> ?? getEnvBoolean("PULUMI_K8S_…")`.
        const source = fs.readFileSync(require.resolve("@pulumi/kubernetes/provider.js"), "utf8");
        const fromEnvironment = [...source.matchAll(/args\?\.(\w+)\) \?\? utilities\.getEnvBoolean\("(PULUMI_K8S_\w+)"\)/g)]
            .map(([, option, variable]) => [option, variable])
            .filter(([option]) => !option.startsWith("suppress"));
        assert.deepStrictEqual(fromEnvironment.sort(), Object.entries(LIFECYCLE_SETTINGS).sort());
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: both providers send each lifecycle option, so no variable can set it`, async () => {
            const run = await stackRun(stack);
            for (const name of ["meshstack-cluster", "meshstack-cluster-retained"]) {
                const inputs = run.resource(name).inputs;
                assert.deepStrictEqual(
                    Object.keys(LIFECYCLE_SETTINGS).map((option) => [option, inputs[option]]),
                    Object.keys(LIFECYCLE_SETTINGS).map((option) => [
                        option,
                        JSON.stringify(clusterProviderArgs({}, name === "meshstack-cluster" ? "refuse" : "adopt")[option as keyof typeof LIFECYCLE_SETTINGS]),
                    ]),
                );
                assert.strictEqual(inputs.enableConfigMapMutable, "true");
            }
        });
    }
});
