/**
 * The addons as units: the program installs each addon's pinned chart as its release, the budget
 * counts each addon's demand, and the outputs give each addon's URL and command.
 */
import * as assert from "assert";
import { ADDONS, addonChartDefaults, addonDemand, AddonSite, addonUrl, portForwardCommand } from "../lib/addons";
import type { ObservabilitySettings } from "../model/observability";
import { parse } from "./config-fixtures";
import { stackRun } from "./harness";

/** The default settings (what an addon declares besides its values does not depend on them). */
const SETTINGS: ObservabilitySettings = parse({}).observability;
const SITE: AddonSite = { namespace: "mesh-system", storageClass: "fast", placement: { nodeSelector: {}, tolerations: [], priorityClassName: "high" } };

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
    });

    it("the cost report's baseline counts every addon's pods at its chart's own requests", () => {
        assert.deepStrictEqual(addonChartDefaults(), [
            { name: "prometheus", replicas: 1, requests: { cpu: "0", memory: "0" } },
            { name: "prometheus config reloader", replicas: 1, requests: { cpu: "0", memory: "0" } },
            { name: "kiali", replicas: 1, requests: { cpu: "10m", memory: "64Mi" } },
        ]);
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

    it("each addon says what the program declares for it besides its chart: keys, ingress, claimed volume", () => {
        const facts = ADDONS.map((addon) => {
            const install = addon.install(SETTINGS, SITE);
            return [addon.name, install.keys, install.claimsVolume, install.ingress?.metadata.namespace, install.ingress?.metadata.name];
        });
        assert.deepStrictEqual(facts, [
            ["prometheus", [], true, "mesh-system", "meshstack-prometheus-ingress"],
            ["kiali", [{ id: "signing-key", secret: { name: "kiali-signing-key", key: "key" }, length: 32 }], false, undefined, undefined],
        ]);
    });

    it("the program declares what each addon asks for: its keys' Secrets before its chart, its ingress, its values", async () => {
        const run = await stackRun("prod");
        for (const addon of ADDONS) {
            const install = addon.install(SETTINGS, { ...SITE, namespace: "istio-system" });
            const chart = run.resource(`meshstack-observability-${addon.name}`);
            const secrets = install.keys.map((key) => `meshstack-observability-${addon.name}-${key.id}-secret`);
            assert.deepStrictEqual(chart.dependsOn.filter((name) => name.endsWith("-secret")), secrets, addon.name);
            for (const key of install.keys) {
                assert.deepStrictEqual(run.resource(`meshstack-observability-${addon.name}-${key.id}-secret`).inputs.metadata, {
                    name: key.secret.name,
                    namespace: "istio-system",
                    labels: { "app.kubernetes.io/part-of": "meshstack" },
                });
            }
            assert.strictEqual(run.resources.some((resource) => resource.name === `meshstack-observability-${addon.name}-ingress`), install.ingress !== undefined, addon.name);
        }
    });
});
