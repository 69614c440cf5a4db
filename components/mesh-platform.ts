import * as provider from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import { addonDemand, meshDemand, MeshOverhead, meshOverhead } from "../lib/capacity";
import { EGRESS_GATEWAY_LABEL, EGRESS_GATEWAY_RELEASE } from "../lib/istio-values";
import { clusterProviderArgs } from "../lib/providers";
import { EgressGateway } from "./egress-gateway";
import { EgressEntry } from "../lib/egress";
import { serviceHost, sidecarAnnotations, sidecarSize } from "../lib/traffic";
import { MtlsException, MtlsMode, sidecarImports } from "../lib/zero-trust";
import { EgressAllowlist } from "./egress-allowlist";
import { IstioControlPlane } from "./istio-control-plane";
import { MeshNamespace } from "./mesh-namespace";
import { MeshService } from "./mesh-service";
import { DemoApp } from "./demo-app";
import { Observability } from "./observability";
import { DEMO_SERVICE } from "../lib/demo";
import { prometheusLocalVolume, prometheusPeer } from "../lib/observability-values";
import { NodePool } from "./node-pool";
import { requiredPassedNodes } from "../lib/preflight";
import type { MeshPlatformArgs } from "../model/index";
export type { MeshPlatformArgs } from "../model/index";
export type { MeshNamespaceSettings, MeshSecurityArgs } from "../model/mesh";
export type { MeshIstioArgs } from "../model/istio";
export type { MeshNodePoolArgs } from "../model/node-pool";

/** One service, as the `services` output lists it. */
export interface ServiceRecord {
    /** The in-cluster host. */
    host: string;
    /** The pods expected to run (all versions). */
    replicas: number;
    /** Percent of requests per version. */
    weights: Record<string, number>;
    /** The pod annotations that size its sidecar (to put on its Deployments' pod templates). */
    sidecarAnnotations: Record<string, string>;
}

/** One PERMISSIVE exception, as the `mtlsExceptions` output lists it for auditors. */
export interface MtlsExceptionRecord extends MtlsException {
    /** The namespace of the workload. */
    namespace: string;
}

/**
 * The whole mesh of one environment: the Istio control plane and, once istiod is ready, the egress
 * gateway. Istio custom resources added here must `dependsOn` {@link MeshPlatform.controlPlane}.
 *
 * Every Kubernetes object goes through one of two explicit providers, both children of this component:
 * `<name>-cluster`, which refuses to take over an object that already exists (so a rename without an
 * alias fails instead of deleting a live object), and `<name>-cluster-retained`, which adopts existing
 * objects and is used only for objects that are retained on delete (Istio's CRDs): there, adoption is
 * safe because Pulumi never deletes them.
 */
export class MeshPlatform extends pulumi.ComponentResource {
    /** The control plane; depend on it to wait for a ready istiod. */
    public readonly controlPlane: IstioControlPlane;
    /** The installed Istio release. */
    public readonly istioVersion: pulumi.Output<string>;
    /** The namespace of istiod. */
    public readonly istioNamespace: pulumi.Output<string>;
    /** The in-cluster host name of istiod. */
    public readonly istiodHost: pulumi.Output<string>;
    /** The namespace of the egress gateway. */
    public readonly egressGatewayNamespace: pulumi.Output<string>;
    /** The in-cluster host name of the egress gateway's Service. */
    public readonly egressGatewayHost: pulumi.Output<string>;
    /** The labels that select the egress gateway pods. */
    public readonly egressGatewaySelector: pulumi.Output<Record<string, string>>;
    /** What the mesh requests of the node pool, against its budget. */
    public readonly meshOverhead: pulumi.Output<MeshOverhead>;
    /** The node pool's node names. */
    public readonly poolNodes: pulumi.Output<string[]>;
    /** The NVMe StorageClass's name. */
    public readonly storageClassName: pulumi.Output<string>;
    /** The application namespaces in the mesh. */
    public readonly meshNamespaces: pulumi.Output<string[]>;
    /** The mesh's mTLS mode and every PERMISSIVE exception with its reason. */
    public readonly mtls: pulumi.Output<{ mode: MtlsMode; exceptions: MtlsExceptionRecord[] }>;
    /** The outbound traffic policy and the external hosts the mesh may reach. */
    public readonly egress: pulumi.Output<{ outboundTrafficPolicy: string; allowlist: EgressEntry[] }>;
    /** Prometheus's and Kiali's in-cluster URLs, and the commands that open them on localhost. */
    public readonly observability: pulumi.Output<{
        prometheusUrl: string;
        kialiUrl: string;
        portForward: { kiali: string; prometheus: string };
    }>;
    /** Per service (`namespace/name`): its host, versions' weights and the sidecar annotations its pods carry. */
    public readonly services: pulumi.Output<Record<string, ServiceRecord>>;

