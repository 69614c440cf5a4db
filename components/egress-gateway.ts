import { clusterHost } from "../lib/objects";
import * as helm from "@pulumi/kubernetes/helm/v4";
import * as pulumi from "@pulumi/pulumi";
import { EGRESS_GATEWAY_LABEL, EGRESS_GATEWAY_RELEASE, egressGatewayChartValues } from "../lib/istio-values";
import { meshNamespace } from "./namespace";
import { PodPlacement } from "../lib/placement";
import { chartSource, istioChart } from "../versions";
import type { MeshIstioArgs } from "../model/istio";

/** Arguments of {@link EgressGateway}. */
export interface EgressGatewayArgs {
    /**
     * `meshstack:istio`: the release (the `gateway` chart's version), and the gateway's namespace,
     * replicas and resources. The namespace is created here and never labelled
     * `istio-injection=disabled`: the gateway pods are injected by istiod.
     */
    istio: Pick<MeshIstioArgs, "version" | "egressGateway">;
    /**
     * The installed control plane. The gateway chart is applied only once it is ready: the gateway
     * pods run the image `auto`, which only istiod's injection webhook replaces with a real proxy.
     */
    controlPlane: pulumi.Resource;
    /** Where the gateway pods run: the node pool's selector, tolerations and the mesh's priority class. */
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

        const { namespace: namespaceName, ...scaling } = args.istio.egressGateway;
        const namespace = meshNamespace(`${name}-namespace`, namespaceName, this);

        new helm.Chart(
            `${name}-gateway`,
            {
                ...chartSource(istioChart("gateway", args.istio.version)),
                name: EGRESS_GATEWAY_RELEASE,
                namespace: namespaceName,
                values: egressGatewayChartValues(scaling, args.placement),
            },
            { parent: this, dependsOn: [namespace, args.controlPlane] },
        );

        this.namespace = namespace.metadata.name;
        this.hostName = clusterHost(EGRESS_GATEWAY_RELEASE, namespaceName);
        this.selectorLabels = { istio: EGRESS_GATEWAY_LABEL };
        this.host = this.namespace.apply(() => this.hostName);
        this.selector = pulumi.output(this.selectorLabels);
        this.registerOutputs({ namespace: this.namespace, host: this.host, selector: this.selector });
    }
}
