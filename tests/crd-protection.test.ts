import * as apiextensionsv1 from "@pulumi/kubernetes/apiextensions/v1";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { CUSTOM_RESOURCE_DEFINITION_TYPE, retainAndAdopt, retainAndAdoptCustomResourceDefinitions } from "../lib/crd-protection";

/** A stand-in provider: the transform only passes the reference on. */
const RETAINED = { marker: "retained provider" } as unknown as pulumi.ProviderResource;
const transform = retainAndAdoptCustomResourceDefinitions(RETAINED);

function transformArgs(type: string, opts: pulumi.ResourceOptions = {}): pulumi.ResourceTransformArgs {
    return { custom: true, type, name: `meshstack-istio-base:${type}`, props: { spec: { group: "networking.istio.io" } }, opts };
}

describe("CRD protection transform", () => {
    it("retains every CustomResourceDefinition and gives it the adopting provider, keeping its props and other options", () => {
        const args = transformArgs(CUSTOM_RESOURCE_DEFINITION_TYPE, { ignoreChanges: ["metadata"], version: "1" });
        assert.deepStrictEqual(transform(args), {
            props: { spec: { group: "networking.istio.io" } },
            opts: { ignoreChanges: ["metadata"], version: "1", retainOnDelete: true, provider: RETAINED },
        });
    });

    it("replaces the provider the chart would pass on", () => {
        const chartProvider = { marker: "chart provider" } as unknown as pulumi.ProviderResource;
        const result = transform(transformArgs(CUSTOM_RESOURCE_DEFINITION_TYPE, { provider: chartProvider }));
        assert.strictEqual(result?.opts?.provider, RETAINED);
    });

    it("matches the type token the Kubernetes SDK registers CRDs with", () => {
        const sdkType = (apiextensionsv1.CustomResourceDefinition as unknown as { __pulumiType: string }).__pulumiType;
        assert.strictEqual(sdkType, "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition");
        assert.notStrictEqual(transform(transformArgs(sdkType)), undefined);
    });

    it("names itself for the plan after the kinds it protects", () => {
        assert.strictEqual(transform.name, "retain and adopt CustomResourceDefinition");
    });

    it("protects several types at once, named after each kind", () => {
        const webhook = "kubernetes:admissionregistration.k8s.io/v1:ValidatingWebhookConfiguration";
        const both = retainAndAdopt([CUSTOM_RESOURCE_DEFINITION_TYPE, webhook], RETAINED);
        assert.deepStrictEqual(
            [both.name, both(transformArgs(webhook))?.opts, both(transformArgs(CUSTOM_RESOURCE_DEFINITION_TYPE))?.opts, both(transformArgs("kubernetes:apps/v1:Deployment"))],
            [
                "retain and adopt CustomResourceDefinition, ValidatingWebhookConfiguration",
                { retainOnDelete: true, provider: RETAINED },
                { retainOnDelete: true, provider: RETAINED },
                undefined,
            ],
        );
    });

    const untouched = [
        "kubernetes:helm.sh/v4:Chart",
        "kubernetes:core/v1:ServiceAccount",
        "kubernetes:admissionregistration.k8s.io/v1:ValidatingWebhookConfiguration",
        "kubernetes:apps/v1:Deployment",
        "kubernetes:apiextensions.k8s.io/v1beta1:CustomResourceDefinition",
        "kubernetes:networking.istio.io/v1:VirtualService",
    ];
    for (const type of untouched) {
        it(`leaves ${type} alone (chart provider, deleted with the stack)`, () => {
            assert.strictEqual(transform(transformArgs(type)), undefined);
        });
    }
});
