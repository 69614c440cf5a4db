/**
 * The `meshstack:demo` area: the dev demo (Istio's helloworld sample in two versions and a client), so
 * a first-time user sees the canary split in Kiali. Off by default, and refused in a highly available
 * stack.
 */
import { z } from "zod";
import { DEMO_SERVICE } from "../lib/demo";
import { checkMeshNamespace } from "./mesh";
import { documented, flag, section, text } from "./kit";
import type { PathProblem } from "./problems";

/** The schema of `meshstack:demo`. */
export function demoSchema() {
    return section({
        enabled: documented(flag().default(false), {
            description: "Deploy the demo: helloworld v1 and v2 behind one Service, and a client calling it. Dev stacks only.",
        }),
        namespace: documented(text(checkMeshNamespace).default("shop"), {
            description: "The mesh namespace the demo runs in; `meshstack:services` routes `helloworld` there.",
        }),
    }).prefault({});
}

/** The resolved `meshstack:demo`. */
export type DemoConfig = z.output<ReturnType<typeof demoSchema>>;

/** Cross-field checks of `meshstack:demo`. */
export function demoProblems(
    demo: DemoConfig,
    highAvailability: boolean,
    meshNamespaces: readonly string[],
    services: ReadonlyArray<{ name: string; namespace: string }>,
): PathProblem[] {
    if (!demo.enabled) {
        return [];
    }
    const problems: PathProblem[] = [];
    if (highAvailability) {
        problems.push({
            path: ["demo", "enabled"],
            message: "the demo is for dev stacks: a highly available stack runs no sample workloads. Remove the key.",
        });
    }
    if (!meshNamespaces.includes(demo.namespace)) {
        problems.push({
            path: ["demo", "namespace"],
            message: `${JSON.stringify(demo.namespace)} is not a mesh namespace. Add it to meshstack:mesh.namespaces, or choose one of them.`,
            involves: [["demo", "namespace"], ["mesh", "namespaces"]],
        });
    } else if (!services.some((service) => service.name === DEMO_SERVICE.name && service.namespace === demo.namespace)) {
        problems.push({
            path: ["demo", "enabled"],
            message:
                `the demo needs its routing: add a meshstack:services entry named "${DEMO_SERVICE.name}" in namespace ` +
                `"${demo.namespace}", port ${DEMO_SERVICE.port}, versions v1 and v2 (e.g. weights v1: 90, v2: 10).`,
            involves: [["demo"], ["services"]],
        });
    }
    return problems;
}
