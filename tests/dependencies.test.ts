/**
 * The dependency tree holds one copy of @pulumi/pulumi: a second copy (pulumi/pulumi#12141) would keep
 * its own runtime state, so the mocks and the Kubernetes SDK's resources would not see each other.
 */
import * as assert from "assert";
import * as path from "path";

describe("dependencies", () => {
    it("@pulumi/kubernetes uses the project's own copy of @pulumi/pulumi", () => {
        const kubernetesRoot = path.dirname(require.resolve("@pulumi/kubernetes/package.json"));
        const seenByKubernetes = require.resolve("@pulumi/pulumi", { paths: [kubernetesRoot] });
        assert.strictEqual(seenByKubernetes, require.resolve("@pulumi/pulumi"));
    });

    it("pins TypeScript 5.x, inside @pulumi/pulumi's peer range", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { version } = require("typescript/package.json") as { version: string };
        assert.match(version, /^5\./);
    });

    it("pins TypeScript 7 under its alias for the native type check", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { name, version } = require("typescript-native/package.json") as { name: string; version: string };
        assert.deepStrictEqual([name, version], ["typescript", "7.0.2"]);
    });
});
