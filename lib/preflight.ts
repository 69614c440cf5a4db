/**
 * The pre-flight gate as Kubernetes objects: the script (shipped verbatim from preflight/preflight.js)
 * and one Job per pool node that runs it there. Pure functions, but for reading the script file.
 */
import type * as inputs from "@pulumi/kubernetes/types/input";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { PREFLIGHT_IMAGE } from "../versions";
import { SIDECAR } from "./data-plane";
import { ADMITTED, Toleration } from "./placement";
import type { PreflightLimits } from "../model/node-pool";

/** The namespace of the gate's Jobs and script. */
export const PREFLIGHT_NAMESPACE = "meshstack-preflight";

/** The key of the script in its ConfigMap, and so its file name in the container: the one the Jobs run. */
export const PREFLIGHT_SCRIPT_KEY = "preflight.js";

/** The script's files, each a key of its ConfigMap: the entry point and the module it requires. */
export const PREFLIGHT_SCRIPT_FILES = [PREFLIGHT_SCRIPT_KEY, "verdicts.js"] as const;

/** Where the script's ConfigMap is mounted in the container. */
const SCRIPT_DIR = "/opt/meshstack";

/** Where the node's test folder is mounted in the container. */
const TEST_DIR = "/nvme";

/** The folder, under a node's NVMe mount, that the gate writes its test file into. */
export const PREFLIGHT_TEST_FOLDER = ".meshstack-preflight";

/** The name of the ConfigMap that holds the script. */
export const PREFLIGHT_CONFIG_MAP = "meshstack-preflight";

/**
 * The node label on which a gate records its verdict (`passed`, `failed` or `error`); the script sets
 * it, and `passed` admits the node (`ADMITTED` in lib/placement.ts).
 */
export const PREFLIGHT_VERDICT_LABEL = ADMITTED.label;

/** The node annotation with the gate's figures, or what stopped it. */
export const PREFLIGHT_RESULT_ANNOTATION = "meshstack.io/preflight-result";

/** The service account, ClusterRole and binding through which the gates write and read verdicts. */
export const PREFLIGHT_ACCOUNT = "meshstack-preflight";

/** The name of the Job that waits for enough passed nodes. */
export const PREFLIGHT_QUORUM_JOB = "preflight-quorum";

/** The pod annotation that carries the script's hash. */
export const SCRIPT_HASH_ANNOTATION = "meshstack.io/preflight-script-sha256";

/** The size of each synced write: etcd's fio guideline (`--bs=2300`). */
export const FSYNC_WRITE_BYTES = 2300;

/** The gate's script files, exactly as the unit tests load them: preflight/ in the project, by name. */
export function preflightScripts(): Record<string, string> {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "preflight", PREFLIGHT_SCRIPT_KEY)) && fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
            return Object.fromEntries(PREFLIGHT_SCRIPT_FILES.map((file) => [file, fs.readFileSync(path.join(dir, "preflight", file), "utf8")]));
        }
        if (path.dirname(dir) === dir) {
            throw new Error(`preflight/${PREFLIGHT_SCRIPT_KEY} not found above ${__dirname}`);
        }
    }
}

/** Inputs of {@link preflightJob}. */
export interface PreflightJobInput {
    /** The Job's name (a DNS label). */
    jobName: string;
    /** The node the Job runs on. */
    nodeName: string;
    /** The node's NVMe mount. */
    nvmeMountPath: string;
    /** The ConfigMap holding the script. */
    scriptConfigMap: string;
    /** The pool's taints, tolerated so a tainted node still runs its gate. */
    tolerations: Toleration[];
    /** The limits. */
    limits: PreflightLimits;
    /** Labels of the Job and its pod. */
    labels: Record<string, string>;
    /** The script's content hash: a new script replaces the Job, so every node is checked again. */
    scriptHash: string;
}

/**
 * How many pool nodes must pass before the mesh is installed: one per replica of the most replicated
 * mesh workload at rest (each replica on a node of its own, as the spread constraint wants), and never
 * more than the pool has. A noisy node beyond that keeps only itself out.
 */
export function requiredPassedNodes(poolSize: number, replicas: readonly number[]): number {
    return Math.min(poolSize, Math.max(1, ...replicas));
}

/**
 * The cluster-wide rights of the gates' service account: read and patch the pool's nodes, by name, and
 * nothing else (a gate writes its verdict on its own node; the quorum reads them, and writes `error`
 * for a gate that did not complete).
 */
export function preflightNodeRules(nodeNames: readonly string[]): inputs.rbac.v1.PolicyRule[] {
    return [{ apiGroups: [""], resources: ["nodes"], resourceNames: [...nodeNames].sort(), verbs: ["get", "patch"] }];
}

/** Its rights in the gates' namespace: read the gates' Jobs, by name (the quorum waits for them). */
export function preflightJobRules(nodeNames: readonly string[]): inputs.rbac.v1.PolicyRule[] {
    return [{ apiGroups: ["batch"], resources: ["jobs"], resourceNames: nodeNames.map(preflightJobName).sort(), verbs: ["get"] }];
}

