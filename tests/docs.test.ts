/**
 * The documents generated from the config schema are committed and current: the stack file JSON Schema
 * (which editors use through the stack files' modeline) and the README's config reference table.
 * `npm run docs` regenerates both.
 */
import Ajv from "ajv";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { configFromPulumi } from "../config";
import { CONFIG_REFERENCE_FILE, configRows, renderStackFileSchema, STACK_SCHEMA_FILE, withConfigTable, withSection } from "../config/docs";
import { PROJECT_ROOT } from "./harness";

const STACKS = ["dev", "prod"];

function stackFile(stack: string): string {
    return fs.readFileSync(path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8");
}

describe("generated docs", () => {
    it(`${STACK_SCHEMA_FILE} is what the schema renders (run \`npm run docs\`)`, () => {
        const committed = fs.readFileSync(path.join(PROJECT_ROOT, STACK_SCHEMA_FILE), "utf8");
        assert.strictEqual(committed, renderStackFileSchema());
    });

    it("the config reference is what the schema renders (run `npm run docs`)", () => {
        const reference = fs.readFileSync(path.join(PROJECT_ROOT, CONFIG_REFERENCE_FILE), "utf8");
        assert.strictEqual(withConfigTable(reference), reference, `${CONFIG_REFERENCE_FILE}'s config table differs from the schema`);
    });

    describe("a generated section of a document", () => {
        const section = { what: "example", markers: { start: "<!-- a -->", end: "<!-- b -->" }, render: () => "<!-- a -->\nnew\n<!-- b -->" };

        it("replaces its markers and what is between them, keeping the rest", () => {
            assert.strictEqual(withSection("before\n<!-- a -->\nold\n<!-- b -->\nafter", section), "before\n<!-- a -->\nnew\n<!-- b -->\nafter");
        });

        const broken: Array<[string, string]> = [
            ["without its start marker", "old\n<!-- b -->"],
            ["without its end marker", "<!-- a -->\nold"],
            ["with its end marker first", "<!-- b -->\nold\n<!-- a -->"],
        ];
        for (const [name, document] of broken) {
            it(`refuses a document ${name}`, () => {
                assert.throws(() => withSection(document, section), { message: "the document has no example markers (<!-- a --> … <!-- b -->)" });
            });
        }
    });

    it("the config reference's example error is the error meshstack gives for that config", () => {
        const readme = fs.readFileSync(path.join(PROJECT_ROOT, CONFIG_REFERENCE_FILE), "utf8");
        const pool = { nodes: [1, 2].map((n) => ({ name: `mesh-${n}`, vcpus: 16, memory: "64Gi" })) };
        const config = {
            "meshstack:nodePool": JSON.stringify(pool),
            "kubernetes:context": "prod",
            "meshstack:istio": JSON.stringify({ versoin: "1.31.1", istiod: { replicas: 1 } }),
        };
        assert.throws(
            () => configFromPulumi(config, "prod"),
            (error: Error) => readme.includes("```text\n" + error.message + "\n```"),
        );
    });

    it("documents every key with a meaning and a type", () => {
        const undocumented = configRows().filter((row) => row.description === "" || row.type === "");
        assert.deepStrictEqual(undocumented, []);
        assert.deepStrictEqual(configRows()[0], {
            key: "meshstack:highAvailability",
            type: "boolean",
            default: "`true`",
            description:
                "Production-grade redundancy. Sets the replica defaults, and requires at least 2 replicas of istiod " +
                "and of the egress gateway. Set `false` for dev stacks only.",
        });
    });

    it("shows a default that depends on highAvailability with both values", () => {
        const row = configRows().find((candidate) => candidate.key === "meshstack:istio.istiod.resources.limits.memory");
        assert.deepStrictEqual(row, {
            key: "meshstack:istio.istiod.resources.limits.memory",
            type: "quantity",
            default: '`"4Gi"` (`"1Gi"` without HA)',
            description: "Memory limit of istiod. Unset, never below the request.",
        });
    });

    it("shows a request sized from the mesh with its rule", () => {
        const row = configRows().find((candidate) => candidate.key === "meshstack:istio.istiod.resources.requests.memory");
        assert.deepStrictEqual(row, {
            key: "meshstack:istio.istiod.resources.requests.memory",
            type: "quantity",
            default: "sized from the mesh: 100Mi + 0.665 MiB per proxy, in 64Mi steps; at least 256Mi",
            description: "Memory request of istiod.",
        });
    });

    describe("the stack file schema, as an editor applies it", () => {
        const validate = new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(renderStackFileSchema()) as object);
        const errorsOf = (document: unknown): string[] => {
            validate(document);
            return (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
        };

        for (const stack of STACKS) {
            it(`Pulumi.${stack}.yaml points editors at the schema and is valid against it`, () => {
                const text = stackFile(stack);
                assert.strictEqual(text.split("\n")[0], `# yaml-language-server: $schema=./${STACK_SCHEMA_FILE}`);
                assert.deepStrictEqual(errorsOf(YAML.parse(text)), []);
            });
        }

        it("accepts other namespaces and quantities as numbers", () => {
            const document = {
                config: {
                    "pulumi:disable-default-providers": ["kubernetes"],
                    "aws:region": "eu-central-1",
                    "meshstack:istio": { istiod: { resources: { requests: { cpu: 0.5, memory: 1073741824 } } } },
                },
            };
            assert.deepStrictEqual(errorsOf(document), []);
        });

        const refused: Array<[string, Record<string, unknown>, string]> = [
            ["a misspelt key", { "meshstack:istio": { versoin: "1.31.1" } }, "/config/meshstack:istio must NOT have additional properties"],
            ["an unknown meshstack key", { "meshstack:telemetry": true }, "/config/meshstack:telemetry must NOT be valid"],
            ["a kubernetes provider key", { "kubernetes:context": "prod" }, "/config/kubernetes:context must NOT be valid"],
            ["a version as a number", { "meshstack:istio": { version: 1.31 } }, "/config/meshstack:istio/version must be string"],
            ["a replica count below 1", { "meshstack:istio": { istiod: { replicas: 0 } } }, "/config/meshstack:istio/istiod/replicas must be >= 1"],
        ];
        for (const [name, config, error] of refused) {
            it(`flags ${name}`, () => {
                assert.ok(errorsOf({ config }).includes(error), errorsOf({ config }).join("\n"));
            });
        }
    });
});
