/**
 * The SDK's floor for a run: a bare Pulumi program of the same shape as meshstack's run (the same
 * resources, types, names, parents, dependsOn, providers and inputs) that computes nothing. What the
 * mock engine and the SDK cost for that shape is the floor; meshstack's own code is the rest.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ProgramRun } from "../runner/program";

/** One resource of a shape, as JSON can hold it. */
export interface ShapeResource {
    type: string;
    name: string;
    parent: string;
    dependsOn: string[];
    provider: string | undefined;
    readId: string | undefined;
    inputs: Record<string, unknown>;
}

/** What a bare program of a run's shape does: load the same packages, declare the same resources. */
export interface Shape {
    /** The files of the packages the run loaded (their module paths). */
    packages: string[];
    /** The resources, in registration order. */
    resources: ShapeResource[];
}

/** The resources of a run, in registration order (a parent before its children). */
export function shapeOf(run: ProgramRun): ShapeResource[] {
    return run.resources.map(({ type, name, parent, dependsOn, provider, readId, inputs }) => ({ type, name, parent, dependsOn, provider, readId, inputs }));
}

/** A resource class of the SDKs, as the replay calls it. */
interface SdkClass {
    new (name: string, args: Record<string, unknown>, opts: pulumi.CustomResourceOptions): pulumi.Resource;
    get?(name: string, id: string, opts: pulumi.CustomResourceOptions): pulumi.Resource;
}

/** The type prefix of the program's own components. */
const COMPONENT = /^meshstack:/;
/** A Kubernetes type: `kubernetes:<group>/<version>:<Kind>`. */
const KUBERNETES = /^kubernetes:([^/]+)\/([^:]+):(.+)$/;

/** The module of `@pulumi/kubernetes` that holds a group's classes, or none for a custom resource's group. */
function kubernetesModule(group: string): string | undefined {
    if (group === "helm.sh") {
        return "helm";
    }
    if (!group.includes(".")) {
        return group;
    }
    return group.endsWith(".k8s.io") ? group.slice(0, group.indexOf(".")) : undefined;
}

/**
 * The SDK class that declares `type`, as the program's code would: the Kubernetes SDK's class for a
 * Kubernetes kind (`CustomResource` for Istio's and other custom kinds), the provider, RandomPassword.
 */
export function sdkClass(type: string): SdkClass {
    /* eslint-disable @typescript-eslint/no-require-imports */
    if (type === "pulumi:providers:kubernetes") {
        return (require("@pulumi/kubernetes") as { Provider: unknown }).Provider as SdkClass;
    }
    if (type === "random:index/randomPassword:RandomPassword") {
        return (require("@pulumi/random") as { RandomPassword: unknown }).RandomPassword as SdkClass;
    }
    const kubernetes = KUBERNETES.exec(type);
    if (kubernetes === null) {
        throw new Error(`the floor cannot declare a ${type}`);
    }
    const [, group, version, kind] = kubernetes;
    const module = kubernetesModule(group);
    const found = module === undefined ? undefined : (require(`@pulumi/kubernetes/${module}/${version}`) as Record<string, unknown>)[kind];
    return (found ?? (require("@pulumi/kubernetes/apiextensions") as { CustomResource: unknown }).CustomResource) as SdkClass;
    /* eslint-enable @typescript-eslint/no-require-imports */
}

/**
 * Loads `packages` and declares `shape` again, with no logic: components as components, the rest with
 * the SDK classes the program uses, from their recorded inputs. A resource whose parent or dependency is
 * not in the shape (the stack) gets none.
 */
export function replay(shape: readonly ShapeResource[], packages: readonly string[] = []): Record<string, unknown> {
    for (const file of packages) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(file);
    }
    const declared = new Map<string, pulumi.Resource>();
    for (const resource of shape) {
        const parent = declared.get(resource.parent);
        const dependsOn = resource.dependsOn.flatMap((name) => declared.get(name) ?? []);
        let made: pulumi.Resource;
        if (COMPONENT.test(resource.type)) {
            made = new pulumi.ComponentResource(resource.type, resource.name, {}, { parent, dependsOn });
        } else {
            const provider = resource.provider === undefined ? undefined : declared.get(resource.provider);
            const options: pulumi.CustomResourceOptions = {
                parent,
                dependsOn,
                ...(provider instanceof pulumi.ProviderResource ? { provider } : {}),
            };
            const Class = sdkClass(resource.type);
            made =
                resource.readId !== undefined && Class.get !== undefined
                    ? Class.get(resource.name, resource.readId, options)
                    : new Class(resource.name, resource.inputs, options);
        }
        declared.set(resource.name, made);
    }
    return {};
}
