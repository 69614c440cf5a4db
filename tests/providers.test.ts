import * as assert from "assert";
import { ClusterConnection, clusterProviderArgs, ExistingObjects } from "../lib/providers";

describe("Kubernetes provider settings", () => {
    const cases: Array<[string, ClusterConnection, ExistingObjects, object]> = [
        [
            "current context, refusing existing objects",
            {},
            "refuse",
            { enableServerSideApply: true, upsertExistingObjects: false, enablePatchForce: false },
        ],
        [
            "a named context and kubeconfig, adopting existing objects",
            { context: "prod-admin", kubeconfig: "/etc/meshstack/kubeconfig" },
            "adopt",
            {
                context: "prod-admin",
                kubeconfig: "/etc/meshstack/kubeconfig",
                enableServerSideApply: true,
                upsertExistingObjects: true,
                enablePatchForce: true,
            },
        ],
        [
            "a named context only",
            { context: "dev" },
            "refuse",
            { context: "dev", enableServerSideApply: true, upsertExistingObjects: false, enablePatchForce: false },
        ],
    ];
    for (const [name, cluster, existing, expected] of cases) {
        it(name, () => {
            assert.deepStrictEqual(clusterProviderArgs(cluster, existing), expected);
        });
    }
});