    constructor(name: string, args: MeshPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshstack:index:MeshPlatform", name, {}, opts);
        const { istio } = args;

        const cluster = new provider.Provider(`${name}-cluster`, clusterProviderArgs(args.cluster, "refuse"), {
            parent: this,
        });
        const retained = new provider.Provider(`${name}-cluster-retained`, clusterProviderArgs(args.cluster, "adopt"), {
            parent: this,
        });

        const { budget, ...poolSettings } = args.nodePool;
        const prometheusVolume = prometheusLocalVolume(args.observability.prometheus.persistence, istio.namespace, poolSettings);
        const pool = new NodePool(
            `${name}-pool`,
            {
                ...poolSettings,
                requiredPassedNodes: requiredPassedNodes(poolSettings.nodes.length, [istio.istiod.replicas, istio.egressGateway.replicas]),
                localVolumes: prometheusVolume === undefined ? [] : [prometheusVolume],
            },
            { parent: this, providers: [cluster] },
        );

        this.controlPlane = new IstioControlPlane(
            `${name}-istio`,
            {
                version: istio.version,
                namespace: istio.namespace,
                istiod: istio.istiod,
                proxyResources: istio.proxy.resources,
                retainedProvider: retained,
                placement: pool.placement,
                gates: pool.ready,
                mtlsMode: args.mesh.mtlsMode,
                outboundTrafficPolicy: args.mesh.outboundTrafficPolicy,
                nodeLocalDnsAddress: args.cluster.nodeLocalDnsAddress,
            },
            { parent: this, providers: [cluster] },
        );

        const { namespace: egressNamespace, ...egressScaling } = istio.egressGateway;
        const egressGateway = new EgressGateway(
            `${name}-egress`,
            {
                version: istio.version,
                namespace: egressNamespace,
                scaling: egressScaling,
                controlPlane: this.controlPlane,
                placement: pool.placement,
            },
            { parent: this, providers: [cluster] },
        );

        // A mesh namespace that may query Prometheus must also be let out to it.
        const prometheusClients = args.observability.prometheus.allowFrom.map((source) => source.namespace);
        const namespaces = new Map<string, MeshNamespace>();
        for (const namespace of args.mesh.namespaces) {
            const component = new MeshNamespace(
                `${name}-ns-${namespace.name}`,
                {
                    ...namespace,
                    sidecarHosts: [...sidecarImports(namespace.name, args.mesh.namespaces), ...namespace.sidecarHosts],
                    mtlsMode: args.mesh.mtlsMode,
                    istioNamespace: istio.namespace,
                    egressNamespace: egressNamespace,
                    egressGatewaySelector: { istio: EGRESS_GATEWAY_LABEL },
                    egressExtra: prometheusClients.includes(namespace.name) ? [prometheusPeer(istio.namespace)] : [],
                    dns: { nodeLocalAddress: args.cluster.nodeLocalDnsAddress },
                    controlPlane: this.controlPlane,
                },
                { parent: this, providers: [cluster] },
            );
            namespaces.set(namespace.name, component);
        }
        const serviceRecords: Record<string, ServiceRecord> = Object.fromEntries(
            args.services.map((service) => [
                `${service.namespace}/${service.name}`,
                {
                    host: serviceHost(service),
                    replicas: service.replicas,
                    weights: { ...service.weights },
                    sidecarAnnotations: sidecarAnnotations(sidecarSize(service.sidecar, istio.proxy.resources)),
                },
            ]),
        );
        // The demo's pods first: its route waits for them (rollout order: pods, then weight).
        const demo = args.demo.enabled
            ? new DemoApp(
                  `${name}-demo`,
                  {
                      namespace: args.demo.namespace,
                      sidecarAnnotations:
                          serviceRecords[`${args.demo.namespace}/${DEMO_SERVICE.name}`]?.sidecarAnnotations ??
                          sidecarAnnotations(sidecarSize(undefined, istio.proxy.resources)),
                      placement: pool.placement,
                      after: [this.controlPlane, ...[namespaces.get(args.demo.namespace)].filter((entry) => entry !== undefined)],
                  },
                  { parent: this, providers: [cluster] },
              )
            : undefined;
        for (const service of args.services) {
            // The route takes the traffic settings; replicas and sidecar feed the budget and the output.
            const { replicas, sidecar, ...traffic } = service;
            // The demo's route waits for the pods of each version it sends traffic to; a version at
            // weight 0 may come later.
            const pods =
                demo !== undefined && service.namespace === args.demo.namespace && service.name === DEMO_SERVICE.name
                    ? [...demo.versions].filter(([version]) => (service.weights[version] ?? 0) > 0).map(([, deployment]) => deployment)
                    : [];
            new MeshService(
                `${name}-svc-${service.namespace}-${service.name}`,
                { service: traffic, after: [this.controlPlane, ...[namespaces.get(service.namespace)].filter((entry) => entry !== undefined), ...pods] },
                { parent: this, providers: [cluster] },
            );
        }
        const observability = new Observability(
            `${name}-observability`,
            {
                ...args.observability,
                namespace: istio.namespace,
                storageClass: args.nodePool.storageClass.name,
                placement: pool.placement,
                controlPlane: this.controlPlane,
                volumes: prometheusVolume === undefined ? [] : [...pool.localVolumes.values()],
                retainedProvider: retained,
            },
            { parent: this, providers: [cluster] },
        );
        const allowlist = new EgressAllowlist(
            `${name}-egress-allowlist`,
            {
                entries: args.mesh.egress,
                namespace: egressNamespace,
                gatewayHost: `${EGRESS_GATEWAY_RELEASE}.${egressNamespace}.svc.cluster.local`,
                gatewaySelector: { istio: EGRESS_GATEWAY_LABEL },
                egressGateway,
            },
            { parent: this, providers: [cluster] },
        );

        this.istioVersion = this.controlPlane.version;
        this.istioNamespace = this.controlPlane.namespace;
        this.istiodHost = this.controlPlane.istiodHost;
        this.egressGatewayNamespace = egressGateway.namespace;
        this.egressGatewayHost = egressGateway.host;
        this.egressGatewaySelector = egressGateway.selector;
        this.meshOverhead = pulumi.output(
            meshOverhead(
                meshDemand(istio, budget.meshedPods, args.services, addonDemand(args.observability)),
                args.nodePool.nodes,
                budget.maxMeshPercent,
            ),
        );
        this.poolNodes = pool.nodeNames;
        this.meshNamespaces = pulumi.output(args.mesh.namespaces.map((namespace) => namespace.name));
        this.mtls = pulumi.output({
            mode: args.mesh.mtlsMode,
            exceptions: args.mesh.namespaces.flatMap((namespace) =>
                namespace.mtlsExceptions.map((exception) => ({ namespace: namespace.name, ...exception })),
            ),
        });
        this.services = pulumi.output(serviceRecords);
        this.observability = pulumi.all([observability.prometheusUrl, observability.kialiUrl, observability.portForward]).apply(
            ([prometheusUrl, kialiUrl, portForward]) => ({ prometheusUrl, kialiUrl, portForward }),
        );
        this.egress = allowlist.entries.apply((entries) => ({
            outboundTrafficPolicy: args.mesh.outboundTrafficPolicy,
            allowlist: entries,
        }));
        this.storageClassName = pool.storageClassName;
        this.registerOutputs({
            istioVersion: this.istioVersion,
            istioNamespace: this.istioNamespace,
            istiodHost: this.istiodHost,
            egressGatewayNamespace: this.egressGatewayNamespace,
            egressGatewayHost: this.egressGatewayHost,
            egressGatewaySelector: this.egressGatewaySelector,
            meshOverhead: this.meshOverhead,
            poolNodes: this.poolNodes,
            storageClassName: this.storageClassName,
            meshNamespaces: this.meshNamespaces,
            mtls: this.mtls,
            egress: this.egress,
            services: this.services,
            observability: this.observability,
        });
    }
}
