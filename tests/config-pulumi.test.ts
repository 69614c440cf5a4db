/**
 * The config as Pulumi hands it to the program: other namespaces, misspelt namespaces, the Kubernetes
 * provider's keys, flat `--path` keys, YAML nulls, and the error type itself.
 */
import * as assert from "assert";
import { errorOf, HEADER_ONE, parse, POOL_CONFIG } from "./config-fixtures";
import { ConfigError, configFromPulumi, forgetStackSchemas, stackSchema } from "../config";

describe("config from Pulumi's config map", () => {
    it("reports a key in a misspelt config namespace instead of deploying the defaults", () => {
        assert.throws(
            () =>
                configFromPulumi(
                    {
                        ...POOL_CONFIG,
                        "meshstak:istio": '{"version":"1.31.1"}',
                        "pulumi:disable-default-providers": '["kubernetes"]',
                    },
                    "dev",
                ),
            {
                message:
                    `${HEADER_ONE}\n` +
                    '  - meshstak:istio: unknown config namespace "meshstak". Did you mean "meshstack:istio"? ' +
                    "Rename the key.",
            },
        );
    });

    it("lists a misspelt namespace first, then the meshstack problems, in one error", () => {
        assert.throws(() => configFromPulumi({ ...POOL_CONFIG, "MeshStack:istio": "{}", "meshstack:highAvailability": "1" }, "dev"), {
            message: [
                'meshstack: the config of stack "dev" has 2 problems; nothing was changed. Fix them in Pulumi.dev.yaml:',
                '  - MeshStack:istio: unknown config namespace "MeshStack". Did you mean "meshstack:istio"? Rename the key.',
                "  - meshstack:highAvailability: expected true or false, got 1.",
            ].join("\n"),
        });
    });

    it("gives the --path command for a nested key set as one flat key", () => {
        assert.throws(() => configFromPulumi({ ...POOL_CONFIG, "meshstack:istio.version": "1.31.2" }, "dev"), {
            message:
                `${HEADER_ONE}\n` +
                "  - meshstack:istio.version: unknown key: a path set as one flat key. Set it inside " +
                "meshstack:istio with `pulumi config set --path 'meshstack:istio.version' <value>`, then " +
                "`pulumi config rm 'meshstack:istio.version'`.",
        });
    });

    it("gives a flat key whose first part is no meshstack key the plain unknown-key message", () => {
        assert.throws(() => configFromPulumi({ ...POOL_CONFIG, "meshstack:isito.version": "1.31.2" }, "dev"), {
            message:
                `${HEADER_ONE}\n` +
                "  - meshstack:isito.version: unknown key. Known keys here: highAvailability, cluster, nodePool, istio, mesh, services, demo, observability.",
        });
    });

    it("ignores keys of other namespaces", () => {
        const config = configFromPulumi(
            {
                ...POOL_CONFIG,
                "pulumi:disable-default-providers": '["kubernetes"]',
                "aws:region": "eu-central-1",
                "meshstack:highAvailability": "false",
            },
            "dev",
        );
        assert.strictEqual(config.highAvailability, false);
    });

    it("refuses the Kubernetes provider's own keys, which explicit providers would ignore", () => {
        assert.throws(
            () => configFromPulumi(
                    { ...POOL_CONFIG, "kubernetes:context": "prod-admin", "kubernetes:kubeconfig": "~/.kube/prod", "kubernetes:enableServerSideApply": "false" },
                    "prod",
                ),
            {
                message: [
                    'meshstack: the config of stack "prod" has 3 problems; nothing was changed. Fix them in Pulumi.prod.yaml:',
                    "  - kubernetes:context: is not read: meshstack deploys through explicit Kubernetes providers, " +
                        "which ignore the kubernetes:* config (the object would go to the kubeconfig's current " +
                        "context). Set meshstack:cluster.context instead. Remove the key.",
                    "  - kubernetes:kubeconfig: is not read: meshstack deploys through explicit Kubernetes providers, " +
                        "which ignore the kubernetes:* config (the object would go to the kubeconfig's current " +
                        "context). Set meshstack:cluster.kubeconfig instead. Remove the key.",
                    "  - kubernetes:enableServerSideApply: is not read: meshstack deploys through explicit Kubernetes " +
                        "providers, which ignore the kubernetes:* config (the object would go to the kubeconfig's " +
                        "current context). Remove the key.",
                ].join("\n"),
            },
        );
    });

    it("treats a key with no value (YAML null) as not set", () => {
        const config = parse({ highAvailability: null, istio: { version: null, istiod: null } });
        assert.deepStrictEqual(
            [config.highAvailability, config.istio.version, config.istio.istiod.replicas],
            [true, "1.31.1", 2],
        );
        assert.deepStrictEqual(parse({ istio: null }).istio, parse({}).istio);
    });

    it("builds each variant of the schema once, until told to forget them", () => {
        const prod = stackSchema(true);
        assert.deepStrictEqual([stackSchema(true) === prod, stackSchema(false) === prod], [true, false]);
        forgetStackSchemas();
        assert.notStrictEqual(stackSchema(true), prod);
    });

    it("names a required value that is missing, and an empty context", () => {
        assert.strictEqual(
            errorOf({ cluster: { context: " " } }),
            `${HEADER_ONE}\n  - meshstack:cluster.context: is empty. Set a value, or remove the key to use the default.`,
        );
    });

    it("skips a cross-field check that reads an invalid key", () => {
        // replicas is invalid, so "maxReplicas below replicas" would compare with a default: not reported.
        assert.strictEqual(
            errorOf({ highAvailability: false, istio: { istiod: { replicas: "3", maxReplicas: 1 } } }),
            `${HEADER_ONE}\n  - meshstack:istio.istiod.replicas: expected a whole number of at least 1, got "3".`,
        );
    });

    it("is a RunError whose stack is the trace, with the stack name and problems as fields", () => {
        try {
            parse({ highAvailability: "no" });
            assert.fail("expected a config error");
        } catch (error) {
            assert.ok(error instanceof ConfigError);
            assert.strictEqual(error.name, "ConfigError");
            assert.strictEqual(error.stackName, "dev");
            assert.deepStrictEqual(error.problems, [
                { key: "meshstack:highAvailability", message: 'expected true or false, got "no".' },
            ]);
            assert.ok(error.stack?.startsWith("ConfigError: meshstack: the config of stack"), error.stack);
            assert.match(error.stack ?? "", /\n\s+at /);
        }
    });
});
