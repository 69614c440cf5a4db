/**
 * The desired state of a stack as a reviewer reads it: every resource the program declares (type,
 * name, parent, dependencies, provider, lifecycle options, transforms, inputs), secrets redacted, in the order the program declares
 * them, as YAML; and a one-screen summary. Built from the test harness's recorder, so the plan and the
 * tests see exactly the same run.
 */
import YAML from "yaml";
import type * as pulumi from "@pulumi/pulumi";
import { isSecret, ProgramRun, RecordedResource } from "../runner/program";

/** What a secret shows as in a plan. */
export const REDACTED = "[secret]";

/** `value` with every secret replaced by {@link REDACTED}. */
export function redacted(value: unknown): unknown {
    if (isSecret(value)) {
        return REDACTED;
    }
    if (Array.isArray(value)) {
        return value.map(redacted);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, redacted(entry)]));
    }
    return value;
}

/**
 * A transform as the plan names it: its function's name (meshstack's transforms are named for what they
 * do, see lib/crd-protection.ts), or `anonymous` (the mock engine runs none of them).
 */
function transformName(transform: pulumi.ResourceTransform): string {
    return transform.name === "" ? "anonymous" : transform.name;
}

/** One resource as the plan shows it: everything a reviewer needs, and nothing unset. */
function planEntry(resource: RecordedResource): Record<string, unknown> {
    return {
        type: resource.type,
        parent: resource.parent,
        ...(resource.dependsOn.length > 0 ? { dependsOn: resource.dependsOn } : {}),
        ...(resource.provider === undefined ? {} : { provider: resource.provider }),
        ...resource.options,
        ...(resource.transforms.length > 0 ? { transforms: resource.transforms.map(transformName) } : {}),
        ...(resource.readId === undefined ? { inputs: redacted(resource.inputs) } : { reads: resource.readId }),
    };
}

/**
 * The plan of one run, as YAML (byte-identical for the same program and config): a header document,
 * then one document per resource in declaration order, then the outputs. Each resource document's
 * first line, the only one at the left margin, is the resource's name, so a diff hunk of a committed
 * plan carries the name of the resource it changes (git's default hunk header is the nearest line above
 * that starts with a letter).
 */
export function renderPlan(stack: string, run: ProgramRun): string {
    const options = { lineWidth: 0, sortMapEntries: false } as const;
    const documents = [
        { stack, resources: run.resources.length },
        ...run.resources.map((resource) => ({ [resource.name]: planEntry(resource) })),
        { outputs: redacted(run.outputs) },
    ];
    return documents.map((document) => `---\n${YAML.stringify(document, options)}`).join("");
}

/** The one-screen summary: resources by kind, charts and versions, the mesh overhead. */
export function summarizePlan(stack: string, run: ProgramRun): string {
    const kinds = new Map<string, number>();
    for (const resource of run.resources) {
        kinds.set(resource.type, (kinds.get(resource.type) ?? 0) + 1);
    }
    const charts = run.ofType("kubernetes:helm.sh/v4:Chart").map(
        (chart) => `  ${String(chart.inputs.chart)} ${String(chart.inputs.version)} (${String((chart.inputs.repositoryOpts as { repo: string }).repo)}) as ${String(chart.inputs.name)} in ${String(chart.inputs.namespace)}`,
    );
    const overhead = run.outputs.meshOverhead as
        | { cpuMillicores: number; memoryMiB: number; sharePercent: { cpu: number; memory: number }; maxSharePercent: number }
        | undefined;
    return [
        `meshstack plan of stack "${stack}": ${run.resources.length} resources`,
        ...[...kinds.entries()].map(([kind, count]) => `  ${String(count).padStart(3)} ${kind}`),
        "charts:",
        ...charts,
        overhead === undefined
            ? "mesh overhead: none"
            : `mesh overhead: ${overhead.cpuMillicores}m CPU (${overhead.sharePercent.cpu} %), ${overhead.memoryMiB} MiB ` +
              `(${overhead.sharePercent.memory} %) of the pool; budget ${overhead.maxSharePercent} %`,
    ].join("\n");
}
