/**
 * Resources as the policy engine shows them (type, name, URN, inputs), the rules' shapes, and the small
 * readers every rule uses.
 */

/** A resource as a policy sees it. */
export interface PolicyResource {
    /** Its Pulumi type token, e.g. `kubernetes:networking.istio.io/v1:VirtualService`. */
    type: string;
    /** Its Pulumi name. */
    name: string;
    /** Its URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). */
    urn: string;
    /** Its inputs. */
    props: Record<string, unknown>;
    /** The URNs of the resources it depends on (a component's stand for its resources). @default [] */
    dependencies?: readonly string[];
}

/** What the rules need to know about the stack and the pack's config. */
export interface PolicyContext {
    /** The stack is a production one (the pack's `productionStacks`). */
    production: boolean;
    /** Services (`namespace/name`, or a gateway chart's release as `chart/<release>`) that may be exposed. */
    allowedExposedServices: readonly string[];
}

/** One violation: what is wrong and how to fix it, and the resource's URN. */
export interface Violation {
    urn: string;
    message: string;
}

/** A rule over one resource at a time. */
export interface ResourceRule {
    name: string;
    description: string;
    check(resource: PolicyResource, context: PolicyContext): string[];
}

/** A rule over the whole stack (it relates resources to each other). */
export interface StackRule {
    name: string;
    description: string;
    check(resources: readonly PolicyResource[], context: PolicyContext): Violation[];
}

/** The stack name in a URN. */
export function stackOfUrn(urn: string): string {
    const match = /^urn:pulumi:([^:]+)::/.exec(urn);
    return match === null ? "" : match[1];
}

export function record(value: unknown): Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

export function at(value: unknown, ...path: string[]): unknown {
    return path.reduce<unknown>((current, key) => record(current)[key], value);
}

export function isKind(resource: PolicyResource, group: string, kind: string): boolean {
    return new RegExp(`^kubernetes:${group.replace(/\./g, "\\.")}/v[0-9a-z]+:${kind}$`).test(resource.type);
}

export function objectName(resource: PolicyResource): string {
    const namespace = at(resource.props, "metadata", "namespace");
    const name = at(resource.props, "metadata", "name") ?? resource.name;
    return typeof namespace === "string" ? `${namespace}/${String(name)}` : String(name);
}
