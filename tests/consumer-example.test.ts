/**
 * The example consumer (examples/consumer) type-checks against the outputs contract (it is in the
 * build) and runs under the mocks against the prod stack's real outputs.
 */
import * as assert from "assert";
import { sidecar } from "./expected";
import * as path from "path";
import { PROJECT_ROOT, runProgram, stackRun } from "./harness";

const EXAMPLE = path.join(PROJECT_ROOT, ".build", "examples", "consumer", "index.js");

describe("example consumer of the outputs", () => {
    it("puts the platform's sidecar annotations on its Deployment and finds its host on the allowlist", async () => {
        const prod = await stackRun("prod");
        const run = await runProgram("prod", {}, { program: EXAMPLE, stackOutputs: { "organization/meshstack/prod": prod.outputs } });
        const deployment = run.resource("checkout-v2");
        const template = (deployment.inputs.spec as { template: { metadata: { annotations: unknown; labels: unknown } } }).template;
        assert.deepStrictEqual(template.metadata.annotations, sidecar("50m", "64Mi"));
        assert.deepStrictEqual(template.metadata.labels, { app: "checkout", version: "v2" });
        assert.deepStrictEqual(run.outputs, {
            paymentHostAllowed: true,
            checkoutHost: "checkout.shop.svc.cluster.local",
            deploymentName: "checkout-v2",
        });
    });

    it("fails with the request to make when its host is not on the allowlist", async () => {
        const prod = await stackRun("prod");
        const outputs = { ...prod.outputs, egress: { outboundTrafficPolicy: "REGISTRY_ONLY", allowlist: [] } };
        await assert.rejects(runProgram("prod", {}, { program: EXAMPLE, stackOutputs: { "organization/meshstack/prod": outputs } }), {
            message:
                "api.stripe.com:443 is not on the mesh's egress allowlist (organization/meshstack/prod): ask the platform team " +
                "to add it to meshstack:mesh.egress, with the reason.",
        });
    });
});
