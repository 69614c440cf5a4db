/**
 * Runs the real program (index.ts) with a real stack's config under Pulumi's mock runtime, and records
 * every resource it declares: type, name, inputs, parent, dependsOn, lifecycle options and transforms,
 * plus the stack outputs. The tests, the offline plan (plan/), the benchmark (bench/) and the runtime
 * check (scripts/check-runtime.js) all run the program through {@link runProgram}.
 */
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";

/**
 * The project's root folder, where Pulumi.yaml and the stack files are: the nearest folder above this
 * file that holds Pulumi.yaml (it runs from .build/runner/ as well as from runner/).
 */
export const PROJECT_ROOT = findProjectRoot(__dirname);

function findProjectRoot(start: string): string {
    for (let dir = start; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
            return dir;
        }
        if (path.dirname(dir) === dir) {
            throw new Error(`no Pulumi.yaml above ${start}`);
        }
    }
}

/** One resource the program registered. */
export interface RecordedResource {
    /** The Pulumi type token, e.g. `kubernetes:helm.sh/v4:Chart`. */
    type: string;
    /** The resource name. */
    name: string;
    /** The inputs as the engine received them (outputs resolved). */
    inputs: Record<string, unknown>;
    /** The parent's name; the stack's (`meshstack-<stack>`) for top-level resources. */
    parent: string;
    /** Names of the resources in the `dependsOn` option. */
    dependsOn: string[];
    /** The `transforms` option (the mock engine does not run them). */
    transforms: pulumi.ResourceTransform[];
    /**
     * The name of the provider the engine was asked to use (custom resources and remote components
     * such as Helm charts), or `undefined` for the default provider. Unset for local components.
     */
    provider: string | undefined;
    /** For a read of an existing object (`X.get(...)`), the id read; `undefined` for a declared resource. */
    readId: string | undefined;
    /** The resource options that decide its lifecycle, as given (unset ones left out). */
    options: LifecycleOptions;
}

/** The resource options a reviewer must see: what survives a delete, what is ignored, what a rename keeps. */
export interface LifecycleOptions {
    retainOnDelete?: boolean;
    protect?: boolean;
    deleteBeforeReplace?: boolean;
    ignoreChanges?: string[];
    replaceOnChanges?: string[];
    /** Each alias: a name, or the old name and parent an `Alias` names. */
    aliases?: string[];
}

/** What one run of the program declared. */
export interface ProgramRun {
    /** Every resource but the stack itself, in registration order. */
    resources: RecordedResource[];
    /** The stack outputs. */
    outputs: Record<string, unknown>;
    /** The one resource named `name`; throws if there is none. */
    resource(name: string): RecordedResource;
    /** The resources of one type. */
    ofType(type: string): RecordedResource[];
    /** The name a resource object of this run was registered with. */
    nameOf(resource: pulumi.Resource): string;
}

/** The project name, from Pulumi.yaml: config lookups need it to match. */
export function projectName(): string {
    const project = YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as { name: string };
    return project.name;
}

/**
 * A stack's config as the Pulumi CLI hands it to the program: `namespace:key` → string, with objects
 * and lists as JSON. Read from the real `Pulumi.<stack>.yaml`.
 */
