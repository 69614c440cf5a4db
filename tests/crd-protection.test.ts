import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { CUSTOM_RESOURCE_DEFINITION_TYPE, retainCustomResourceDefinitions } from "../lib/crd-protection";

function transformArgs(type: string, opts: pulumi.ResourceOptions = {}): pulumi.ResourceTransformArgs {
    return { custom: true, type, name: `meshstack-istio-base:${type}`, props: { spec: { group: "networking.istio.io" } }, opts };
}

describe("CRD protection transform", () => {
    it("retains every CustomResourceDefinition on delete, keeping its props and other options", () => {
        const args = transformArgs(CUSTOM_RESOURCE_DEFINITION_TYPE, { ignoreChanges: ["metadata"], version: "1" });
        assert.deepStrictEqual(retainCustomResourceDefinitions(args), {
            props: { spec: { group: "networking.istio.io" } },
            opts: { ignoreChanges: ["metadata"], version: "1", retainOnDelete: true },
        });
    });

    it("matches the type token the Kubernetes SDK registers CRDs with", () => {
        const sdkType = (k8s.apiextensions.v1.CustomResourceDefinition as unknown as { __pulumiType: string }).__pulumiType;
        assert.strictEqual(sdkType, "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition");
        assert.notStrictEqual(retainCustomResourceDefinitions(transformArgs(sdkType)), undefined);
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
        it(`leaves ${type} alone`, () => {
            assert.strictEqual(retainCustomResourceDefinitions(transformArgs(type)), undefined);
        });
    }
});
