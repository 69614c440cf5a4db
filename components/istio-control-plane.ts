import { clusterHost } from "../lib/objects";
import * as apiextensions from "@pulumi/kubernetes/apiextensions";
import * as helm from "@pulumi/kubernetes/helm/v4";
import * as pulumi from "@pulumi/pulumi";
import { retainAndAdoptCustomResourceDefinitions } from "../lib/crd-protection";
import { baseChartValues, istiodChartValues, WorkloadScaling } from "../lib/istio-values";
import { meshNamespace } from "./namespace";
import { PodPlacement } from "../lib/placement";
import { MtlsMode, peerAuthentication } from "../lib/zero-trust";
import { ResourceRequirements } from "../lib/quantity";
import { chartSource, istioChart } from "../versions";
import { waitForWebhookCaBundles } from "../lib/webhooks";

/** Arguments of {@link IstioControlPlane}. All are resolved by the config module. */
export interface IstioControlPlaneArgs {
    /**
     * The Istio release; the version of every Istio chart.
     * @default "1.31.1" (`DEFAULT_ISTIO_VERSION` in versions.ts)
     */
    version: string;
    /**
     * The namespace of istiod, created by this component.
     * @default "istio-system"
     */
    namespace: string;
    /**
     * Replicas and resources of istiod.
     * @default with highAvailability: 2 to 5 replicas, requests 500m/2Gi, limits 2000m/4Gi;
     * without: 1 replica, requests 100m/512Mi, limits 1000m/1Gi
     */
    istiod: WorkloadScaling;
    /**
     * Requests and limits of the sidecar proxy in every injected pod, mesh-wide.
     * @default requests 100m CPU / 128Mi, limits 2000m / 1024Mi
     */
    proxyResources: ResourceRequirements;
    /**
     * The provider of the objects retained on delete (Istio's CRDs): one that adopts an object that
     * already exists, so that a stack re-created after `pulumi destroy` takes over the CRDs it left.
     * Every other object uses the provider this component inherits.
     * @default none (required)
     */
    retainedProvider: pulumi.ProviderResource;
    /**
     * Where istiod's pods run: the node pool's selector, tolerations and the mesh's priority class.
     * @default none (required; from `NodePool.placement`)
     */
    placement: PodPlacement;
    /**
     * Resources that must be ready before anything of Istio is applied: the node pool's PriorityClass,
     * node labels and pre-flight gates (`NodePool.ready`). The base chart and istiod wait for each.
     * @default [] (nothing to wait for)
     */
    gates: pulumi.Resource[];
    /**
     * The mesh-wide mTLS mode: a PeerAuthentication in istiod's namespace (the root namespace).
     * @default "STRICT"
     */
    mtlsMode: MtlsMode;
    /**
     * What proxies may reach outside the mesh registry (`meshConfig.outboundTrafficPolicy.mode`).
     * @default "REGISTRY_ONLY"
     */
    outboundTrafficPolicy: "REGISTRY_ONLY" | "ALLOW_ANY";
    /**
     * The cluster's NodeLocal DNSCache address, which the sidecars do not capture (DNS over TCP).
     * @default none
     */
    nodeLocalDnsAddress?: string | undefined;
}

/** Helm release names, as Istio's own Helm install guide names them. */
const RELEASES = { base: "istio-base", istiod: "istiod" } as const;

/**
 * The Istio control plane from its official Helm charts, in the "minimal" shape: the `base` chart
 * (CRDs, default validating webhook) and the `istiod` chart, no ingress gateway. Installed in order:
 * namespace, then base, then istiod. A resource that `dependsOn` this component waits for istiod to be
 * ready (Pulumi awaits the rendered Deployment) and for its webhooks to carry their CA bundle, so they
 * can be called.
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

        const namespace = meshNamespace(`${name}-namespace`, args.namespace, this);

        // The namespace is passed as a plain string (ordering comes from dependsOn): an unknown input
        // would make `pulumi preview` show the chart without its objects.
        const base = new helm.Chart(
            `${name}-base`,
            {
                ...chartSource(istioChart("base", args.version)),
                name: RELEASES.base,
                namespace: args.namespace,
                values: baseChartValues(args.namespace),
            },
            { parent: this, dependsOn: [namespace, ...args.gates], transforms: [retainAndAdoptCustomResourceDefinitions(args.retainedProvider)] },
        );

        const istiod = new helm.Chart(
            `${name}-istiod`,
            {
                ...chartSource(istioChart("istiod", args.version)),
                name: RELEASES.istiod,
                namespace: args.namespace,
                values: istiodChartValues({
                    istioNamespace: args.namespace,
                    scaling: args.istiod,
                    proxyResources: args.proxyResources,
                    placement: args.placement,
                    outboundTrafficPolicy: args.outboundTrafficPolicy,
                    nodeLocalDnsAddress: args.nodeLocalDnsAddress,
                }),
            },
            // Ready once istiod has written its webhooks' CA bundle, so that what follows is not refused.
            { parent: this, dependsOn: [base, ...args.gates], transforms: [waitForWebhookCaBundles()] },
        );

        // The mesh-wide default, in the root namespace, once istiod's validating webhook serves.
        new apiextensions.CustomResource(
            `${name}-mesh-mtls`,
            { ...peerAuthentication(args.namespace, args.mtlsMode) },
            { parent: this, dependsOn: [istiod] },
        );

        this.namespace = namespace.metadata.name;
        this.version = pulumi.output(args.version);
        this.istiodHost = this.namespace.apply((namespace) => clusterHost("istiod", namespace));
        this.registerOutputs({ namespace: this.namespace, version: this.version, istiodHost: this.istiodHost });
    }
}
