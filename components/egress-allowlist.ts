import * as apiextensions from "@pulumi/kubernetes/apiextensions";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import { EGRESS_WAYPOINT_NAME, USE_WAYPOINT_LABEL, waypointGateway, waypointOptions } from "../lib/ambient";
import { PART_OF } from "../lib/objects";
import { allowFrom, atWaypoint } from "../lib/zero-trust";
import * as pulumi from "@pulumi/pulumi";
import {
    EgressEntry,
    egressGateway,
    egressGatewayDestinationRule,
    egressVirtualService,
    entryName,
    serviceEntry,
    splitEgressVirtualServices,
} from "../lib/egress";

/** Arguments of {@link EgressAllowlist}. All are resolved by the config module. */
export interface EgressAllowlistArgs {
    /** The external hosts the mesh may reach. */
    entries: EgressEntry[];
    /** The egress gateway's namespace, where the allowlist's objects live (exported to every namespace). */
    namespace: string;
    /** The in-cluster host of the egress gateway's Service. */
    gatewayHost: string;
    /** The labels of the egress gateway pods. */
    gatewaySelector: Record<string, string>;
    /**
     * The installed egress gateway (and so the ready control plane): Istio objects are applied once
     * istiod's validating webhook serves.
     */
    egressGateway: pulumi.Resource;
    /**
     * Some namespace runs ambient: its pods' traffic to an allowed host goes through the egress waypoint
     * (with these replicas), which only the mesh namespaces (`from`) may use; the sidecars' routes live in
     * `meshRoutesNamespace` (istiod's, which every Sidecar imports). `undefined`: sidecars only.
     */
    ambient: { waypointReplicas: number; from: string[]; meshRoutesNamespace: string } | undefined;
}

/**
 * The egress allowlist: each allowed external host in the mesh registry and routed through the egress
 * gateway. With `REGISTRY_ONLY`, these are the only ways out of the mesh.
 */
export class EgressAllowlist extends pulumi.ComponentResource {
    /** The allowed hosts, for audits. */
    public readonly entries: pulumi.Output<EgressEntry[]>;

    constructor(name: string, args: EgressAllowlistArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshstack:mesh:EgressAllowlist", name, {}, opts);
        const after = { parent: this, dependsOn: [args.egressGateway] };

        if (args.entries.length > 0) {
            new apiextensions.CustomResource(`${name}-gateway`, egressGateway(args.entries, args.namespace, args.gatewaySelector), after);
            new apiextensions.CustomResource(
                `${name}-gateway-destination`,
                egressGatewayDestinationRule(args.entries, args.namespace, args.gatewayHost),
                after,
            );
        }
        // Ambient: ztunnel does not apply the routes to the egress gateway; the ServiceEntries send ambient
        // pods' traffic to a waypoint here instead (sidecars never go through waypoints: they keep the routes).
        const waypointed = args.ambient !== undefined && args.entries.length > 0;
        const entryAfter = { ...after, dependsOn: [args.egressGateway] };
        if (args.ambient !== undefined && waypointed) {
            const options = new corev1.ConfigMap(
                `${name}-waypoint-options`,
                { ...waypointOptions(args.namespace, args.ambient.waypointReplicas, PART_OF, EGRESS_WAYPOINT_NAME) },
                after,
            );
            const waypoint = new apiextensions.CustomResource(
                `${name}-waypoint`,
                { ...waypointGateway(args.namespace, { ...PART_OF }, EGRESS_WAYPOINT_NAME) },
                { parent: this, dependsOn: [args.egressGateway, options] },
            );
            new apiextensions.CustomResource(
                `${name}-waypoint-policy`,
                { ...atWaypoint(allowFrom(args.namespace, args.ambient.from.map((namespace) => ({ namespace }))), EGRESS_WAYPOINT_NAME) },
                { parent: this, dependsOn: [waypoint] },
            );
            entryAfter.dependsOn = [args.egressGateway, waypoint];
        }
        for (const entry of args.entries) {
            const id = entryName(entry.host);
            const entryObject = serviceEntry(entry, args.namespace);
            new apiextensions.CustomResource(
                `${name}-${id}-service-entry`,
                waypointed ? { ...entryObject, metadata: { ...entryObject.metadata, labels: { ...entryObject.metadata.labels, [USE_WAYPOINT_LABEL]: EGRESS_WAYPOINT_NAME } } } : entryObject,
                entryAfter,
            );
            if (args.ambient === undefined) {
                new apiextensions.CustomResource(`${name}-${id}-route`, egressVirtualService(entry, args.namespace, args.gatewayHost), after);
            } else {
                // The sidecars' half away from the egress waypoint, which would apply it (splitEgressVirtualServices).
                const routes = splitEgressVirtualServices(entry, args.namespace, args.gatewayHost, args.ambient.meshRoutesNamespace);
                new apiextensions.CustomResource(`${name}-${id}-route`, routes.gateway, after);
                new apiextensions.CustomResource(`${name}-${id}-mesh-route`, routes.mesh, after);
            }
        }

        this.entries = pulumi.output(args.entries.map((entry) => ({ ...entry })));
        this.registerOutputs({ entries: this.entries });
    }
}
