/**
 * The Observability component on its own, with addons the shipped stacks do not have: it declares what
 * each addon asks for (lib/addons/) in one way, whatever the addon, so a new addon needs no change here.
 */
import * as assert from "assert";
import * as provider from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import { Observability } from "../components/observability";
import type { Addon, AddonName } from "../lib/addons";
import { KIALI } from "../lib/addons/kiali";
import { PROMETHEUS, prometheusIngress } from "../lib/addons/prometheus";
import type { ObservabilitySettings } from "../model/observability";
import { parse } from "./config-fixtures";
import { isSecret, MOCK_RANDOM_PASSWORD, ProgramRun, revealed, runProgram } from "./harness";

const SETTINGS: ObservabilitySettings = parse({}).observability;

/** An addon that asks for everything: two keys, an ingress policy, a claimed volume. */
const ASKS_EVERYTHING: Addon = {
    ...PROMETHEUS,
    install: () => ({
        values: { answer: 42 },
        keys: [
            { id: "first", secret: { name: "first-key", key: "k1" }, length: 16 },
            { id: "second", secret: { name: "second-key", key: "k2" }, length: 8 },
        ],
        ingress: prometheusIngress("monitoring", []),
        claimsVolume: true,
    }),
};

/** An addon that asks for nothing but its chart. */
const ASKS_NOTHING: Addon = { ...KIALI, install: () => ({ values: {}, keys: [], claimsVolume: false }) };

/**
 * Runs the component alone, with `addons`, and a local volume (`volume-<addon>`) for each of `withVolume`;
 * its outputs are what `outputs` reads of the component.
 */
function runComponent(
    addons: readonly Addon[],
    withVolume: readonly AddonName[],
    outputs: (observability: Observability) => Record<string, unknown> = () => ({}),
): Promise<ProgramRun> {
    return runProgram(
        "component",
        {},
        {
            program: () => {
                const controlPlane = new pulumi.ComponentResource("test:index:ControlPlane", "control-plane");
                const observability = new Observability("obs", {
                    ...SETTINGS,
                    namespace: "monitoring",
                    storageClass: "fast",
                    placement: { nodeSelector: {}, tolerations: [], priorityClassName: "mesh" },
                    addons,
                    volumes: new Map(withVolume.map((addon) => [addon, new pulumi.ComponentResource("test:index:Volume", `volume-${addon}`)])),
                    retainedProvider: new provider.Provider("retained", {}),
                    controlPlane,
                });
                return outputs(observability);
            },
        },
    );
}

/** The component's children, by type and name, in the order they were declared. */
function children(run: ProgramRun): string[][] {
    return run.resources.filter((resource) => resource.parent === "obs").map((resource) => [resource.type, resource.name]);
}

describe("Observability, alone", () => {
    it("declares what an addon asks for: each key's password and Secret, then its chart (after the control plane, its own volume and the Secrets), then its ingress", async () => {
        const run = await runComponent([ASKS_EVERYTHING], ["kiali", "prometheus"]);
        assert.deepStrictEqual(children(run), [
            ["random:index/randomPassword:RandomPassword", "obs-prometheus-first"],
            ["kubernetes:core/v1:Secret", "obs-prometheus-first-secret"],
            ["random:index/randomPassword:RandomPassword", "obs-prometheus-second"],
            ["kubernetes:core/v1:Secret", "obs-prometheus-second-secret"],
            ["kubernetes:helm.sh/v4:Chart", "obs-prometheus"],
            ["kubernetes:networking.k8s.io/v1:NetworkPolicy", "obs-prometheus-ingress"],
        ]);
        assert.deepStrictEqual(
            [run.resource("obs-prometheus-first").inputs, run.resource("obs-prometheus-second").inputs],
            [
                { length: 16, special: false },
                { length: 8, special: false },
            ],
        );
        const secret = run.resource("obs-prometheus-second-secret");
        assert.deepStrictEqual([{ ...secret.inputs, stringData: revealed(secret.inputs.stringData) }, secret.dependsOn], [
            {
                apiVersion: "v1",
                kind: "Secret",
                metadata: { name: "second-key", namespace: "monitoring", labels: { "app.kubernetes.io/part-of": "meshstack" } },
                type: "Opaque",
                stringData: { k2: MOCK_RANDOM_PASSWORD },
            },
            ["control-plane"],
        ]);
        assert.ok(isSecret(secret.inputs.stringData), "the key is a secret in Pulumi's state");
        const chart = run.resource("obs-prometheus");
        assert.deepStrictEqual(
            [chart.inputs.name, chart.inputs.namespace, chart.inputs.values, chart.dependsOn, chart.transforms.map((transform) => transform.name)],
            [
                "prometheus",
                "monitoring",
                { answer: 42 },
                ["control-plane", "volume-prometheus", "obs-prometheus-first-secret", "obs-prometheus-second-secret"],
                ["adopt PersistentVolumeClaim, ready once Bound"],
            ],
        );
        const ingress = run.resource("obs-prometheus-ingress");
        assert.deepStrictEqual([ingress.inputs.metadata, ingress.dependsOn], [prometheusIngress("monitoring", []).metadata, ["control-plane"]]);
    });

    it("without its own local volume, a claimed volume is still adopted, with Pulumi's own wait", async () => {
        const chart = (await runComponent([ASKS_EVERYTHING], ["kiali"])).resource("obs-prometheus");
        assert.deepStrictEqual(
            [chart.dependsOn, chart.transforms.map((transform) => transform.name)],
            [["control-plane", "obs-prometheus-first-secret", "obs-prometheus-second-secret"], ["adopt PersistentVolumeClaim"]],
        );
    });

    it("declares nothing an addon does not ask for: its chart waits for the control plane only, even with a volume", async () => {
        const run = await runComponent([ASKS_NOTHING], ["kiali"]);
        assert.deepStrictEqual(children(run), [["kubernetes:helm.sh/v4:Chart", "obs-kiali"]]);
        const chart = run.resource("obs-kiali");
        assert.deepStrictEqual([chart.dependsOn, chart.transforms], [["control-plane"], []]);
    });

    it("gives each installed addon's URL and command by name; an addon not installed throws, naming the fix", async () => {
        const run = await runComponent([PROMETHEUS, KIALI], [], (observability) => ({ kiali: observability.endpoint("kiali"), prometheus: observability.endpoint("prometheus") }));
        assert.deepStrictEqual(run.outputs, {
            kiali: { url: "http://kiali.monitoring.svc.cluster.local:20001", portForward: "kubectl port-forward svc/kiali -n monitoring 20001:20001" },
            prometheus: { url: "http://prometheus.monitoring.svc.cluster.local:9090", portForward: "kubectl port-forward svc/prometheus -n monitoring 9090:9090" },
        });
        // Typed as any addon (a widened list), asking for one not given fails the run.
        const widened: readonly Addon[] = [PROMETHEUS];
        await assert.rejects(
            runComponent(widened, [], (observability) => ({ kiali: observability.endpoint("kiali") })),
            { message: "the addon kiali is not installed: add it to ADDONS (lib/addons/index.ts)" },
        );
    });
});
