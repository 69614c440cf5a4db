import type { PoolTaint } from "../model/node-pool";
export type { PoolTaint } from "../model/node-pool";
/**
 * Where meshstack's pods run: on the node pool (a node selector on the pool's label, tolerations of its
 * taints), spread across its nodes, above application pods in priority. Pure functions; the chart
 * values and Jobs take their placement from here.
 */

/** The label keys meshstack puts on every pool node. */
export const POOL_LABEL = "meshstack.io/pool";
export const CPU_LABEL = "meshstack.io/cpu";
export const DISK_LABEL = "meshstack.io/disk";

/** The name of the PriorityClass of the mesh's own pods (istiod, gateways, addons). */
export const MESH_PRIORITY_CLASS = "meshstack-mesh-critical";

/**
 * Its value: above every application pod (default 0) and below Kubernetes' own system classes
 * (2,000,000,000 and up), so the kubelet and DNS still win.
 */
export const MESH_PRIORITY = 1_000_000;

/** A toleration, as the Kubernetes API takes it. */
export interface Toleration {
    key: string;
    operator: "Equal" | "Exists";
    value?: string;
    effect: PoolTaint["effect"];
}

/** Where a pod of meshstack's goes: the values every chart and Job gets. */
export interface PodPlacement {
    /** Only the pool's nodes. */
    nodeSelector: Record<string, string>;
    /** Each of the pool's taints, tolerated exactly. */
    tolerations: Toleration[];
    /** The mesh's priority class. */
    priorityClassName: string;
}

/** A topology spread constraint, as the Kubernetes API takes it. */
export interface TopologySpreadConstraint {
    maxSkew: number;
    topologyKey: string;
    whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway";
    nodeTaintsPolicy: "Honor" | "Ignore";
    labelSelector: { matchLabels: Record<string, string> } | { matchExpressions: Array<{ key: string; operator: "Exists" }> };
    /** Keys whose value on the incoming pod narrows the selector to the pods that share it (Kubernetes ≥ 1.27). */
    matchLabelKeys?: string[];
}

/** The labels meshstack puts on every node of the pool named `pool`. */
export function poolNodeLabels(pool: string): Record<string, string> {
    return { [POOL_LABEL]: pool, [CPU_LABEL]: "dedicated", [DISK_LABEL]: "nvme" };
}

/** A toleration of exactly each taint (same key, value and effect). */
export function tolerationsOf(taints: readonly PoolTaint[]): Toleration[] {
    return taints.map((taint) =>
        taint.value === undefined
            ? { key: taint.key, operator: "Exists", effect: taint.effect }
            : { key: taint.key, operator: "Equal", value: taint.value, effect: taint.effect },
    );
}

/**
 * The label that admits a pool node once its pre-flight gate passed (the gate writes it on the node,
 * see lib/preflight.ts), and its value.
 */
export const ADMITTED = { label: "meshstack.io/preflight", value: "passed" } as const;

/**
 * The placement of every meshstack pod on the pool named `pool` with `taints`. With `gated`, only the
 * pool's nodes whose pre-flight gate passed: a node is admitted by its verdict, not by its pool label.
 */
export function poolPlacement(pool: string, taints: readonly PoolTaint[], gated: boolean): PodPlacement {
    return {
        nodeSelector: { [POOL_LABEL]: pool, ...(gated ? { [ADMITTED.label]: ADMITTED.value } : {}) },
        tolerations: tolerationsOf(taints),
        priorityClassName: MESH_PRIORITY_CLASS,
    };
}

/**
 * {@link spreadAcrossNodes} for every workload whose pods carry `key`, each spread on its own: the pods
 * with the incoming pod's value of `key` (`matchLabelKeys`). For pods a controller makes from one
 * template for many workloads (istiod's waypoints, told apart by their Gateway's name).
 */
export function spreadEachAcrossNodes(key: string): TopologySpreadConstraint[] {
    return [
        {
            maxSkew: 1,
            topologyKey: "kubernetes.io/hostname",
            whenUnsatisfiable: "DoNotSchedule",
            nodeTaintsPolicy: "Honor",
            labelSelector: { matchExpressions: [{ key, operator: "Exists" }] },
            matchLabelKeys: [key],
        },
    ];
}

/**
 * Replicas of one workload (pods with `matchLabels`) spread one per node before any node gets a
 * second: two replicas on one node would fail together. Nodes that are cordoned or tainted against the
 * pod do not count (`nodeTaintsPolicy: Honor`), so a drain can still move a replica to another node.
 */
export function spreadAcrossNodes(matchLabels: Record<string, string>): TopologySpreadConstraint[] {
    return [
        {
            maxSkew: 1,
            topologyKey: "kubernetes.io/hostname",
            whenUnsatisfiable: "DoNotSchedule",
            nodeTaintsPolicy: "Honor",
            labelSelector: { matchLabels },
        },
    ];
}
