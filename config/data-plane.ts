/**
 * Cross-field checks of the data plane choice (`meshstack:istio.dataPlane`, `mesh.namespaces[].dataPlane`):
 * keys that size a sidecar have no meaning where no sidecar runs, and say so.
 */
import type { DataPlaneName, MeshNamespaceSettings } from "../model";
import { show } from "./keys";
import type { PathProblem } from "./problems";

/** What the checks read of the resolved config. */
export interface DataPlaneFacts {
    dataPlane: DataPlaneName;
    namespaces: ReadonlyArray<Pick<MeshNamespaceSettings, "name" | "dataPlane">>;
    services: ReadonlyArray<{ name: string; namespace: string; sidecar?: object | undefined; retries?: object | undefined }>;
    /** `meshstack:istio.proxy` is set in the stack file (not only defaulted). */
    proxySet: boolean;
}

/** Whether any pod of the mesh gets a sidecar: the mesh's data plane for undeclared pods, or a namespace's own. */
function sidecarsRun(facts: DataPlaneFacts): boolean {
    return facts.dataPlane === "sidecar" || facts.namespaces.some((namespace) => namespace.dataPlane === "sidecar");
}

/**
 * The data plane problems of a resolved config. Each verdict involves every mesh namespace (which one
 * holds a service, its own data plane, the index a message names): while one is invalid, the verdict
 * waits, since an invalid data plane reads as unset and a namespace left out of the checks shifts the
 * indexes after it. Each also involves the data plane it reads (the namespace's, or `meshstack:istio.dataPlane`).
 */
export function dataPlaneProblems(facts: DataPlaneFacts): PathProblem[] {
    const problems: PathProblem[] = [];
    const indexOf = new Map(facts.namespaces.map((namespace, index) => [namespace.name, index]));
    facts.services.forEach((service, index) => {
        const namespaceIndex = indexOf.get(service.namespace);
        if (namespaceIndex === undefined) {
            return;
        }
        const own = facts.namespaces[namespaceIndex].dataPlane;
        if ((own ?? facts.dataPlane) !== "ambient") {
            return;
        }
        const where = own === undefined ? "meshstack:istio.dataPlane" : `meshstack:mesh.namespaces[${namespaceIndex}].dataPlane`;
        const planePath = own === undefined ? ["istio", "dataPlane"] : ["mesh", "namespaces", namespaceIndex, "dataPlane"];
        const back = `set meshstack:mesh.namespaces[${namespaceIndex}].dataPlane to "sidecar"`;
        if (service.sidecar !== undefined) {
            problems.push({
                path: ["services", index, "sidecar"],
                message:
                    `sizes a sidecar, and ${show(service.namespace)} runs ambient (${where}): its pods have no sidecar, the ztunnel of ` +
                    `their node carries their traffic. Remove it, or ${back}.`,
                involves: [["services", index, "sidecar"], planePath, ["mesh", "namespaces"]],
            });
        }
        if (service.retries !== undefined) {
            problems.push({
                path: ["services", index, "retries"],
                message:
                    `${show(service.namespace)} runs ambient (${where}), where the route is an HTTPRoute, and the Gateway API's ` +
                    `standard channel (v1.6.1, which meshstack installs) has no retry field until v1.7; the waypoint would retry ` +
                    `by Istio's default instead (2 attempts on connect-failure, refused-stream, unavailable, cancelled, ` +
                    `retriable-status-codes). Remove the retries, or ${back}.`,
                involves: [["services", index, "retries"], planePath, ["mesh", "namespaces"]],
            });
        }
    });
    if (facts.proxySet && !sidecarsRun(facts)) {
        problems.push({
            path: ["istio", "proxy"],
            message:
                'sizes the sidecars, and no pod gets one: meshstack:istio.dataPlane is "ambient" and no namespace states "sidecar". ' +
                'Remove it (ztunnel and the waypoints are sized on their own), or set a namespace\'s meshstack:mesh.namespaces[].dataPlane to "sidecar".',
            involves: [["istio", "proxy"], ["istio", "dataPlane"], ["mesh", "namespaces"]],
        });
    }
    return problems;
}