/**
 * How Pulumi treats a gate's Job: it does not wait for it (the quorum does, and a gate that fails,
 * never starts or runs out of time keeps only its node out instead of failing `pulumi up`), and deletes
 * it in the background, so that a replaced Job's name is free at once for the new one.
 */
const GATE_AWAIT = { "pulumi.com/skipAwait": "true", "pulumi.com/deletionPropagationPolicy": "background" } as const;

/** What differs between the gates' pods. */
interface GatePod {
    tolerations: Toleration[];
    runAsUser: number;
    scriptConfigMap: string;
    env: inputs.core.v1.EnvVar[];
    volumeMounts: inputs.core.v1.VolumeMount[];
    volumes: inputs.core.v1.Volume[];
    nodeName?: string;
}

/** The parts every gate pod shares: the account, the script, the user, the hardened container. */
function gatePodSpec(input: GatePod): inputs.core.v1.PodSpec {
    return {
        // None for the quorum: Pulumi sends no key whose value is undefined, and the scheduler places it.
        nodeName: input.nodeName,
        restartPolicy: "Never",
        // The script stops on SIGTERM; a replaced gate must not measure beside its successor.
        terminationGracePeriodSeconds: 5,
        serviceAccountName: PREFLIGHT_ACCOUNT,
        // The token writes (or, for the quorum, reads) the verdicts: the account may do nothing else.
        automountServiceAccountToken: true,
        tolerations: input.tolerations,
        securityContext: {
            runAsNonRoot: true,
            runAsUser: input.runAsUser,
            runAsGroup: input.runAsUser,
            seccompProfile: { type: "RuntimeDefault" },
        },
        containers: [
            {
                name: "preflight",
                image: PREFLIGHT_IMAGE,
                command: ["node", `${SCRIPT_DIR}/${PREFLIGHT_SCRIPT_KEY}`],
                env: input.env,
                resources: {
                    requests: { cpu: "100m", memory: "64Mi" },
                    limits: { cpu: "500m", memory: "128Mi" },
                },
                securityContext: {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ["ALL"] },
                },
                volumeMounts: [{ name: "script", mountPath: SCRIPT_DIR, readOnly: true }, ...input.volumeMounts],
            },
        ],
        volumes: [{ name: "script", configMap: { name: input.scriptConfigMap } }, ...input.volumes],
    };
}

/**
 * A Job of the gates: no retry (a noisy host must not pass on a second try), a deadline, hashes on the
 * pod (a new script, or for the quorum new gates, replace the Job), replaced on the next `pulumi up`
 * while it has not completed (`pulumi.com/replaceUnready`), plus `annotations`.
 */
function gateJob(
    name: string,
    labels: Record<string, string>,
    podAnnotations: Record<string, string>,
    deadlineSeconds: number,
    annotations: Record<string, string>,
    pod: GatePod,
): inputs.batch.v1.Job {
    return {
        metadata: { name, namespace: PREFLIGHT_NAMESPACE, labels, annotations: { "pulumi.com/replaceUnready": "true", ...annotations } },
        spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: deadlineSeconds,
            template: {
                metadata: { labels: { ...labels, ...SIDECAR.podOptOut }, annotations: podAnnotations },
                spec: gatePodSpec(pod),
            },
        },
    };
}

/** The pod annotation of the quorum that carries the hash of every gate Job it waits for. */
export const GATES_HASH_ANNOTATION = "meshstack.io/preflight-gates-sha256";

/** The sha256 of the gates' Jobs: when one changes, the quorum is replaced and counts again. */
export function gatesHash(gates: readonly inputs.batch.v1.Job[]): string {
    return createHash("sha256").update(JSON.stringify(gates)).digest("hex");
}

/** Inputs of {@link preflightQuorumJob}. */
export interface PreflightQuorumInput {
    /** The pool's node names, in the order the report lists them. */
    nodeNames: readonly string[];
    /** How many must have passed. */
    required: number;
    /** Nodes that must pass whatever the count, each with why (e.g. it holds a local volume). */
    mustPass: Record<string, string>;
    /** The gates' Job names, one per node in the same order: the quorum waits for them. */
    gateJobs: readonly string[];
    /** The longest deadline of a gate's Job. */
    gateDeadlineSeconds: number;
    /** {@link gatesHash} of the gates' Jobs. */
    gatesHash: string;
    /** The ConfigMap holding the script. */
    scriptConfigMap: string;
    /** The script's content hash. */
    scriptHash: string;
    /** The pool's taints, tolerated (the Job may land on a pool node). */
    tolerations: Toleration[];
    /** The user it runs as. */
    runAsUser: number;
    /** Labels of the Job and its pod. */
    labels: Record<string, string>;
}

/**
 * The Job that the control plane waits for. Created beside the gates, it waits until each gate's Job
 * has finished (a gate that failed, or did not finish, is recorded as `error` on its node), then reads
 * the verdicts and completes when at least `required` nodes passed, every node of `mustPass` among
 * them; otherwise it fails, printing each node's verdict and figures, and `pulumi up` stops before
 * Istio. It waits as long as the slowest gate may take, plus a minute; Pulumi waits for it as long
 * (`pulumi.com/timeoutSeconds`). A failed quorum is checked again on the next `pulumi up`
 * (`pulumi.com/replaceUnready`); new gates, nodes, count or script replace it.
 */
