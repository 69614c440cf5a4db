/**
 * The Helm values meshstack gives each Istio chart, built by pure functions from resolved config.
 * Each chart has a local interface holding only the keys meshstack sets: a misspelt key is a type
 * error here instead of a value Helm silently ignores. Key paths were checked against the Istio 1.31
 * charts' values (`base`, `istiod`, `gateway`).
 */
import { PodPlacement, spreadAcrossNodes, spreadEachAcrossNodes, Toleration, TopologySpreadConstraint } from "./placement";
import { ResourceRequirements } from "./quantity";
import type { WorkloadScaling } from "../model/istio";
import type { ClusterSettings, MeshIstioArgs, MeshSecurityArgs } from "../model";
import { AMBIENT_PROFILE, WAYPOINT_POD_LABEL } from "./ambient";
export type { WorkloadScaling } from "../model/istio";

/** What the scaling settings imply: an autoscaler when it has room to scale, a PDB when one pod may go. */
export interface ScalingPlan {
    /** A HorizontalPodAutoscaler is installed (`maxReplicas > replicas`). */
    autoscale: boolean;
    /**
     * A PodDisruptionBudget ({@link DRAIN_SAFE_BUDGET}) is installed. Only with two or more replicas: with one, the
     * budget would block every node drain.
     */
    disruptionBudget: boolean;
}

/** The autoscaler and disruption budget that `scaling` calls for. */
export function scalingPlan(scaling: WorkloadScaling): ScalingPlan {
    return {
        autoscale: scaling.maxReplicas > scaling.replicas,
        disruptionBudget: scaling.replicas >= 2,
    };
}

/**
 * The validating webhook's failure policy, rendered as `Fail` from the start. istiod flips a rendered
 * `Ignore` to `Fail` at run time; Pulumi renders every update as a fresh install and applies it
 * server-side, so a rendered `Ignore` would show as drift or an apply conflict on every update.
 */
export const VALIDATION_FAILURE_POLICY = "Fail";

/** Values of the `base` chart that meshstack sets. */
export interface BaseChartValues {
    global: {
        /** The namespace istiod runs in. */
        istioNamespace: string;
    };
    base: {
        validationFailurePolicy: typeof VALIDATION_FAILURE_POLICY;
    };
}

/** Values for the `base` chart. */
export function baseChartValues(istioNamespace: string): BaseChartValues {
    return {
        global: { istioNamespace },
        base: { validationFailurePolicy: VALIDATION_FAILURE_POLICY },
    };
}

/**
 * The labels of istiod's pods (`app: istiod`, with or without a revision): they select them for
 * spreading, and for the mesh namespaces' network policy (meshed pods reach istiod on 15012).
 */
export const ISTIOD_POD_LABELS: Readonly<Record<string, string>> = { app: "istiod" };

/**
 * The sidecars' outbound capture leaves the NodeLocal DNSCache address alone, when the cluster runs
 * one: DNS over TCP (a truncated answer asked again) goes straight to it. The sidecar captures every
 * outbound TCP connection, and under `REGISTRY_ONLY` one to an address that is no Service of its
 * registry goes to the black hole. (DNS over UDP is not captured; the cluster DNS Service is in every
 * Sidecar's scope, see `sidecarScope`.) `undefined`: nothing to leave alone.
 */
export function uncapturedRanges(nodeLocalDnsAddress: string | undefined): string | undefined {
    return nodeLocalDnsAddress === undefined ? undefined : `${nodeLocalDnsAddress}/32`;
}

/** Values of the `istiod` chart that meshstack sets. */
export interface IstiodChartValues {
    global: {
        istioNamespace: string;
        /** The istiod Deployment's priority class (the only path the chart reads for it). */
        priorityClassName: string;
        /**
         * Sidecar (istio-proxy) settings for every injected pod in the mesh: its resources, and the
         * outbound addresses its iptables rules leave alone (see {@link uncapturedRanges}).
         */
        proxy: { resources: ResourceRequirements; excludeIPRanges?: string };
        defaultPodDisruptionBudget: { enabled: boolean };
        /** (Ambient) the waypoints istiod deploys: their size and, like every mesh pod, the pool. */
        waypoint?: {
            resources: ResourceRequirements;
            nodeSelector: Record<string, string>;
            tolerations: Toleration[];
            topologySpreadConstraints: TopologySpreadConstraint[];
        };
    };
    base: {
        validationFailurePolicy: typeof VALIDATION_FAILURE_POLICY;
    };
    replicaCount: number;
    autoscaleEnabled: boolean;
    autoscaleMin: number;
    autoscaleMax: number;
    resources: ResourceRequirements;
    pdb: DisruptionBudget;
    nodeSelector: Record<string, string>;
    tolerations: Toleration[];
    topologySpreadConstraints: TopologySpreadConstraint[];
    /** Merged over the chart's mesh config (the `istio` ConfigMap's `mesh` key). */
    meshConfig: { outboundTrafficPolicy: { mode: "REGISTRY_ONLY" | "ALLOW_ANY" } };
    /**
     * `ambient` when some namespace runs ambient (files/profile-ambient.yaml, merged under these values):
     * istiod serves ztunnel (`PILOT_ENABLE_AMBIENT`) and the sidecars speak HBONE to ambient pods.
     */
    profile?: typeof AMBIENT_PROFILE;
}

