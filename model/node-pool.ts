/** The resolved `meshstack:nodePool`: the nodes, their taints, the NVMe StorageClass, the pre-flight gates and the capacity budget. Plain types: no zod, no Pulumi. */

/** A taint meshstack puts on the pool's nodes. */
export interface PoolTaint {
    /** The taint's key, e.g. `meshstack.io/pool`. */
    key: string;
    /**
     * The taint's value.
     * @default none
     */
    value?: string | undefined;
    /** What the taint does to pods that do not tolerate it. */
    effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** The limits a gate applies, and the user it runs as. */
export interface PreflightLimits {
    /** CPU steal above this share (percent) fails the node. */
    maxStealPercent: number;
    /** fdatasync p99 above this (milliseconds) fails the node. */
    maxFsyncP99Ms: number;
    /** Seconds between the two reads of /proc/stat. */
    stealSampleSeconds: number;
    /** Synced writes of 2300 bytes to time. */
    fsyncWrites: number;
    /** The non-root user the gate runs as. */
    runAsUser: number;
}

/** The budget settings (`meshstack:nodePool.budget`). */
export interface MeshBudget {
    /** Application pods expected to carry a sidecar. */
    meshedPods: number;
    /** The largest share of the pool's CPU or memory the mesh may request, in percent. */
    maxMeshPercent: number;
}

/** One node of the pool. It exists already (created by the hosting provider, joined by kubeadm or similar). */
export interface PoolNode {
    /** The Kubernetes node name, as `kubectl get nodes` prints it. */
    name: string;
    /** Dedicated vCPUs. */
    vcpus: number;
    /** Memory, as a Kubernetes quantity. */
    memory: string;
    /** Where the node's NVMe disk is mounted. */
    nvmeMountPath: string;
}

/** The pool's settings, as `meshstack:nodePool` resolves them (less the budget, which MeshPlatform uses). */
export interface NodePoolSettings {
    /** The pool's name: the value of the `meshstack.io/pool` label on its nodes. */
    name: string;
    /** The pool's nodes. */
    nodes: PoolNode[];
    /** Taints put on every pool node; meshstack's pods tolerate exactly these. */
    taints: PoolTaint[];
    /** The NVMe StorageClass. */
    storageClass: {
        /** Its name. */
        name: string;
        /** Its provisioner. */
        provisioner: string;
    };
    /** The pre-flight gates. */
    preflight: PreflightSettings;
}

/** Whether the pre-flight gates run, and their limits. */
export interface PreflightSettings extends PreflightLimits {
    /** Run a gate on every node before Istio is installed. */
    enabled: boolean;
}

/** The node pool of {@link MeshPlatformArgs}, with the mesh's capacity budget on it. */
export interface MeshNodePoolArgs extends NodePoolSettings {
    /** How much of the pool the mesh may request. */
    budget: MeshBudget;
}
