import * as batchv1 from "@pulumi/kubernetes/batch/v1";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as rbacv1 from "@pulumi/kubernetes/rbac/v1";
import * as schedulingv1 from "@pulumi/kubernetes/scheduling/v1";
import * as storagev1 from "@pulumi/kubernetes/storage/v1";
import * as pulumi from "@pulumi/pulumi";
import { LocalVolumeRequest } from "../lib/local-volume";
import { meshNamespace } from "./namespace";
import { LocalVolume } from "./local-volume";
import { PART_OF, PRIVILEGED_NAMESPACE } from "../lib/objects";
import {
    MESH_PRIORITY,
    MESH_PRIORITY_CLASS,
    PodPlacement,
    poolNodeLabels,
    poolPlacement,
    Toleration,
    tolerationsOf,
} from "../lib/placement";
import {
    PREFLIGHT_ACCOUNT,
    PREFLIGHT_CONFIG_MAP,
    PREFLIGHT_NAMESPACE,
    gatesHash,
    preflightDeadlineSeconds,
    preflightJob,
    preflightJobName,
    preflightQuorumJob,
    preflightJobRules,
    preflightNodeRules,
    preflightScripts,
    scriptHash,
} from "../lib/preflight";
import type { NodePoolSettings } from "../model/node-pool";

/** Arguments of {@link NodePool}: the resolved settings of the pool. */
export interface NodePoolArgs extends NodePoolSettings {
    /**
     * How many nodes must pass their gate before {@link NodePool.ready} lets the mesh in: one per
     * replica of the most replicated mesh workload, at most the pool (`requiredPassedNodes`). Unused
     * without gates.
     */
    requiredPassedNodes: number;
    /**
     * Local volumes to declare on pool nodes' NVMe disks (with the `kubernetes.io/no-provisioner`
     * class), e.g. Prometheus's; may be empty.
     */
    localVolumes: LocalVolumeRequest[];
}

/**
 * The node pool the mesh runs on: labels (and optional taints) on existing nodes, the NVMe StorageClass,
 * the mesh's PriorityClass, and, unless switched off, one pre-flight gate Job per node and a quorum Job.
 * A gate records its verdict on its node, and only `passed` nodes are in {@link NodePool.placement}: a
 * noisy node keeps only itself out. Depend on {@link NodePool.ready} to install nothing of the mesh
 * before the pool is labelled and enough nodes have passed.
 */
export class NodePool extends pulumi.ComponentResource {
    /** Where every meshstack pod goes: node selector, tolerations, priority class. Plain values. */
    public readonly placement: PodPlacement;
    /**
     * What must exist before any mesh pod is created: the PriorityClass, the node labels (and taints)
     * and, unless switched off, the quorum Job, which completes once enough nodes passed their gate.
     */
    public readonly ready: pulumi.Resource[];
    /** The pool's node names. */
    public readonly nodeNames: pulumi.Output<string[]>;
    /** The NVMe StorageClass's name. */
    public readonly storageClassName: pulumi.Output<string>;
    /** Each requested local volume, by its name: depend on it before the claim's pod starts. */
    public readonly localVolumes: ReadonlyMap<string, LocalVolume>;

    constructor(name: string, args: NodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshstack:pool:NodePool", name, {}, opts);

        const labels = poolNodeLabels(args.name);
        const taints = args.taints.map((taint) => ({ ...taint }));
        const existing: corev1.Node[] = [];
        const nodes = args.nodes.map((node) => {
            // A read first: a patch (server-side apply) of a node that does not exist would create a
            // phantom Node object; the read fails the preview instead, naming the node.
            const read = corev1.Node.get(`${name}-node-${node.name}-existing`, node.name, { parent: this });
            existing.push(read);
            return new corev1.NodePatch(
                `${name}-node-${node.name}`,
                {
                    metadata: { name: node.name, labels },
                    ...(taints.length > 0 ? { spec: { taints } } : {}),
                },
                { parent: this, dependsOn: [read] },
            );
        });

        const storageClass = new storagev1.StorageClass(
            `${name}-nvme`,
            {
                metadata: { name: args.storageClass.name, labels: { ...PART_OF } },
                provisioner: args.storageClass.provisioner,
                volumeBindingMode: "WaitForFirstConsumer",
                reclaimPolicy: "Retain",
                allowVolumeExpansion: false,
            },
            { parent: this },
        );

        const priorityClass = new schedulingv1.PriorityClass(
            `${name}-priority`,
            {
                metadata: { name: MESH_PRIORITY_CLASS, labels: { ...PART_OF } },
                value: MESH_PRIORITY,
                globalDefault: false,
                preemptionPolicy: "PreemptLowerPriority",
                description: "meshstack's mesh infrastructure (istiod, gateways, addons): above application pods.",
            },
            { parent: this },
        );

        // One privileged namespace for the Jobs that work on the nodes themselves (hostPath): the gates
        // and the local volumes' folders.
        const nodeJobs =
            args.preflight.enabled || args.localVolumes.length > 0
                ? // The baseline and restricted Pod Security levels forbid any hostPath.
                  meshNamespace(`${name}-preflight-namespace`, PREFLIGHT_NAMESPACE, this, PRIVILEGED_NAMESPACE)
                : undefined;

        this.ready = [priorityClass, ...nodes];
        if (nodeJobs !== undefined && args.preflight.enabled) {
            this.ready.push(this.gates(name, args, nodeJobs, existing, tolerationsOf(taints)));
        }
        this.localVolumes = new Map(
            args.localVolumes.map((request) => {
                const node = args.nodes.find((candidate) => candidate.name === request.node);
                if (node === undefined || nodeJobs === undefined) {
                    throw new Error(`local volume ${request.name}: ${request.node} is not a pool node`);
                }
                const volume = new LocalVolume(
                    `${name}-volume-${request.name}`,
                    {
                        request,
                        nvmeMountPath: node.nvmeMountPath,
                        storageClass: args.storageClass.name,
                        jobNamespace: PREFLIGHT_NAMESPACE,
                        tolerations: tolerationsOf(taints),
                        after: [nodeJobs, storageClass],
                    },
                    { parent: this },
                );
                return [request.name, volume];
            }),
        );

        this.placement = poolPlacement(args.name, taints, args.preflight.enabled);
        this.nodeNames = pulumi.output(args.nodes.map((node) => node.name));
        this.storageClassName = storageClass.metadata.name;
        this.registerOutputs({ nodeNames: this.nodeNames, storageClassName: this.storageClassName, placement: this.placement });
    }

