/**
 * The addons as units: the program installs each addon's pinned chart as its release, the budget
 * counts each addon's demand, and the outputs give each addon's URL and command.
 */
import * as assert from "assert";
import { ADDONS, addonDemand, addonUrl, portForwardCommand } from "../lib/addons";
import { stackRun } from "./harness";

describe("addons", () => {
    it("the program installs each addon's pinned chart as its release, in istiod's namespace", async () => {
        const run = await stackRun("prod");
        const charts = run.ofType("kubernetes:helm.sh/v4:Chart").filter((chart) => ADDONS.some((addon) => addon.chart.chart === chart.inputs.chart));
        assert.deepStrictEqual(
            charts.map((chart) => [chart.inputs.chart, chart.inputs.version, chart.inputs.name, chart.inputs.namespace]),
            ADDONS.map((addon) => [addon.chart.chart, addon.chart.version, addon.release, "istio-system"]),
        );
    });

    it("the budget counts every addon's pods", () => {
        const requests = { prometheus: { resources: { requests: { cpu: "1", memory: "1Gi" } } }, kiali: { resources: { requests: { cpu: "2", memory: "2Gi" } } } };
        assert.deepStrictEqual(addonDemand(requests), [
            { name: "prometheus", replicas: 1, requests: { cpu: "1", memory: "1Gi" } },
            { name: "prometheus config reloader", replicas: 1, requests: { cpu: "10m", memory: "32Mi" } },
            { name: "kiali", replicas: 1, requests: { cpu: "2", memory: "2Gi" } },
        ]);
        assert.deepStrictEqual(addonDemand({ ...requests, configReloader: { cpu: "0", memory: "0" } })[1].requests, { cpu: "0", memory: "0" });
    });

    it("each addon's URL and command derive from its Service", async () => {
        const run = await stackRun("prod");
        const [prometheus, kiali] = ADDONS;
        assert.deepStrictEqual(run.outputs.observability, {
            prometheusUrl: addonUrl(prometheus, "istio-system"),
            kialiUrl: addonUrl(kiali, "istio-system"),
            portForward: { kiali: portForwardCommand(kiali, "istio-system"), prometheus: portForwardCommand(prometheus, "istio-system") },
        });
        assert.strictEqual(addonUrl(kiali, "mesh-system"), "http://kiali.mesh-system.svc.cluster.local:20001");
    });
});
