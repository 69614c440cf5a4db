import * as provider from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import { MeshstackOutputs, OUTPUTS_VERSION, ServiceOutput } from "../contract/outputs";
import { ADDONS, addonDemand, addonLocalVolumes, volumesByAddon } from "../lib/addons";
import { meshDemand, meshOverhead } from "../lib/capacity";
import { clusterProviderArgs } from "../lib/providers";
import { EgressGateway } from "./egress-gateway";
import { DATA_PLANES, DataPlane, enrolmentLabels, namespaceDataPlane, usesAmbient } from "../lib/data-plane";
import { egressWaypointPeer, WAYPOINT_NAME } from "../lib/ambient";
import { serviceHost } from "../lib/traffic";
import { sidecarImports } from "../lib/zero-trust";
import { EgressAllowlist } from "./egress-allowlist";
import { IstioControlPlane } from "./istio-control-plane";
import { MeshNamespace } from "./mesh-namespace";
import { MeshService } from "./mesh-service";
import { DemoApp } from "./demo-app";
import { Observability } from "./observability";
import { DEMO_SERVICE } from "../lib/demo";
import { prometheusPeer } from "../lib/addons/prometheus";
import { NodePool } from "./node-pool";
import { requiredPassedNodes } from "../lib/preflight";
import type { MeshPlatformArgs } from "../model/index";

/** Each output of the contract, as the component builds it. */
export type MeshOutputs = { [K in keyof MeshstackOutputs]: pulumi.Output<MeshstackOutputs[K]> };

/**
 * The whole mesh of one environment: the Istio control plane and, once istiod is ready, the egress
 * gateway. Istio custom resources added here must `dependsOn` {@link MeshPlatform.controlPlane}.
 *
 * Every Kubernetes object goes through one of two explicit providers, both children of this component:
 * `<name>-cluster`, which refuses to take over an object that already exists (so a rename without an
 * alias fails instead of deleting a live object), and `<name>-cluster-retained`, which adopts existing
 * objects: Istio's CRDs, retained on delete (adoption is safe there, Pulumi never deletes them), and
 * Prometheus's claim (see lib/providers.ts).
 */
export class MeshPlatform extends pulumi.ComponentResource {
    /** The control plane; depend on it to wait for a ready istiod. */
    public readonly controlPlane: IstioControlPlane;
    /** Every output of the contract (contract/outputs.ts), as the stack exports it. */
    public readonly outputs: MeshOutputs;

