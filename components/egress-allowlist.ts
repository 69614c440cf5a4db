import * as apiextensions from "@pulumi/kubernetes/apiextensions";
import * as pulumi from "@pulumi/pulumi";
import {
    EgressEntry,
    egressGateway,
    egressGatewayDestinationRule,
    egressVirtualService,
    entryName,
    serviceEntry,
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
        for (const entry of args.entries) {
            const id = entryName(entry.host);
            new apiextensions.CustomResource(`${name}-${id}-service-entry`, serviceEntry(entry, args.namespace), after);
            new apiextensions.CustomResource(`${name}-${id}-route`, egressVirtualService(entry, args.namespace, args.gatewayHost), after);
        }

        this.entries = pulumi.output(args.entries.map((entry) => ({ ...entry })));
        this.registerOutputs({ entries: this.entries });
    }
}
