import * as apiextensions from "@pulumi/kubernetes/apiextensions";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import type { DataPlaneName } from "../model/istio";
import { PART_OF } from "../lib/objects";
import { destinationRule, httpRoute, TrafficSettings, versionDestinationRules, versionServices, virtualService } from "../lib/traffic";

/** Arguments of {@link MeshService}. */
export interface MeshServiceArgs {
    /** The service's routing and resilience. */
    service: TrafficSettings;
    /** The data plane of the service's namespace: it decides which objects carry the routing. */
    dataPlane: DataPlaneName;
    /**
     * What must be ready first: the control plane (istiod's validating webhook) and the service's mesh
     * namespace (with its waypoint, in ambient).
     */
    after: pulumi.Resource[];
}

/**
 * Canary routing and resilience for one service. With sidecars: a DestinationRule (a subset per
 * version, the traffic policy) and a VirtualService (the weighted routes, timeout and retries). In
 * ambient, the Gateway API's way, which the namespace's waypoint applies: a Service per version, an
 * HTTPRoute attached to the service's Service (the weighted backends, the timeout) and each version's
 * traffic policy. Each object is named after the service (and version), so a weight change is an
 * in-place update of the route alone.
 */
export class MeshService extends pulumi.ComponentResource {
    constructor(name: string, args: MeshServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshstack:mesh:MeshService", name, {}, opts);
        const after = { parent: this, dependsOn: args.after };
        if (args.dataPlane === "sidecar") {
            new apiextensions.CustomResource(`${name}-destination-rule`, { ...destinationRule(args.service) }, after);
            new apiextensions.CustomResource(`${name}-virtual-service`, { ...virtualService(args.service) }, after);
        } else {
            const versions = versionServices(args.service, PART_OF).map(
                (service) => new corev1.Service(`${name}-${service.metadata.name}`, { ...service }, after),
            );
            for (const rule of versionDestinationRules(args.service)) {
                new apiextensions.CustomResource(`${name}-${rule.metadata.name}-destination-rule`, { ...rule }, after);
            }
            // The route waits for its backends: a weight on a Service that does not exist yet is a 500.
            new apiextensions.CustomResource(`${name}-http-route`, { ...httpRoute(args.service, PART_OF) }, { parent: this, dependsOn: [...args.after, ...versions] });
        }
        // No outputs: the stack output `services` gives each service's host.
        this.registerOutputs({});
    }
}
