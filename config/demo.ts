/**
 * The `meshstack:demo` area: the dev demo (Istio's helloworld sample in two versions and a client), so
 * a first-time user sees the canary split in Kiali. Off by default, and refused in a highly available
 * stack.
 */
import { z } from "zod";
import { DEMO_SERVICE } from "../lib/demo";
import { checkMeshNamespace } from "./mesh";
import { documented, flag, section, text } from "./leaves";
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
    namespaces: ReadonlyArray<{ name: string; defaultDeny: boolean; allowFrom: ReadonlyArray<{ namespace: string }> }>,
    services: ReadonlyArray<{ name: string; namespace: string; port: number; versions: ReadonlyArray<{ name: string }> }>,
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
    const meshNamespace = namespaces.find((namespace) => namespace.name === demo.namespace);
    if (meshNamespace === undefined) {
        problems.push({
            path: ["demo", "namespace"],
            message: `${JSON.stringify(demo.namespace)} is not a mesh namespace. Add it to meshstack:mesh.namespaces, or choose one of them.`,
            involves: [["demo", "namespace"], ["mesh", "namespaces"]],
        });
    } else {
        const index = services.findIndex((service) => service.name === DEMO_SERVICE.name && service.namespace === demo.namespace);
        const service = services[index];
        if (service === undefined) {
            problems.push({
                path: ["demo", "enabled"],
                message:
                    `the demo needs its routing: add a meshstack:services entry named "${DEMO_SERVICE.name}" in namespace ` +
                    `"${demo.namespace}", port ${DEMO_SERVICE.port}, versions v1 and v2 (e.g. weights v1: 90, v2: 10).`,
                involves: [["demo"], ["services"]],
            });
        } else {
            if (service.port !== DEMO_SERVICE.port) {
                problems.push({
                    path: ["services", index, "port"],
                    message: `the demo's Service listens on ${DEMO_SERVICE.port}, not ${service.port}. Set ${DEMO_SERVICE.port}.`,
                });
            }
            const versions = service.versions.map((version) => version.name);
            if (!versions.includes("v1") || !versions.includes("v2")) {
                problems.push({
                    path: ["services", index, "versions"],
                    message: `the demo runs versions v1 and v2 (pods labelled version: v1 / v2), not ${versions.join(", ")}. List v1 and v2.`,
                });
            }
        }
        if (meshNamespace.defaultDeny && !meshNamespace.allowFrom.some((source) => source.namespace === demo.namespace)) {
            const at = namespaces.indexOf(meshNamespace);
            problems.push({
                path: ["mesh", "namespaces", at, "allowFrom"],
                message: `the demo's client calls helloworld within "${demo.namespace}", which default deny refuses. Add { namespace: ${demo.namespace} } to allowFrom.`,
            });
        }
    }
    return problems;
}
