/**
 * Every Kubernetes object the program declares directly is valid against the official Kubernetes
 * schema (kubernetes-models, ESM-only: loaded with import()).
 */
import * as assert from "assert";
import { stackRun } from "./harness";

describe("schemas", () => {
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: every Namespace is a valid core/v1 Namespace`, async () => {
            const { Namespace } = await import("kubernetes-models/v1/Namespace");
            const run = await stackRun(stack);
            const namespaces = run.ofType("kubernetes:core/v1:Namespace");
            assert.strictEqual(namespaces.length, 2);
            for (const namespace of namespaces) {
                assert.doesNotThrow(() => new Namespace(namespace.inputs).validate(), namespace.name);
            }
        });
    }

    it("rejects an invalid Namespace (the check can fail)", async () => {
        const { Namespace } = await import("kubernetes-models/v1/Namespace");
        assert.throws(() => new Namespace({ metadata: { name: "x", labels: { a: 1 } } } as never).validate());
    });
});
