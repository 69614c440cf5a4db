/**
 * The addons as units: the program installs each addon's pinned chart as its release, the budget
 * counts each addon's demand, and the outputs give each addon's URL and command.
 */
import * as assert from "assert";
import { ADDONS, addonChartDefaults, addonDemand, addonLocalVolumes, AddonSite, addonUrl, portForwardCommand, volumesByAddon } from "../lib/addons";
import type { ObservabilitySettings } from "../model/observability";
import { parse } from "./config-fixtures";
import { stackRun } from "./harness";

/** The default settings (what an addon declares besides its values does not depend on them). */
const SETTINGS: ObservabilitySettings = parse({}).observability;
const SITE: AddonSite = { namespace: "mesh-system", storageClass: "fast", placement: { nodeSelector: {}, tolerations: [], priorityClassName: "high" } };

describe("addons", () => {
    it("the program installs each addon's pinned chart as its release, in istiod's namespace", async () => {
        const run = await stackRun("prod");
        const charts = run.ofType("kubernetes:helm.sh/v4:Chart").filter((chart) => chart.name.startsWith("meshstack-observability-"));
        assert.deepStrictEqual(
            charts.map((chart) => [chart.name, chart.inputs.chart, chart.inputs.version, chart.inputs.name, chart.inputs.namespace]),
            [
                ["meshstack-observability-prometheus", "prometheus", "29.27.0", "prometheus", "istio-system"],
                ["meshstack-observability-kiali", "kiali-server", "2.29.0", "kiali", "istio-system"],
            ],
        );
        assert.deepStrictEqual(ADDONS.map((addon) => addon.chart.repository), ["https://prometheus-community.github.io/helm-charts", "https://kiali.org/helm-charts"]);
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

    it("the program declares what each addon asks for: its keys' Secrets before its chart, and its ingress", async () => {
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

    it("each addon with a local volume says so; each gets its own volume, by name", () => {
        const pool = { storageClass: { name: "nvme", provisioner: "kubernetes.io/no-provisioner" }, nodes: [{ name: "node-a" }, { name: "node-b" }] };
        const prometheus = { name: "prometheus", node: "node-a", size: "1Gi", claim: { namespace: "mesh-system", name: "prometheus" } };
        const cases: Array<[string, ObservabilitySettings, typeof pool, Array<[string, unknown]>]> = [
            ["persistence on, local volumes", withPersistence(true), pool, [["prometheus", prometheus]]],
            ["persistence off", withPersistence(false), pool, []],
            ["a provisioner places volumes itself", withPersistence(true), { ...pool, storageClass: { name: "nvme", provisioner: "rancher.io/local-path" } }, []],
        ];
        for (const [name, settings, storage, expected] of cases) {
            assert.deepStrictEqual([...addonLocalVolumes(settings, "mesh-system", storage)], expected, name);
        }
        // Found by the volume's name, not the addon's.
        const requests = new Map([["prometheus", { ...prometheus, name: "prometheus-data" }]] as const);
        assert.deepStrictEqual([...volumesByAddon(requests, new Map([["prometheus", 1], ["prometheus-data", 2]]))], [["prometheus", 2]]);
        assert.throws(() => volumesByAddon(requests, new Map([["prometheus", 1]])), { message: "the local volume prometheus-data of prometheus was not declared" });
    });
});

/** The default settings with Prometheus's persistence on or off (its volume 1Gi). */
function withPersistence(enabled: boolean): ObservabilitySettings {
    return { ...SETTINGS, prometheus: { ...SETTINGS.prometheus, persistence: { ...SETTINGS.prometheus.persistence, enabled, size: "1Gi" } } };
}
