/**
 * Chart `lookup`s under the read-only preview: `helm.v4.Chart` renders with a server-side dry run, so a
 * template's `lookup` runs with the preview identity's rights. Every lookup of a pinned chart is either
 * switched off by the values meshstack gives, or one the preview role (ci/rbac/preview-reader.yaml) can
 * serve.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CHART_LOOKUPS, ChartLookup } from "../versions";
import { PROJECT_ROOT, stackRun } from "./harness";
import { at } from "./program-fixtures";

interface Rule {
    apiGroups?: string[];
    resources?: string[];
    resourceNames?: string[];
    verbs: string[];
}
interface RbacDocument {
    kind: string;
    metadata: { namespace?: string };
    rules?: Rule[];
}

function previewRbac(): RbacDocument[] {
    return fs
        .readFileSync(path.join(PROJECT_ROOT, "ci", "rbac", "preview-reader.yaml"), "utf8")
        .split(/^---$/m)
        .map((text) => parse(text) as RbacDocument);
}

/** The preview role may `verb` every core `resource` (no resourceNames) cluster-wide, or in `namespace`. */
function previewMay(rbac: RbacDocument[], lookup: ChartLookup["reads"], namespace: string): boolean {
    return rbac
        .filter((document) => document.kind === "ClusterRole" || (lookup.namespaced && document.kind === "Role" && document.metadata.namespace === namespace))
        .flatMap((document) => document.rules ?? [])
        .some(
            (rule) =>
                rule.apiGroups?.includes("") === true &&
                rule.resources?.includes(lookup.resource) === true &&
                rule.resourceNames === undefined &&
                rule.verbs.includes(lookup.verb),
        );
}

describe("chart lookups under the read-only preview", () => {
    it("knows kiali-server's two lookups, and no other chart has one", () => {
        assert.deepStrictEqual(
            CHART_LOOKUPS.map((lookup) => `${lookup.chart}@${lookup.version} ${lookup.reads.verb} ${lookup.reads.resource}`),
            ["kiali-server@2.29.0 list secrets", "kiali-server@2.29.0 list namespaces"],
        );
    });

    const cases: Array<[string, ChartLookup["reads"], boolean]> = [
        ["a list of Secrets in istio-system", { resource: "secrets", verb: "list", namespaced: true }, false],
        ["a list of namespaces", { resource: "namespaces", verb: "list", namespaced: false }, true],
        ["a get of a ConfigMap", { resource: "configmaps", verb: "get", namespaced: true }, true],
    ];
    for (const [name, reads, allowed] of cases) {
        it(`the preview role ${allowed ? "serves" : "cannot serve"} ${name}`, () => {
            assert.strictEqual(previewMay(previewRbac(), reads, "istio-system"), allowed);
        });
    }

    for (const stack of ["dev", "prod", "e2e"]) {
        it(`${stack}: every lookup is off, or the preview role serves it`, async () => {
            const run = await stackRun(stack);
            const verdicts = CHART_LOOKUPS.map((lookup) => {
                const charts = run.ofType("kubernetes:helm.sh/v4:Chart").filter((chart) => chart.inputs.chart === lookup.chart);
                assert.strictEqual(charts.length, 1, `${stack} installs ${lookup.chart} once`);
                const { values, namespace } = charts[0].inputs as { values: unknown; namespace: string };
                const off = at(values, lookup.offWhen.path) === lookup.offWhen.value;
                return `${lookup.reads.resource}: ${off ? "off" : previewMay(previewRbac(), lookup.reads, namespace) ? "served" : "FORBIDDEN"}`;
            });
            assert.deepStrictEqual(verdicts, ["secrets: off", "namespaces: off"]);
        });
    }
});
