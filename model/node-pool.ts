/** The resolved `meshstack:nodePool`: the nodes, their taints, the NVMe StorageClass, the pre-flight gates and the capacity budget. Plain types: no zod, no Pulumi. */

/** A taint meshstack puts on the pool's nodes. */
export interface PoolTaint {
    /**
     * The taint's key, e.g. `meshstack.io/pool`.
     * @default none (required)
     */
    key: string;
    /**
     * The taint's value.
     * @default none
     */
    value?: string | undefined;
    /**
     * What the taint does to pods that do not tolerate it.
     * @default none (required)
     */
    effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** The limits a gate applies, and the user it runs as. */
export interface PreflightLimits {
    /**
     * CPU steal above this share (percent) fails the node.
     * @default 2
     */
    maxStealPercent: number;
    /**
     * fdatasync p99 above this (milliseconds) fails the node.
     * @default 10
     */
    maxFsyncP99Ms: number;
    /**
     * Seconds between the two reads of /proc/stat.
     * @default 10
     */
    stealSampleSeconds: number;
    /**
     * Synced writes of 2300 bytes to time.
     * @default 2000
     */
    fsyncWrites: number;
    /**
     * The non-root user the gate runs as.
     * @default 1000
     */
    runAsUser: number;
}

/** The budget settings (`meshstack:nodePool.budget`). */
export interface MeshBudget {
    /**
     * Application pods expected to carry a sidecar.
     * @default 20
     */
    meshedPods: number;
    /**
     * The largest share of the pool's CPU or memory the mesh may request, in percent.
     * @default 30
     */
    maxMeshPercent: number;
}

/** One node of the pool. It exists already (created by the hosting provider, joined by kubeadm or similar). */
export interface PoolNode {
    /**
     * The Kubernetes node name, as `kubectl get nodes` prints it.
     * @default none (required)
     */
    name: string;
    /**
     * Dedicated vCPUs.
     * @default none (required)
     */
    vcpus: number;
    /**
     * Memory, as a Kubernetes quantity.
     * @default none (required)
     */
    memory: string;
    /**
     * Where the node's NVMe disk is mounted.
     * @default "/mnt/nvme"
     */
    nvmeMountPath: string;
}

/** The pool's settings, as `meshstack:nodePool` resolves them (less the budget, which MeshPlatform uses). */
export interface NodePoolSettings {
    /**
     * The pool's name: the value of the `meshstack.io/pool` label on its nodes.
     * @default "mesh"
     */
    name: string;
    /**
     * The pool's nodes.
     * @default none (required; at least 2 with highAvailability)
     */
    nodes: PoolNode[];
    /**
     * Taints put on every pool node; meshstack's pods tolerate exactly these.
     * @default [] (no taints)
     */
    taints: PoolTaint[];
    /**
     * The NVMe StorageClass.
     * @default { name: "meshstack-nvme", provisioner: "kubernetes.io/no-provisioner" }
     */
    storageClass: {
        /**
         * Its name.
         * @default "meshstack-nvme"
         */
        name: string;
        /**
         * Its provisioner.
         * @default "kubernetes.io/no-provisioner" (pre-created local PersistentVolumes)
         */
        provisioner: string;
    };
    /**
     * The pre-flight gates.
     * @default on; steal ≤ 2 % over 10 s, fdatasync p99 ≤ 10 ms over 2000 writes, as uid 1000
     */
    preflight: PreflightSettings;
}

/** Whether the pre-flight gates run, and their limits. */
export interface PreflightSettings extends PreflightLimits {
    /**
     * Run a gate on every node before Istio is installed.
     * @default true (required to be true with highAvailability)
     */
    enabled: boolean;
}

/** The node pool of {@link MeshPlatformArgs}, with the mesh's capacity budget on it. */
export interface MeshNodePoolArgs extends NodePoolSettings {
    /**
     * How much of the pool the mesh may request.
     * @default 20 meshed pods, at most 30 % of the pool
     */
    budget: MeshBudget;
}
