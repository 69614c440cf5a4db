import * as apiextensions from "@pulumi/kubernetes/apiextensions";
import * as pulumi from "@pulumi/pulumi";
import { destinationRule, TrafficSettings, virtualService } from "../lib/traffic";

/** Arguments of {@link MeshService}. */
export interface MeshServiceArgs {
    /** The service's routing and resilience. */
    service: TrafficSettings;
    /**
     * What must be ready first: the control plane (istiod's validating webhook) and the service's mesh
     * namespace.
     */
    after: pulumi.Resource[];
}

/**
 * Canary routing and resilience for one service: a DestinationRule (a subset per version, the traffic
 * policy) and a VirtualService (the weighted routes, timeout and retries). Both are named after the
 * service, so a weight change is an in-place update of the VirtualService alone.
 */
export class MeshService extends pulumi.ComponentResource {
    constructor(name: string, args: MeshServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshstack:mesh:MeshService", name, {}, opts);
        const after = { parent: this, dependsOn: args.after };
        const rule = destinationRule(args.service);
        new apiextensions.CustomResource(`${name}-destination-rule`, { ...rule }, after);
        new apiextensions.CustomResource(`${name}-virtual-service`, { ...virtualService(args.service) }, after);
        // No outputs: the stack output `services` gives each service's host. (One Output per service that
        // nothing read cost the SDK a promise and a serialization per service.)
        this.registerOutputs({});
    }
}
