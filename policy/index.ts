/**
 * meshstack's policy pack: `pulumi preview --policy-pack ./policy` (README › Policy pack). Every rule
 * is mandatory; the rules themselves are in `rules.ts`, tested without this server.
 */
import { PolicyConfigSchema, PolicyPack, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { DEFAULT_PRODUCTION_STACKS, PolicyContext, RESOURCE_RULES, STACK_RULES, stackOfUrn } from "./rules";

/** The pack's config (`pulumi preview --policy-pack-config`), the same for every rule. */
interface PackConfig {
    productionStacks?: string[];
    allowedExposedServices?: string[];
}

const CONFIG_SCHEMA: PolicyConfigSchema = {
    properties: {
        productionStacks: {
            type: "array",
            items: { type: "string" },
            default: [...DEFAULT_PRODUCTION_STACKS],
            description: "The stacks held to the production rules.",
        },
        allowedExposedServices: {
            type: "array",
            items: { type: "string" },
            default: [],
            description: "LoadBalancer or NodePort Services allowed, as namespace/name (a gateway chart: chart/<release>).",
        },
    },
};

function context(urn: string, config: PackConfig): PolicyContext {
    return {
        production: (config.productionStacks ?? DEFAULT_PRODUCTION_STACKS).includes(stackOfUrn(urn)),
        allowedExposedServices: config.allowedExposedServices ?? [],
    };
}

const resourcePolicies: ResourceValidationPolicy[] = RESOURCE_RULES.map((rule) => ({
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    configSchema: CONFIG_SCHEMA,
    validateResource: (args, reportViolation) => {
        const resource = { type: args.type, name: args.name, urn: args.urn, props: args.props };
        for (const message of rule.check(resource, context(args.urn, args.getConfig<PackConfig>()))) {
            reportViolation(message);
        }
    },
}));

const stackPolicies: StackValidationPolicy[] = STACK_RULES.map((rule) => ({
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    configSchema: CONFIG_SCHEMA,
    validateStack: (args, reportViolation) => {
        const resources = args.resources.map((resource) => ({
            type: resource.type,
            name: resource.name,
            urn: resource.urn,
            props: resource.props,
            dependencies: resource.dependencies.map((dependency) => dependency.urn),
        }));
        const config = args.getConfig<PackConfig>();
        for (const violation of rule.check(resources, context(resources[0]?.urn ?? "", config))) {
            reportViolation(violation.message, violation.urn);
        }
    },
}));

new PolicyPack("meshstack", { enforcementLevel: "mandatory", policies: [...resourcePolicies, ...stackPolicies] });