export function stackConfig(stack: string): Record<string, string> {
    const file = path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`);
    const parsed = YAML.parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed.config ?? {})) {
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return config;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/** Pulumi's marker of a secret value in recorded inputs: `{ [SECRET_SIG_KEY]: SECRET_SIG, value }`. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** The value is a secret (as the engine received it). */
export function isSecret(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** `value` with every secret replaced by what it hides (for schema checks). */
export function revealed(value: unknown): unknown {
    if (isSecret(value)) {
        return revealed(value.value);
    }
    if (Array.isArray(value)) {
        return value.map(revealed);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, revealed(entry)]));
    }
    return value;
}

/** The type of `random.RandomPassword`. */
export const RANDOM_PASSWORD_TYPE = "random:index/randomPassword:RandomPassword";

/** What a RandomPassword's `result` is under the mocks. */
export const MOCK_RANDOM_PASSWORD = "mock-random-password-0123456789ab";

/** The program failed; `declared` names every resource it had registered by then. */
export class ProgramFailure extends Error {
    constructor(
        readonly cause: unknown,
        readonly declared: string[],
    ) {
        super(cause instanceof Error ? cause.message : String(cause));
        this.name = "ProgramFailure";
    }
}

/** The resource name in a provider reference (`<urn>::<id>`); the URN ends with `::<name>`. */
function providerName(reference: string | undefined): string | undefined {
    if (reference === undefined || reference === "") {
        return undefined;
    }
    const urn = reference.slice(0, reference.lastIndexOf("::"));
    return urn.slice(urn.lastIndexOf("::") + 2);
}

interface Registration {
    parent: pulumi.Resource | undefined;
    dependsOn: pulumi.Resource[];
    transforms: pulumi.ResourceTransform[];
    options: LifecycleOptions;
}

/**
 * The lifecycle options of `opts`, for the record. Aliases are recorded by name; an alias that names
 * only a type is left out: the Kubernetes SDK gives every resource those, one per older apiVersion of
 * its kind, so none of them is meshstack's.
 */
function lifecycleOptions(opts: pulumi.CustomResourceOptions): LifecycleOptions {
    const aliases = (opts.aliases ?? []).flatMap((alias): string[] => {
        if (typeof alias === "string") {
            return [alias];
        }
        if (typeof alias !== "object" || alias === null || pulumi.Output.isInstance(alias) || alias instanceof Promise) {
            throw new Error("the harness records only plain aliases");
        }
        const { name } = alias as pulumi.Alias;
        if (name === undefined) {
            return [];
        }
        if (typeof name !== "string") {
            throw new Error("the harness records only aliases with a plain name");
        }
        return [name];
    });
    return {
        ...(opts.retainOnDelete === undefined ? {} : { retainOnDelete: opts.retainOnDelete }),
        ...(opts.protect === undefined ? {} : { protect: opts.protect }),
        ...(opts.deleteBeforeReplace === undefined ? {} : { deleteBeforeReplace: opts.deleteBeforeReplace }),
        ...(opts.ignoreChanges === undefined ? {} : { ignoreChanges: [...opts.ignoreChanges] }),
        ...(opts.replaceOnChanges === undefined ? {} : { replaceOnChanges: [...opts.replaceOnChanges] }),
        ...(aliases.length === 0 ? {} : { aliases }),
    };
}

function dependsOnList(value: pulumi.ResourceOptions["dependsOn"]): pulumi.Resource[] {
    if (value === undefined) {
        return [];
    }
    if (Array.isArray(value)) {
        return value.map((entry) => {
            if (!pulumi.Resource.isInstance(entry)) {
                throw new Error("the harness records only plain Resource entries in dependsOn");
            }
            return entry;
        });
    }
    if (pulumi.Resource.isInstance(value)) {
        return [value];
    }
    throw new Error("the harness records only plain Resource values in dependsOn");
}

/**
 * Runs index.ts under mocks for `stack`, with `config` (default: the stack file's config), and returns
 * what it declared. Rejects with the program's error, e.g. a config error.
 */
/** What else a run may need. */
export interface RunOptions {
    /**
     * The program to run: a module's path, or a function that declares resources and returns the
     * outputs (a component under test). @default the project's index.ts
     */
    program?: string | (() => Record<string, unknown>);
    /** The outputs a `StackReference` to each named stack reads. @default none */
    stackOutputs?: Record<string, Record<string, unknown>>;
}

/** The type of `pulumi.StackReference`. */
const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";

export async function runProgram(
    stack: string,
    config: Record<string, string> = stackConfig(stack),
    options: RunOptions = {},
): Promise<ProgramRun> {
    const inputs = new Map<
        string,
        { type: string; name: string; inputs: Record<string, unknown>; provider: string | undefined; readId: string | undefined }
    >();
    const registrations = new Map<string, Registration>();
    const names = new Map<pulumi.Resource, string>();
    const unexpected: string[] = [];

    // Mocks never throw: a throwing mock hangs the run. Unexpected calls are collected and fail it.
    await pulumi.runtime.setMocks(
        {
            newResource: (args: pulumi.runtime.MockResourceArgs) => {
                inputs.set(`${args.type}::${args.name}`, {
                    type: args.type,
                    name: args.name,
                    inputs: args.inputs,
                    provider: providerName(args.provider),
                    readId: args.id === "" ? undefined : args.id,
                });
                // A RandomPassword's result is computed by its provider; here a fixed stand-in. A stack
                // reference reads the outputs given for that stack.
                if (args.type === RANDOM_PASSWORD_TYPE) {
                    return { id: `${args.name}-id`, state: { ...args.inputs, result: MOCK_RANDOM_PASSWORD } };
                }
                if (args.type === STACK_REFERENCE_TYPE) {
                    const referenced = String(args.inputs.name);
                    const outputs = options.stackOutputs?.[referenced];
                    if (outputs === undefined) {
                        unexpected.push(`a StackReference to ${referenced}, for which the run has no outputs`);
                    }
                    return { id: referenced, state: { name: referenced, outputs: outputs ?? {}, secretOutputNames: [] } };
                }
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: (args: pulumi.runtime.MockCallArgs) => {
                unexpected.push(`unexpected invoke of ${args.token}`);
                return {};
            },
        },
        projectName(),
        stack,
        true,
    );
    pulumi.runtime.setAllConfig(config);

    // The program beside this file's folder: index.ts under ts-node, index.js when compiled.
    const program = options.program ?? "../index";
    const programPath = typeof program === "string" ? require.resolve(program) : undefined;
    if (programPath !== undefined) {
        delete require.cache[programPath];
    }

    let outputs: Record<string, unknown> | undefined;
    let failure: unknown;
    // The SDK rejects a second promise with the program's error (its stack resource's): left alone, Node
    // would print the error again as an uncaught rejection after the caller has reported it. Rejections
    // of the program's own error are the caller's to report; any other one fails the run.
    const strays: unknown[] = [];
    const onRejection = (reason: unknown): void => {
        strays.push(reason);
    };
    process.on("unhandledRejection", onRejection);
    try {
        outputs = await pulumi.runtime.runInPulumiStack(async () => {
            pulumi.runtime.registerStackTransformation((args) => {
                names.set(args.resource, args.name);
                registrations.set(`${args.type}::${args.name}`, {
                    parent: args.opts.parent,
                    dependsOn: dependsOnList(args.opts.dependsOn),
                    transforms: args.opts.transforms ?? [],
                    options: lifecycleOptions(args.opts),
                });
                return undefined;
            });
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            return typeof program === "string" ? (require(programPath ?? program) as Record<string, unknown>) : program();
        });
    } catch (error) {
        failure = error;
    }
    // Registrations still in flight (charts wait for their dependsOn) finish before we read them.
    await pulumi.runtime.disconnect();
    // Node reports a promise left rejected once the microtasks of its turn have run.
    await new Promise((resolve) => setImmediate(resolve));
    process.off("unhandledRejection", onRejection);
    const others = strays.filter((reason) => reason !== failure);
    if (others.length > 0) {
        throw new Error(`the program left ${others.length} promise(s) rejected: ${others.map(String).join("; ")}`);
    }
    if (failure !== undefined) {
        const declared = [...inputs.values()].filter((entry) => entry.type !== STACK_TYPE).map((entry) => entry.name);
        throw new ProgramFailure(failure, declared);
    }
    if (unexpected.length > 0) {
        throw new Error(unexpected.join("\n"));
    }

    const stackName = `${projectName()}-${stack}`;
    // A resource without a parent option is a child of the stack.
    const nameOf = (resource: pulumi.Resource | undefined): string =>
        resource === undefined ? stackName : (names.get(resource) ?? "?");
    const resources: RecordedResource[] = [];
    for (const [key, registration] of registrations) {
        const recorded = inputs.get(key);
        if (recorded === undefined) {
            throw new Error(`${key} was constructed but never reached the engine`);
        }
        resources.push({
            ...recorded,
            parent: nameOf(registration.parent),
            dependsOn: registration.dependsOn.map(nameOf),
            transforms: registration.transforms,
            options: registration.options,
        });
    }

    return {
        resources,
        outputs: outputs ?? {},
        resource(name: string): RecordedResource {
            const found = resources.filter((resource) => resource.name === name);
            if (found.length !== 1) {
                throw new Error(`expected one resource named ${name}, found ${found.length}`);
            }
            return found[0];
        },
        ofType(type: string): RecordedResource[] {
            return resources.filter((resource) => resource.type === type);
        },
        nameOf,
    };
}