    /**
     * The gates: their script, their service account (it may read and patch the pool's nodes, and read
     * the gates' Jobs, by name), one Job per node, and the quorum Job, which is returned: it completes
     * once enough nodes passed.
     */
    private gates(name: string, args: NodePoolArgs, namespace: corev1.Namespace, existing: corev1.Node[], tolerations: Toleration[]): batchv1.Job {
        const scripts = preflightScripts();
        const nodeNames = args.nodes.map((node) => node.name);
        const configMap = new corev1.ConfigMap(
            `${name}-preflight-script`,
            {
                metadata: { name: PREFLIGHT_CONFIG_MAP, namespace: PREFLIGHT_NAMESPACE, labels: { ...PART_OF } },
                data: scripts,
            },
            { parent: this, dependsOn: [namespace] },
        );
        const account = new corev1.ServiceAccount(
            `${name}-preflight-account`,
            { metadata: { name: PREFLIGHT_ACCOUNT, namespace: PREFLIGHT_NAMESPACE, labels: { ...PART_OF } } },
            { parent: this, dependsOn: [namespace] },
        );
        const role = new rbacv1.ClusterRole(
            `${name}-preflight-role`,
            { metadata: { name: PREFLIGHT_ACCOUNT, labels: { ...PART_OF } }, rules: preflightNodeRules(nodeNames) },
            { parent: this },
        );
        const subjects = [{ kind: "ServiceAccount", name: PREFLIGHT_ACCOUNT, namespace: PREFLIGHT_NAMESPACE }];
        const binding = new rbacv1.ClusterRoleBinding(
            `${name}-preflight-binding`,
            {
                metadata: { name: PREFLIGHT_ACCOUNT, labels: { ...PART_OF } },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: PREFLIGHT_ACCOUNT },
                subjects,
            },
            { parent: this, dependsOn: [account, role] },
        );
        const jobsRole = new rbacv1.Role(
            `${name}-preflight-jobs-role`,
            { metadata: { name: PREFLIGHT_ACCOUNT, namespace: PREFLIGHT_NAMESPACE, labels: { ...PART_OF } }, rules: preflightJobRules(nodeNames) },
            { parent: this, dependsOn: [namespace] },
        );
        const jobsBinding = new rbacv1.RoleBinding(
            `${name}-preflight-jobs-binding`,
            {
                metadata: { name: PREFLIGHT_ACCOUNT, namespace: PREFLIGHT_NAMESPACE, labels: { ...PART_OF } },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: PREFLIGHT_ACCOUNT },
                subjects,
            },
            { parent: this, dependsOn: [account, jobsRole] },
        );
        const jobLabels = { "app.kubernetes.io/name": "meshstack-preflight", ...PART_OF };
        const hash = scriptHash(scripts);
        const specs = args.nodes.map((node) =>
            preflightJob({
                jobName: preflightJobName(node.name),
                nodeName: node.name,
                nvmeMountPath: node.nvmeMountPath,
                scriptConfigMap: PREFLIGHT_CONFIG_MAP,
                scriptHash: hash,
                tolerations,
                limits: args.preflight,
                labels: jobLabels,
            }),
        );
        const gates = args.nodes.map(
            (node, index) =>
                new batchv1.Job(`${name}-preflight-${node.name}`, specs[index], { parent: this, dependsOn: [configMap, binding, existing[index]] }),
        );
        return new batchv1.Job(
            `${name}-preflight-quorum`,
            preflightQuorumJob({
                nodeNames,
                required: args.requiredPassedNodes,
                mustPass: Object.fromEntries(args.localVolumes.map((volume) => [volume.node, `it holds the local volume ${volume.name}`])),
                gateJobs: nodeNames.map(preflightJobName),
                gateDeadlineSeconds: preflightDeadlineSeconds(args.preflight),
                gatesHash: gatesHash(specs),
                scriptConfigMap: PREFLIGHT_CONFIG_MAP,
                scriptHash: hash,
                tolerations,
                runAsUser: args.preflight.runAsUser,
                labels: { ...jobLabels, "app.kubernetes.io/component": "quorum" },
            }),
            { parent: this, dependsOn: [jobsBinding, ...gates] },
        );
    }
}