export function preflightQuorumJob(input: PreflightQuorumInput): inputs.batch.v1.Job {
    const waitSeconds = input.gateDeadlineSeconds + 60;
    // Its own pod may wait for a node and pull the image first (it has no nodeName).
    const deadline = waitSeconds + 300;
    return gateJob(
        PREFLIGHT_QUORUM_JOB,
        input.labels,
        { [SCRIPT_HASH_ANNOTATION]: input.scriptHash, [GATES_HASH_ANNOTATION]: input.gatesHash },
        deadline,
        { "pulumi.com/timeoutSeconds": String(deadline + 60) },
        {
            tolerations: input.tolerations,
            runAsUser: input.runAsUser,
            scriptConfigMap: input.scriptConfigMap,
            env: [
                { name: "PREFLIGHT_MODE", value: "quorum" },
                { name: "POOL_NODES", value: input.nodeNames.join(",") },
                { name: "GATE_JOBS", value: input.gateJobs.join(",") },
                { name: "GATE_NAMESPACE", value: PREFLIGHT_NAMESPACE },
                { name: "GATE_WAIT_SECONDS", value: String(waitSeconds) },
                { name: "REQUIRED_PASSED", value: String(input.required) },
                { name: "MUST_PASS", value: JSON.stringify(input.mustPass) },
            ],
            volumeMounts: [],
            volumes: [],
        },
    );
}

/** The sha256 of the gate's script files (the JSON of name → content), as the Jobs carry it. */
export function scriptHash(files: Readonly<Record<string, string>>): string {
    return createHash("sha256").update(JSON.stringify(files)).digest("hex");
}

/**
 * The Job's deadline: time to pull the image and start (120 s), the steal window, and every synced
 * write at three times the fsync limit; never under 300 s. A slower node fails its gate by deadline.
 */
export function preflightDeadlineSeconds(limits: PreflightLimits): number {
    const fsyncSeconds = Math.ceil((limits.fsyncWrites * Math.max(limits.maxFsyncP99Ms, 1) * 3) / 1000);
    return Math.max(300, 120 + limits.stealSampleSeconds + fsyncSeconds);
}

/**
 * The Job that runs the gate on one node and records the verdict on it. It completes once the verdict
 * is recorded, pass or fail (a noisy node must not fail `pulumi up` for the rest of the pool): the
 * verdict lives on the node, and {@link preflightQuorumJob} decides whether enough passed. Pinned by
 * node name, non-root, read-only root filesystem, a token that may only patch the pool's nodes, no
 * retry (a noisy host must not pass on a second try), and a deadline. A Job that failed (its verdict
 * could not be written, or it ran out of time) is replaced on the next `pulumi up`
 * (`pulumi.com/replaceUnready`).
 */
export function preflightJob(input: PreflightJobInput): inputs.batch.v1.Job {
    const { limits } = input;
    return gateJob(input.jobName, input.labels, { [SCRIPT_HASH_ANNOTATION]: input.scriptHash }, preflightDeadlineSeconds(limits), GATE_AWAIT, {
        nodeName: input.nodeName,
        tolerations: input.tolerations,
        runAsUser: limits.runAsUser,
        scriptConfigMap: input.scriptConfigMap,
        env: [
            { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
            { name: "MAX_STEAL_PERCENT", value: String(limits.maxStealPercent) },
            { name: "MAX_FSYNC_P99_MS", value: String(limits.maxFsyncP99Ms) },
            { name: "STEAL_SAMPLE_SECONDS", value: String(limits.stealSampleSeconds) },
            { name: "FSYNC_WRITES", value: String(limits.fsyncWrites) },
            { name: "FSYNC_WRITE_BYTES", value: String(FSYNC_WRITE_BYTES) },
            { name: "FSYNC_DIR", value: TEST_DIR },
        ],
        volumeMounts: [{ name: "nvme", mountPath: TEST_DIR }],
        volumes: [
            {
                name: "nvme",
                hostPath: {
                    path: `${input.nvmeMountPath.replace(/\/+$/, "")}/${PREFLIGHT_TEST_FOLDER}`,
                    // A missing folder is made (root-owned, so not writable by the gate): the gate then
                    // records `error` with the reason, instead of a pod that never starts.
                    type: "DirectoryOrCreate",
                },
            },
        ],
    });
}

/**
 * The Job name for a node: `preflight-<node>` when the node name is a DNS label that fits; otherwise
 * (dots, or too long for the 63 characters of a label, where Kubernetes puts Job names) the name with
 * dots as dashes, cut, plus a hash of the full node name, so that `a.b` and `a-b` never share a Job.
 */
export function preflightJobName(nodeName: string): string {
    const name = `preflight-${nodeName}`;
    if (name.length <= 63 && !nodeName.includes(".")) {
        return name;
    }
    const hash = createHash("sha256").update(nodeName).digest("hex").slice(0, 8);
    return `${name.replace(/\./g, "-").slice(0, 54).replace(/-+$/, "")}-${hash}`;
}
