import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as helm from "@pulumi/kubernetes/helm/v4";
import * as networkingv1 from "@pulumi/kubernetes/networking/v1";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { addonUrl, portForwardCommand } from "../lib/addons";
import { KIALI, KIALI_SIGNING_KEY_SECRET, kialiChartValues } from "../lib/addons/kiali";
import { PROMETHEUS, prometheusChartValues, prometheusIngress } from "../lib/addons/prometheus";
import { localVolumeClaim } from "../lib/local-volume";
import { PodPlacement } from "../lib/placement";
import { PART_OF } from "../lib/objects";
import { chartSource } from "../versions";
import type { ObservabilitySettings } from "../model/observability";
export type { ObservabilitySettings } from "../model/observability";

/** Arguments of {@link Observability}. */
export interface ObservabilityArgs extends ObservabilitySettings {
    /**
     * The namespace of both (istiod's: Istio's addons live there, and the guides open Kiali there).
     * @default "istio-system"
     */
    namespace: string;
    /**
     * The StorageClass of Prometheus's volume when none is set: the node pool's NVMe class.
     * @default "meshstack-nvme"
     */
    storageClass: string;
    /**
     * Where the pods run (the node pool).
     * @default none (required)
     */
    placement: PodPlacement;
    /**
     * The local volumes Prometheus's claim binds to (declared by the node pool), to wait for.
     * @default none (required; empty when the StorageClass provisions volumes itself, or without persistence)
     */
    volumes: pulumi.Resource[];
    /**
     * The provider that adopts existing objects: Prometheus's claim stays with it (see
     * `localVolumeClaim` in lib/local-volume.ts).
     * @default none (required)
     */
    retainedProvider: pulumi.ProviderResource;
    /**
     * The ready control plane.
     * @default none (required)
     */
    controlPlane: pulumi.Resource;
}

/**
 * Prometheus and Kiali from their official charts, wired to each other and to the mesh, outside the
 * mesh themselves, on the node pool.
 */
export class Observability extends pulumi.ComponentResource {
    /** Prometheus's in-cluster URL. */
    public readonly prometheusUrl: pulumi.Output<string>;
    /** Kiali's in-cluster URL. */
    public readonly kialiUrl: pulumi.Output<string>;
    /** The commands that open each on localhost. */
    public readonly portForward: pulumi.Output<{ kiali: string; prometheus: string }>;

    constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshstack:observability:Observability", name, {}, opts);
        const after = { parent: this, dependsOn: [args.controlPlane] };

        new helm.Chart(
            `${name}-prometheus`,
            {
                ...chartSource(PROMETHEUS.chart),
                name: PROMETHEUS.release,
                namespace: args.namespace,
                values: prometheusChartValues(args.prometheus, args.storageClass, args.placement),
            },
            {
                parent: this,
                dependsOn: [args.controlPlane, ...args.volumes],
                transforms: [localVolumeClaim(args.retainedProvider, args.volumes.length > 0)],
            },
        );

        new networkingv1.NetworkPolicy(`${name}-prometheus-ingress`, prometheusIngress(args.namespace, args.prometheus.allowFrom), after);

        // A stable signing key: left empty, the chart draws a new one at every render, which Pulumi shows
        // as a change on every preview and which restarts Kiali on every `pulumi up`.
        const signingKey = new random.RandomPassword(`${name}-kiali-signing-key`, { length: 32, special: false }, { parent: this });
        const secret = new corev1.Secret(
            `${name}-kiali-signing-key-secret`,
            {
                metadata: { name: KIALI_SIGNING_KEY_SECRET.name, namespace: args.namespace, labels: { ...PART_OF } },
                type: "Opaque",
                stringData: { [KIALI_SIGNING_KEY_SECRET.key]: signingKey.result },
            },
            after,
        );
        new helm.Chart(
            `${name}-kiali`,
            {
                ...chartSource(KIALI.chart),
                name: KIALI.release,
                namespace: args.namespace,
                values: kialiChartValues(args.kiali, args.namespace, args.placement),
            },
            { parent: this, dependsOn: [args.controlPlane, secret] },
        );

        this.prometheusUrl = pulumi.output(addonUrl(PROMETHEUS, args.namespace));
        this.kialiUrl = pulumi.output(addonUrl(KIALI, args.namespace));
        this.portForward = pulumi.output({ kiali: portForwardCommand(KIALI, args.namespace), prometheus: portForwardCommand(PROMETHEUS, args.namespace) });
        this.registerOutputs({ prometheusUrl: this.prometheusUrl, kialiUrl: this.kialiUrl, portForward: this.portForward });
    }
}
