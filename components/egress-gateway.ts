import { clusterHost } from "../lib/objects";
import * as helm from "@pulumi/kubernetes/helm/v4";
import * as pulumi from "@pulumi/pulumi";
import { EGRESS_GATEWAY_LABEL, EGRESS_GATEWAY_RELEASE, egressGatewayChartValues, WorkloadScaling } from "../lib/istio-values";
import { meshNamespace } from "./namespace";
import { PodPlacement } from "../lib/placement";
import { chartSource, istioChart } from "../versions";

/** Arguments of {@link EgressGateway}. All are resolved by the config module. */
export interface EgressGatewayArgs {
    /**
     * The Istio release; the version of the `gateway` chart.
     * @default "1.31.1" (`DEFAULT_ISTIO_VERSION` in versions.ts)
     */
    version: string;
    /**
     * The gateway's own namespace, created by this component. It is never labelled
     * `istio-injection=disabled`: the gateway pods are injected by istiod.
     * @default "istio-egress"
     */
    namespace: string;
    /**
     * Replicas and resources of the gateway.
     * @default with highAvailability: 2 to 5 replicas; without: 1 replica; requests 100m/128Mi,
     * limits 2000m/1024Mi
     */
    scaling: WorkloadScaling;
    /**
     * The installed control plane. The gateway chart is applied only once it is ready: the gateway
     * pods run the image `auto`, which only istiod's injection webhook replaces with a real proxy.
     * @default none (required)
     */
    controlPlane: pulumi.Resource;
    /**
     * Where the gateway pods run: the node pool's selector, tolerations and the mesh's priority class.
     * @default none (required; from `NodePool.placement`)
     */
    placement: PodPlacement;
}

/**
 * The egress gateway: Istio's `gateway` chart in its own namespace, behind a ClusterIP Service, the one
 * way out of the mesh once egress is locked down.
 */
export class EgressGateway extends pulumi.ComponentResource {
    /** The gateway's namespace. */
    public readonly namespace: pulumi.Output<string>;
    /** The in-cluster host name of the gateway's Service. */
    public readonly host: pulumi.Output<string>;
    /** The same host as a plain value, for objects built from it (the allowlist's routes). */
    public readonly hostName: string;
    /** The labels of the gateway pods as a plain value (the allowlist's Gateway selector). */
    public readonly selectorLabels: Record<string, string>;
    /** The labels that select the gateway pods, for a Gateway's `selector`. */
    public readonly selector: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: EgressGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshstack:istio:EgressGateway", name, {}, opts);

        const namespace = meshNamespace(`${name}-namespace`, args.namespace, this);

        new helm.Chart(
            `${name}-gateway`,
            {
                ...chartSource(istioChart("gateway", args.version)),
                name: EGRESS_GATEWAY_RELEASE,
                namespace: args.namespace,
                values: egressGatewayChartValues(args.scaling, args.placement),
            },
            { parent: this, dependsOn: [namespace, args.controlPlane] },
        );

        this.namespace = namespace.metadata.name;
        this.hostName = clusterHost(EGRESS_GATEWAY_RELEASE, args.namespace);
        this.selectorLabels = { istio: EGRESS_GATEWAY_LABEL };
        this.host = this.namespace.apply(() => this.hostName);
        this.selector = pulumi.output(this.selectorLabels);
        this.registerOutputs({ namespace: this.namespace, host: this.host, selector: this.selector });
    }
}