/** Inputs of {@link istiodChartValues}: the resolved settings it reads, and where istiod runs. */
export interface IstiodValuesInput {
    /** `meshstack:istio`: its namespace, istiod's scaling, the sidecar proxy's and the waypoints' resources. */
    istio: Pick<MeshIstioArgs, "namespace" | "istiod" | "proxy" | "waypoint">;
    /** Some namespace runs ambient. */
    ambient: boolean;
    /** `meshstack:mesh`'s outbound traffic policy. */
    outboundTrafficPolicy: MeshSecurityArgs["outboundTrafficPolicy"];
    /** `meshstack:cluster`'s NodeLocal DNSCache address. */
    nodeLocalDnsAddress: ClusterSettings["nodeLocalDnsAddress"];
    /** Where istiod's pods run. */
    placement: PodPlacement;
}

/** The PodDisruptionBudget spec fields meshstack sets on istiod and the egress gateway. */
export interface DisruptionBudget {
    maxUnavailable: number;
    unhealthyPodEvictionPolicy: "AlwaysAllow";
}

/**
 * A budget that lets a node drain however far the autoscaler has scaled out: one pod goes at a time
 * (`maxUnavailable: 1`, where `minAvailable: 1` would let all but one go at once), and a pod that is not
 * Ready (crash-looping, stuck) may always be evicted, so it never blocks a drain. The istiod chart renders
 * `pdb.maxUnavailable` once the key is set (its default `minAvailable` is then ignored); the gateway chart
 * copies `podDisruptionBudget` into the spec as it is.
 */
export const DRAIN_SAFE_BUDGET: DisruptionBudget = { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" };

/** Values for the `istiod` chart. */
export function istiodChartValues(input: IstiodValuesInput): IstiodChartValues {
    const scaling = input.istio.istiod;
    const plan = scalingPlan(scaling);
    return {
        global: {
            istioNamespace: input.istio.namespace,
            priorityClassName: input.placement.priorityClassName,
            proxy: {
                resources: input.istio.proxy.resources,
                ...(input.nodeLocalDnsAddress === undefined ? {} : { excludeIPRanges: uncapturedRanges(input.nodeLocalDnsAddress) }),
            },
            defaultPodDisruptionBudget: { enabled: plan.disruptionBudget },
            ...(input.ambient
                ? {
                      waypoint: {
                          resources: input.istio.waypoint.resources,
                          nodeSelector: input.placement.nodeSelector,
                          tolerations: input.placement.tolerations,
                          // Istio labels a waypoint's pods with its Gateway's name: each waypoint spread on its own.
                          topologySpreadConstraints: spreadEachAcrossNodes(WAYPOINT_POD_LABEL),
                      },
                  }
                : {}),
        },
        base: { validationFailurePolicy: VALIDATION_FAILURE_POLICY },
        replicaCount: scaling.replicas,
        autoscaleEnabled: plan.autoscale,
        autoscaleMin: scaling.replicas,
        autoscaleMax: scaling.maxReplicas,
        resources: scaling.resources,
        pdb: DRAIN_SAFE_BUDGET,
        nodeSelector: input.placement.nodeSelector,
        tolerations: input.placement.tolerations,
        topologySpreadConstraints: spreadAcrossNodes({ ...ISTIOD_POD_LABELS }),
        meshConfig: { outboundTrafficPolicy: { mode: input.outboundTrafficPolicy } },
        ...(input.ambient ? { profile: AMBIENT_PROFILE } : {}),
    };
}

/** The `istio` label of the egress gateway pods: the selector of every Gateway bound to it. */
export const EGRESS_GATEWAY_LABEL = "egressgateway";

/** Values of the `gateway` chart that meshstack sets. */
export interface GatewayChartValues {
    replicaCount: number;
    autoscaling: { enabled: boolean; minReplicas: number; maxReplicas: number };
    resources: ResourceRequirements;
    service: { type: "ClusterIP" };
    labels: { istio: typeof EGRESS_GATEWAY_LABEL };
    /** `{}` renders no budget; the chart also renders none for fewer than two replicas. */
    podDisruptionBudget: DisruptionBudget | Record<string, never>;
    nodeSelector: Record<string, string>;
    tolerations: Toleration[];
    topologySpreadConstraints: TopologySpreadConstraint[];
    priorityClassName: string;
}

/** The release name of the egress gateway: its Deployment, Service, ServiceAccount and `app` label. */
export const EGRESS_GATEWAY_RELEASE = "istio-egressgateway";

/**
 * Values for the `gateway` chart as an egress gateway: reachable only inside the cluster (a ClusterIP
 * Service, never a LoadBalancer), labelled `istio: egressgateway`.
 */
export function egressGatewayChartValues(scaling: WorkloadScaling, placement: PodPlacement): GatewayChartValues {
    const plan = scalingPlan(scaling);
    return {
        replicaCount: scaling.replicas,
        autoscaling: { enabled: plan.autoscale, minReplicas: scaling.replicas, maxReplicas: scaling.maxReplicas },
        resources: scaling.resources,
        service: { type: "ClusterIP" },
        labels: { istio: EGRESS_GATEWAY_LABEL },
        podDisruptionBudget: plan.disruptionBudget ? DRAIN_SAFE_BUDGET : {},
        nodeSelector: placement.nodeSelector,
        tolerations: placement.tolerations,
        topologySpreadConstraints: spreadAcrossNodes({ app: EGRESS_GATEWAY_RELEASE, istio: EGRESS_GATEWAY_LABEL }),
        priorityClassName: placement.priorityClassName,
    };
}
