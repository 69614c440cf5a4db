/**
 * The data-plane seam: the sidecar data plane's enrolment and opt-out labels, what a meshed pod costs
 * the budget, what a workload's pods carry; and the program asks it (every namespace, every opt-out).
 */
import * as assert from "assert";
import { SIDECAR } from "../lib/data-plane";
import { sidecar } from "./expected";
import { stackRun } from "./harness";
import { at } from "./program-fixtures";

const MESH = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "2000m", memory: "1024Mi" } };

describe("data plane: sidecar", () => {
    it("enrols a namespace with istio-injection, keeps a pod out with sidecar.istio.io/inject: false", () => {
        assert.deepStrictEqual([SIDECAR.namespaceLabels, SIDECAR.podOptOut], [{ "istio-injection": "enabled" }, { "sidecar.istio.io/inject": "false" }]);
    });

    const sizes: Array<[string, { cpu: string; memory: string; cpuLimit?: string } | undefined, object, object]> = [
        ["the mesh's size", undefined, { cpu: "100m", memory: "128Mi" }, sidecar("100m", "128Mi")],
        ["the service's own, the mesh's limits", { cpu: "50m", memory: "64Mi" }, { cpu: "50m", memory: "64Mi" }, sidecar("50m", "64Mi")],
        ["the service's own with a CPU limit", { cpu: "50m", memory: "64Mi", cpuLimit: "500m" }, { cpu: "50m", memory: "64Mi" }, sidecar("50m", "64Mi", "500m")],
    ];
    for (const [name, own, requests, annotations] of sizes) {
        it(`a meshed pod at ${name}: its budget share and its annotations`, () => {
            assert.deepStrictEqual(SIDECAR.perPodRequests(own, MESH), requests);
            assert.deepStrictEqual(SIDECAR.workloadAnnotations(own, MESH), annotations);
        });
    }

    it("the program enrols every mesh namespace and opts every Job and addon out through it", async () => {
        const prod = await stackRun("prod");
        const namespaces = prod.ofType("kubernetes:core/v1:Namespace").filter((resource) => resource.name.startsWith("meshstack-ns-"));
        assert.deepStrictEqual(
            namespaces.map((namespace) => [namespace.name, at(namespace.inputs, "metadata.labels.istio-injection")]),
            namespaces.map((namespace) => [namespace.name, "enabled"]),
        );
        assert.ok(namespaces.length >= 2, "prod has mesh namespaces");
        const jobs = prod.ofType("kubernetes:batch/v1:Job");
        assert.deepStrictEqual(
            jobs.map((job) => [job.name, (at(job.inputs, "spec.template.metadata.labels") as Record<string, string>)["sidecar.istio.io/inject"]]),
            jobs.map((job) => [job.name, "false"]),
        );
        assert.ok(jobs.length >= 2, "prod has gate Jobs");
        // The addons' pods, at the paths their charts read pod labels from.
        assert.deepStrictEqual(
            [at(prod.resource("meshstack-observability-prometheus").inputs, "values.server.podLabels"), at(prod.resource("meshstack-observability-kiali").inputs, "values.deployment.pod_labels")],
            [{ "sidecar.istio.io/inject": "false" }, { "sidecar.istio.io/inject": "false" }],
        );
    });
});