    constructor(name: string, args: MeshPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshstack:index:MeshPlatform", name, {}, opts);
        const { istio } = args;
        const cluster = new provider.Provider(`${name}-cluster`, clusterProviderArgs(args.cluster, "refuse"), { parent: this });
        const retained = new provider.Provider(`${name}-cluster-retained`, clusterProviderArgs(args.cluster, "adopt"), { parent: this });

        const { budget, ...poolSettings } = args.nodePool;
        const addonVolumes = addonLocalVolumes(args.observability, istio.namespace, poolSettings);
        const pool = new NodePool(
            `${name}-pool`,
            {
                ...poolSettings,
                requiredPassedNodes: requiredPassedNodes(poolSettings.nodes.length, [istio.istiod.replicas, istio.egressGateway.replicas]),
                localVolumes: [...addonVolumes.values()],
            },
            { parent: this, providers: [cluster] },
        );

        const ambient = usesAmbient(istio.dataPlane, args.mesh.namespaces);
        this.controlPlane = new IstioControlPlane(
            `${name}-istio`,
            {
                istio,
                ambient,
                mesh: args.mesh,
                nodeLocalDnsAddress: args.cluster.nodeLocalDnsAddress,
                retainedProvider: retained,
                placement: pool.placement,
                gates: pool.ready,
            },
            { parent: this, providers: [cluster] },
        );

        const egressNamespace = istio.egressGateway.namespace;
        const egressGateway = new EgressGateway(
            `${name}-egress`,
            { istio, controlPlane: this.controlPlane, placement: pool.placement },
            { parent: this, providers: [cluster] },
        );

        // A mesh namespace that may query Prometheus must also be let out to it.
        const prometheusClients = new Set(args.observability.prometheus.allowFrom.map((source) => source.namespace));
        const imports = sidecarImports(args.mesh.namespaces);
        const namespaces = new Map<string, MeshNamespace>();
        const inNamespace = (namespace: string): pulumi.Resource[] => [namespaces.get(namespace)].filter((entry) => entry !== undefined);
        const planes = new Map(args.mesh.namespaces.map((namespace) => [namespace.name, namespaceDataPlane(namespace, istio.dataPlane)]));
        const planeOf = (namespace: string): DataPlane => planes.get(namespace) ?? DATA_PLANES[istio.dataPlane];
        // In ambient, a namespace with services to route gets a waypoint, which applies their L7.
        const servedNamespaces = new Set(args.services.map((service) => service.namespace));
        const waypointOf = (namespace: string): string | undefined =>
            planeOf(namespace).name === "ambient" && servedNamespaces.has(namespace) ? WAYPOINT_NAME : undefined;
        for (const namespace of args.mesh.namespaces) {
            const component = new MeshNamespace(
                `${name}-ns-${namespace.name}`,
                {
                    ...namespace,
                    dataPlane: planeOf(namespace.name),
                    waypoint: waypointOf(namespace.name) === undefined ? undefined : { replicas: istio.waypoint.replicas },
                    sidecarHosts: [...(imports.get(namespace.name) ?? []), ...namespace.sidecarHosts],
                    mtlsMode: args.mesh.mtlsMode,
                    istioNamespace: istio.namespace,
                    egressNamespace: egressNamespace,
                    egressGatewaySelector: egressGateway.selectorLabels,
                    egressExtra: [
                        ...(prometheusClients.has(namespace.name) ? [prometheusPeer(istio.namespace)] : []),
                        // Ambient pods leave through the egress waypoint, over HBONE.
                        ...(planeOf(namespace.name).name === "ambient" && args.mesh.egress.length > 0 ? [egressWaypointPeer(egressNamespace)] : []),
                    ],
                    dns: { nodeLocalAddress: args.cluster.nodeLocalDnsAddress },
                    controlPlane: this.controlPlane,
                },
                { parent: this, providers: [cluster] },
            );
            namespaces.set(namespace.name, component);
        }
        const serviceRecords: Record<string, ServiceOutput> = Object.fromEntries(
            args.services.map((service) => [
                `${service.namespace}/${service.name}`,
                {
                    host: serviceHost(service),
                    replicas: service.replicas,
                    weights: { ...service.weights },
                    sidecarAnnotations: planeOf(service.namespace).workloadAnnotations(service.sidecar, istio.proxy.resources),
                },
            ]),
        );
        // The demo's pods first: its route waits for them (rollout order: pods, then weight).
        const demo = args.demo.enabled
            ? new DemoApp(
                  `${name}-demo`,
                  {
                      namespace: args.demo.namespace,
                      podAnnotations:
                          serviceRecords[`${args.demo.namespace}/${DEMO_SERVICE.name}`]?.sidecarAnnotations ??
                          planeOf(args.demo.namespace).workloadAnnotations(undefined, istio.proxy.resources),
                      placement: pool.placement,
                      after: [this.controlPlane, ...inNamespace(args.demo.namespace)],
                  },
                  { parent: this, providers: [cluster] },
              )
            : undefined;
        for (const service of args.services) {
            // The demo's route waits for the pods of the versions it sends traffic to.
            const isDemo = service.namespace === args.demo.namespace && service.name === DEMO_SERVICE.name;
            const pods = demo !== undefined && isDemo ? demo.podsServing(service.weights) : [];
            new MeshService(
                `${name}-svc-${service.namespace}-${service.name}`,
                { service, dataPlane: planeOf(service.namespace).name, after: [this.controlPlane, ...inNamespace(service.namespace), ...pods] },
                { parent: this, providers: [cluster] },
            );
        }
        const observability = new Observability(
            `${name}-observability`,
            {
                ...args.observability,
                addons: ADDONS,
                namespace: istio.namespace,
                storageClass: args.nodePool.storageClass.name,
                placement: pool.placement,
                controlPlane: this.controlPlane,
                volumes: volumesByAddon(addonVolumes, pool.localVolumes),
                retainedProvider: retained,
            },
            { parent: this, providers: [cluster] },
        );
        const allowlist = new EgressAllowlist(
            `${name}-egress-allowlist`,
            {
                entries: args.mesh.egress,
                namespace: egressNamespace,
                gatewayHost: egressGateway.hostName,
                gatewaySelector: egressGateway.selectorLabels,
                egressGateway,
                ambient: ambient
                    ? { waypointReplicas: istio.waypoint.replicas, from: args.mesh.namespaces.map((namespace) => namespace.name), meshRoutesNamespace: istio.namespace }
                    : undefined,
            },
            { parent: this, providers: [cluster] },
        );

        this.outputs = {
            outputsVersion: pulumi.output(OUTPUTS_VERSION),
            istioVersion: this.controlPlane.version,
            istioNamespace: this.controlPlane.namespace,
            istiodHost: this.controlPlane.istiodHost,
            egressGatewayNamespace: egressGateway.namespace,
            egressGatewayHost: egressGateway.host,
            egressGatewaySelector: egressGateway.selector,
            poolNodes: pool.nodeNames,
            storageClassName: pool.storageClassName,
            meshNamespaces: pulumi.output(args.mesh.namespaces.map((namespace) => namespace.name)),
            dataPlanes: pulumi.output(
                Object.fromEntries(
                    args.mesh.namespaces.map((namespace) => {
                        const plane = planeOf(namespace.name);
                        const waypoint = waypointOf(namespace.name);
                        return [
                            namespace.name,
                            {
                                dataPlane: plane.name,
                                namespaceLabels: enrolmentLabels(plane, waypoint),
                                podOptOut: { ...plane.podOptOut },
                                ...(waypoint === undefined ? {} : { waypoint }),
                            },
                        ];
                    }),
                ),
            ),
            mtls: pulumi.output({
                mode: args.mesh.mtlsMode,
                exceptions: args.mesh.namespaces.flatMap((namespace) => namespace.mtlsExceptions.map((exception) => ({ namespace: namespace.name, ...exception }))),
            }),
            egress: allowlist.entries.apply((entries) => ({ outboundTrafficPolicy: args.mesh.outboundTrafficPolicy, allowlist: entries })),
            services: pulumi.output(serviceRecords),
            // Picked by name: an addon joins the outputs when the contract names it (a new version).
            observability: pulumi.output({
                prometheusUrl: observability.endpoint("prometheus").url,
                kialiUrl: observability.endpoint("kiali").url,
                portForward: { kiali: observability.endpoint("kiali").portForward, prometheus: observability.endpoint("prometheus").portForward },
            }),
            meshOverhead: pulumi.output(
                meshOverhead(
                    meshDemand(istio, budget.meshedPods, args.services, addonDemand(args.observability), {
                        namespaces: args.mesh.namespaces,
                        nodes: args.nodePool.nodes.length,
                        egressWaypoint: args.mesh.egress.length > 0 ? egressNamespace : undefined,
                    }),
                    args.nodePool.nodes,
                    budget.maxMeshPercent,
                ),
            ),
        };
        this.registerOutputs(this.outputs);
    }
}
