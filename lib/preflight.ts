/**
 * The pre-flight gate as Kubernetes objects: the script (shipped verbatim from preflight/preflight.js)
 * and one Job per pool node that runs it there. Pure functions, but for reading the script file.
 */
import type * as inputs from "@pulumi/kubernetes/types/input";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { PREFLIGHT_IMAGE } from "../versions";
import { Toleration } from "./placement";

/** The namespace of the gate's Jobs and script. */
export const PREFLIGHT_NAMESPACE = "meshstack-preflight";

/** The key of the script in its ConfigMap, and so its file name in the container. */
export const PREFLIGHT_SCRIPT_KEY = "preflight.js";

/** Where the script's ConfigMap is mounted in the container. */
const SCRIPT_DIR = "/opt/meshstack";

/** Where the node's test folder is mounted in the container. */
const TEST_DIR = "/nvme";

/** The folder, under a node's NVMe mount, that the gate writes its test file into. */
export const PREFLIGHT_TEST_FOLDER = ".meshstack-preflight";

/** The name of the ConfigMap that holds the script. */
export const PREFLIGHT_CONFIG_MAP = "meshstack-preflight";

/** The pod annotation that carries the script's hash. */
export const SCRIPT_HASH_ANNOTATION = "meshstack.io/preflight-script-sha256";

/** The size of each synced write: etcd's fio guideline (`--bs=2300`). */
export const FSYNC_WRITE_BYTES = 2300;

/** The gate's script, exactly as the unit tests load it: preflight/preflight.js in the project. */
export function preflightScript(): string {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "preflight", PREFLIGHT_SCRIPT_KEY);
        if (fs.existsSync(file) && fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
            return fs.readFileSync(file, "utf8");
        }
        if (path.dirname(dir) === dir) {
            throw new Error(`preflight/${PREFLIGHT_SCRIPT_KEY} not found above ${__dirname}`);
        }
    }
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

/** The sha256 of the gate's script, as the Jobs carry it. */
export function scriptHash(script: string): string {
    return createHash("sha256").update(script).digest("hex");
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
 * The Job that runs the gate on one node. It fails (and so `pulumi up` stops) when the node fails a
 * limit. Pinned by node name, non-root, read-only root filesystem, no service account token, no retry
 * (a noisy host must not pass on a second try), and a deadline. A failed Job is replaced on the next
 * `pulumi up` (`pulumi.com/replaceUnready`), so a fixed node is checked again instead of Pulumi
 * waiting on the old, failed Job.
 */
export function preflightJob(input: PreflightJobInput): inputs.batch.v1.Job {
    const { limits } = input;
    const podLabels = { ...input.labels, "sidecar.istio.io/inject": "false" };
    return {
        metadata: {
            name: input.jobName,
            namespace: PREFLIGHT_NAMESPACE,
            labels: input.labels,
            annotations: { "pulumi.com/replaceUnready": "true" },
        },
        spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: preflightDeadlineSeconds(limits),
            template: {
                metadata: { labels: podLabels, annotations: { [SCRIPT_HASH_ANNOTATION]: input.scriptHash } },
                spec: {
                    nodeName: input.nodeName,
                    restartPolicy: "Never",
                    automountServiceAccountToken: false,
                    tolerations: input.tolerations,
                    securityContext: {
                        runAsNonRoot: true,
                        runAsUser: limits.runAsUser,
                        runAsGroup: limits.runAsUser,
                        seccompProfile: { type: "RuntimeDefault" },
                    },
                    containers: [
                        {
                            name: "preflight",
                            image: PREFLIGHT_IMAGE,
                            command: ["node", `${SCRIPT_DIR}/${PREFLIGHT_SCRIPT_KEY}`],
                            env: [
                                { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
                                { name: "MAX_STEAL_PERCENT", value: String(limits.maxStealPercent) },
                                { name: "MAX_FSYNC_P99_MS", value: String(limits.maxFsyncP99Ms) },
                                { name: "STEAL_SAMPLE_SECONDS", value: String(limits.stealSampleSeconds) },
                                { name: "FSYNC_WRITES", value: String(limits.fsyncWrites) },
                                { name: "FSYNC_WRITE_BYTES", value: String(FSYNC_WRITE_BYTES) },
                                { name: "FSYNC_DIR", value: TEST_DIR },
                            ],
                            resources: {
                                requests: { cpu: "100m", memory: "64Mi" },
                                limits: { cpu: "500m", memory: "128Mi" },
                            },
                            securityContext: {
                                allowPrivilegeEscalation: false,
                                readOnlyRootFilesystem: true,
                                capabilities: { drop: ["ALL"] },
                            },
                            volumeMounts: [
                                { name: "script", mountPath: SCRIPT_DIR, readOnly: true },
                                { name: "nvme", mountPath: TEST_DIR },
                            ],
                        },
                    ],
                    volumes: [
                        { name: "script", configMap: { name: input.scriptConfigMap } },
                        {
                            name: "nvme",
                            hostPath: {
                                path: `${input.nvmeMountPath.replace(/\/+$/, "")}/${PREFLIGHT_TEST_FOLDER}`,
                                type: "Directory",
                            },
                        },
                    ],
                },
            },
        },
    };
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
