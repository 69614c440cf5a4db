/**
 * The offline plan: the committed plans are current (`npm run plan:update`), byte-identical from run to
 * run, free of secrets; the command's errors; and the outputs contract's list of names.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { OUTPUT_NAMES } from "../contract/outputs";
import { plan, planFile, shippedStacks } from "../plan/cli";
import { named } from "../lib/crd-protection";
import { REDACTED, renderPlan, summarizePlan } from "../plan/render";
import { MOCK_RANDOM_PASSWORD, ProgramRun, shared, stackConfig, stackRun } from "./harness";

function io(): { out: string[]; err: string[]; io: { out(text: string): void; err(text: string): void } } {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (text) => out.push(text), err: (text) => err.push(text) } };
}

/** The plan of a shipped stack, rendered once (per mutant under mutation testing). */
function rendered(stack: string): Promise<string> {
    return shared(`plan ${stack}`, async () => renderPlan(stack, await stackRun(stack)));
}

describe("plan", () => {
    for (const stack of ["dev", "prod", "e2e", "e2e-ambient", "e2e-ha"]) {
        it(`plans/${stack}.yaml is the program's plan (run \`npm run plan:update\`)`, async () => {
            assert.strictEqual(fs.readFileSync(planFile(stack), "utf8"), await rendered(stack));
        });

        it(`${stack}: renders the same plan byte for byte every time`, async () => {
            assert.strictEqual(renderPlan(stack, await stackRun(stack)), await rendered(stack));
        });

        it(`${stack}: redacts every secret`, async () => {
            const plan = await rendered(stack);
            assert.ok(!plan.includes(MOCK_RANDOM_PASSWORD));
            assert.ok(plan.includes(`stringData: "${REDACTED}"`));
        });
    }

    it("shows each resource's lifecycle options and transforms, under a first line that names it", () => {
        const transform = named("retain and adopt Thing", (): undefined => undefined);
        const run = {
            resources: [
                {
                    type: "kubernetes:core/v1:PersistentVolume",
                    name: "meshstack-volume",
                    parent: "meshstack",
                    dependsOn: ["meshstack-folder"],
                    provider: "meshstack-cluster",
                    readId: undefined,
                    transforms: [transform],
                    options: { retainOnDelete: true, ignoreChanges: ["spec.claimRef"], aliases: ["meshstack-old-volume"] },
                    inputs: { spec: { capacity: { storage: "1Gi" } } },
                },
                { type: "kubernetes:core/v1:Node", name: "meshstack-node", parent: "meshstack", dependsOn: [], provider: "meshstack-cluster", readId: "n1", transforms: [], options: {}, inputs: {} },
            ],
            outputs: { answer: 42 },
        } as unknown as ProgramRun;
        assert.strictEqual(
            renderPlan("demo", run),
            [
                "---",
                "stack: demo",
                "resources: 2",
                "---",
                "meshstack-volume:",
                "  type: kubernetes:core/v1:PersistentVolume",
                "  parent: meshstack",
                "  dependsOn:",
                "    - meshstack-folder",
                "  provider: meshstack-cluster",
                "  retainOnDelete: true",
                "  ignoreChanges:",
                "    - spec.claimRef",
                "  aliases:",
                "    - meshstack-old-volume",
                "  transforms:",
                "    - retain and adopt Thing",
                "  inputs:",
                "    spec:",
                "      capacity:",
                "        storage: 1Gi",
                "---",
                "meshstack-node:",
                "  type: kubernetes:core/v1:Node",
                "  parent: meshstack",
                "  provider: meshstack-cluster",
                "  reads: n1",
                "---",
                "outputs:",
                "  answer: 42",
                "",
            ].join("\n"),
        );
    });

    it("starts each resource of a shipped plan with the one line at the margin, its name (a diff hunk's header)", async () => {
        const run = await stackRun("prod");
        const documents = (await rendered("prod")).split(/^---\n/m).slice(2, -1);
        assert.deepStrictEqual(
            documents.map((document) => document.split("\n").filter((line) => /^[^\s]/.test(line))),
            run.resources.map((resource) => [`${resource.name}:`]),
        );
    });

    it("prints the summary by default, the whole plan with --full, and writes it to a file with --out", async () => {
        const summary = `${summarizePlan("e2e", await stackRun("e2e"))}\n`;
        const plain = io();
        assert.strictEqual(await plan(["e2e"], plain.io), 0);
        assert.deepStrictEqual([plain.out, plain.err], [[summary], []]);
        const full = io();
        assert.strictEqual(await plan(["e2e", "--full"], full.io), 0);
        assert.deepStrictEqual([full.out, full.err], [[await rendered("e2e")], [summary]]);
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "meshstack-plan-")), "e2e.yaml");
        const written = io();
        assert.strictEqual(await plan(["e2e", "--out", file], written.io), 0);
        assert.deepStrictEqual([fs.readFileSync(file, "utf8"), written.out, written.err], [await rendered("e2e"), [summary], []]);
    });

    it("ships a plan for every stack file, and no other", () => {
        assert.deepStrictEqual(shippedStacks(), ["dev", "e2e", "e2e-ambient", "e2e-ha", "prod"]);
        assert.deepStrictEqual(fs.readdirSync(planFile("dev").replace(/dev\.yaml$/, "")).sort(), ["dev.yaml", "e2e-ambient.yaml", "e2e-ha.yaml", "e2e.yaml", "prod.yaml"]);
    });

    it("names the stacks that exist for an unknown one", async () => {
        const captured = io();
        assert.strictEqual(await plan(["staging"], captured.io), 2);
        assert.deepStrictEqual(captured.err, ['meshstack: no stack "staging": there is no Pulumi.staging.yaml. Stacks: dev, e2e, e2e-ambient, e2e-ha, prod.\n']);
        assert.deepStrictEqual(captured.out, []);
    });

    it("gives bad config the same one error as pulumi up, and exit code 1", async () => {
        const captured = io();
        const config = (stack: string): Record<string, string> => ({ ...stackConfig(stack), "meshstack:highAvailability": '"yes"' });
        assert.strictEqual(await plan(["dev"], captured.io, config), 1);
        assert.deepStrictEqual(captured.err, [
            'meshstack: the config of stack "dev" has 1 problem; nothing was changed. Fix them in Pulumi.dev.yaml:\n' +
                '  - meshstack:highAvailability: expected true or false, got "yes".\n',
        ]);
        assert.deepStrictEqual(captured.out, []);
    });

    it("prints the config error once: the run takes the SDK's second rejection of it, and leaves none behind", async () => {
        const listeners = process.listenerCount("unhandledRejection");
        const config = (stack: string): Record<string, string> => ({ ...stackConfig(stack), "meshstack:istio": JSON.stringify({ versoin: "1" }) });
        assert.strictEqual(await plan(["dev"], io().io, config), 1);
        const late: unknown[] = [];
        const listener = (reason: unknown): void => {
            late.push(reason);
        };
        process.on("unhandledRejection", listener);
        await new Promise((resolve) => setImmediate(resolve));
        process.off("unhandledRejection", listener);
        assert.deepStrictEqual([late, process.listenerCount("unhandledRejection")], [[], listeners]);
    });
});

describe("outputs contract", () => {
    it("the program exports exactly the contract's outputs, in its order", async () => {
        const run = await stackRun("prod");
        assert.deepStrictEqual(Object.keys(run.outputs), [...OUTPUT_NAMES]);
        assert.strictEqual(run.outputs.outputsVersion, 2);
    });

    it("guards the list of output names: a change bumps outputsVersion and goes in CHANGELOG.md", () => {
        assert.deepStrictEqual(
            [...OUTPUT_NAMES],
            [
                "outputsVersion",
                "istioVersion",
                "istioNamespace",
                "istiodHost",
                "egressGatewayNamespace",
                "egressGatewayHost",
                "egressGatewaySelector",
                "poolNodes",
                "storageClassName",
                "meshNamespaces",
                "dataPlanes",
                "mtls",
                "egress",
                "services",
                "observability",
                "meshOverhead",
            ],
        );
    });
});
