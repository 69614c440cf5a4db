/** The policy pack tests' fixtures: resources as the policy engine shows them, the contexts the rules run in, and the rules' tables. */
import * as assert from "assert";
import { PolicyContext, PolicyResource, STACK_RULES } from "../policy/rules";

export const PROD: PolicyContext = { production: true, allowedExposedServices: [] };
export const DEV: PolicyContext = { production: false, allowedExposedServices: [] };

/** A resource of stack prod, as the policy engine shows it. */
export function resource(type: string, props: Record<string, unknown>, name = "r", dependencies?: readonly string[]): PolicyResource {
    return { type, name, urn: `urn:pulumi:prod::meshstack::${type}::${name}`, props, ...(dependencies === undefined ? {} : { dependencies }) };
}

/** `subject` without metadata.namespace: an object of namespace default. */
export function withoutNamespace(subject: PolicyResource): PolicyResource {
    const metadata: Record<string, unknown> = { ...(subject.props.metadata as Record<string, unknown>) };
    delete metadata.namespace;
    return { ...subject, props: { ...subject.props, metadata } };
}

/** The messages of what the stack rule `rule` reports on `resources`, in a production stack. */
export function stackRuleMessages(rule: string, resources: readonly PolicyResource[]): string[] {
    const found = STACK_RULES.find((candidate) => candidate.name === rule);
    assert.ok(found, rule);
    return found.check(resources, PROD).map((violation) => violation.message);
}

/** A case of a rule's table: a title, what the rule checks, and the messages it reports on it. */
export type RuleCase<T> = [string, T, string[]];

/** A rule's table: a test per case, that the rule reports exactly the case's messages on its input. */
export function ruleTable<T>(rule: string, cases: ReadonlyArray<RuleCase<T>>, messagesOf: (input: T) => string[]): void {
    describe(rule, () => {
        for (const [title, input, messages] of cases) {
            it(title, () => assert.deepStrictEqual(messagesOf(input), messages));
        }
    });
}
