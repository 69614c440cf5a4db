import { clusterHost, PRIVILEGED_NAMESPACE } from "../lib/objects";
import * as apiextensions from "@pulumi/kubernetes/apiextensions";
import * as helm from "@pulumi/kubernetes/helm/v4";
import * as yaml from "@pulumi/kubernetes/yaml/v2";
import * as pulumi from "@pulumi/pulumi";
import { retainAndAdoptCustomResourceDefinitions } from "../lib/crd-protection";
import { baseChartValues, istiodChartValues } from "../lib/istio-values";
import { meshNamespace } from "./namespace";
import { PodPlacement } from "../lib/placement";
import { peerAuthentication } from "../lib/zero-trust";
import type { ClusterSettings, MeshIstioArgs, MeshSecurityArgs } from "../model";
import { chartSource, GATEWAY_API, istioChart } from "../versions";
import { AMBIENT_RELEASES, cniChartValues, ztunnelChartValues } from "../lib/ambient";
import { waitForWebhookCaBundles } from "../lib/webhooks";

/** Arguments of {@link IstioControlPlane}: the resolved settings it reads, and what the mesh gives it. */
export interface IstioControlPlaneArgs {
    /** `meshstack:istio`: the release, istiod's namespace and scaling, the sidecar proxy, ambient's node agents. */
    istio: Pick<MeshIstioArgs, "version" | "namespace" | "istiod" | "proxy" | "ztunnel" | "cni" | "waypoint">;
    /**
     * Some namespace runs ambient: install the Gateway API's CRDs (waypoints are Gateways), istiod with the
     * ambient profile, Istio's CNI agent and ztunnel.
     */
    ambient: boolean;
    /** `meshstack:mesh`'s mesh-wide mTLS mode (a PeerAuthentication in the root namespace) and outbound policy. */
    mesh: Pick<MeshSecurityArgs, "mtlsMode" | "outboundTrafficPolicy">;
    /** `meshstack:cluster`'s NodeLocal DNSCache address, which the sidecars do not capture. */
    nodeLocalDnsAddress: ClusterSettings["nodeLocalDnsAddress"];
    /**
     * The provider of the objects retained on delete (Istio's CRDs): one that adopts an object that
     * already exists, so that a stack re-created after `pulumi destroy` takes over the CRDs it left.
     * Every other object uses the provider this component inherits.
     */
    retainedProvider: pulumi.ProviderResource;
    /** Where istiod's pods run: the node pool's selector, tolerations and the mesh's priority class. */
    placement: PodPlacement;
    /**
     * Resources that must be ready before anything of Istio is applied: the node pool's PriorityClass,
     * node labels and pre-flight quorum (`NodePool.ready`). The base chart and istiod wait for each.
     */
    gates: pulumi.Resource[];
}

/** Helm release names, as Istio's own Helm install guide names them. */
const RELEASES = { base: "istio-base", istiod: "istiod" } as const;

/**
 * The Istio control plane from its official Helm charts, in the "minimal" shape: the `base` chart
 * (CRDs, default validating webhook) and the `istiod` chart, no ingress gateway. Installed in order:
 * namespace, then base, then istiod. With ambient: the Gateway API's CRDs before istiod (which watches
 * them from its start), istiod with the ambient profile, then Istio's CNI agent, then ztunnel (which gets
 * its certificates from istiod), as Istio's ambient install guide orders them. A resource that
 * `dependsOn` this component waits for istiod to be ready (Pulumi awaits the rendered Deployment and
 * DaemonSets) and for its webhooks to carry their CA bundle, so they can be called.
 */
export class IstioControlPlane extends pulumi.ComponentResource {
    /** The namespace istiod runs in. */
    public readonly namespace: pulumi.Output<string>;
    /** The installed Istio release. */
    public readonly version: pulumi.Output<string>;
    /** The in-cluster host name of istiod's Service. */
    public readonly istiodHost: pulumi.Output<string>;

    constructor(name: string, args: IstioControlPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshstack:istio:IstioControlPlane", name, {}, opts);
        const { istio } = args;

        // Ambient's node agents (istio-cni, ztunnel) run privileged, in istiod's namespace.
        const namespace = meshNamespace(`${name}-namespace`, istio.namespace, this, args.ambient ? PRIVILEGED_NAMESPACE : {});

        // The namespace is passed as a plain string (ordering comes from dependsOn): an unknown input
        // would make `pulumi preview` show the chart without its objects.
        const base = new helm.Chart(
            `${name}-base`,
            {
                ...chartSource(istioChart("base", istio.version)),
                name: RELEASES.base,
                namespace: istio.namespace,
                values: baseChartValues(istio.namespace),
            },
            { parent: this, dependsOn: [namespace, ...args.gates], transforms: [retainAndAdoptCustomResourceDefinitions(args.retainedProvider)] },
        );

        // Retained and adopted like Istio's CRDs: deleting one deletes every Gateway and HTTPRoute with it.
        const gatewayApi = args.ambient
            ? [
                  new yaml.ConfigFile(
                      `${name}-gateway-api`,
                      { file: GATEWAY_API.manifest },
                      { parent: this, dependsOn: [namespace, ...args.gates], transforms: [retainAndAdoptCustomResourceDefinitions(args.retainedProvider)] },
                  ),
              ]
            : [];

        const istiod = new helm.Chart(
            `${name}-istiod`,
            {
                ...chartSource(istioChart("istiod", istio.version)),
                name: RELEASES.istiod,
                namespace: istio.namespace,
                values: istiodChartValues({
                    istio,
                    ambient: args.ambient,
                    outboundTrafficPolicy: args.mesh.outboundTrafficPolicy,
                    nodeLocalDnsAddress: args.nodeLocalDnsAddress,
                    placement: args.placement,
                }),
            },
            // Ready once istiod has written its webhooks' CA bundle, so that what follows is not refused.
            { parent: this, dependsOn: [base, ...gatewayApi, ...args.gates], transforms: [waitForWebhookCaBundles()] },
        );

        if (args.ambient) {
            // On every node (the charts' tolerations): an ambient pod may be scheduled anywhere.
            const cni = new helm.Chart(
                `${name}-cni`,
                {
                    ...chartSource(istioChart("cni", istio.version)),
                    name: AMBIENT_RELEASES.cni,
                    namespace: istio.namespace,
                    values: cniChartValues(istio.cni.resources),
                },
                { parent: this, dependsOn: [istiod] },
            );
            new helm.Chart(
                `${name}-ztunnel`,
                {
                    ...chartSource(istioChart("ztunnel", istio.version)),
                    name: AMBIENT_RELEASES.ztunnel,
                    namespace: istio.namespace,
                    values: ztunnelChartValues(istio.namespace, istio.ztunnel.resources),
                },
                { parent: this, dependsOn: [istiod, cni] },
            );
        }

        // The mesh-wide default, in the root namespace, once istiod's validating webhook serves.
        new apiextensions.CustomResource(
            `${name}-mesh-mtls`,
            { ...peerAuthentication(istio.namespace, args.mesh.mtlsMode) },
            { parent: this, dependsOn: [istiod] },
        );

        this.namespace = namespace.metadata.name;
        this.version = pulumi.output(istio.version);
        this.istiodHost = this.namespace.apply((namespace) => clusterHost("istiod", namespace));
        this.registerOutputs({ namespace: this.namespace, version: this.version, istiodHost: this.istiodHost });
    }
}
