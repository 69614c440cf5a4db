/**
 * The `meshstack:nodePool` area: the dedicated-core KVM/NVMe nodes the mesh runs on, their labels and
 * taints, the NVMe StorageClass, the pre-flight gates and the capacity budget. Owns the schema (with
 * its defaults and docs), the cross-field checks and their messages.
 */
import { z } from "zod";
import type { MeshNodePoolArgs } from "../model";
import { grouped, meshDemand, MeshLayout, meshOverhead, overBudget } from "../lib/capacity";
import { Assert, Equal } from "./asserts";
import { KeyPath, show } from "./keys";
import { decimal, documented, flag, INT32_MAX, list, memory, oneOf, section, text, wholeNumber, wholeNumberIn } from "./leaves";
import type { PathProblem } from "./problems";
import { isDnsSubdomain, isLabelValue, qualifiedNameProblem } from "./names";


/** The taint effects Kubernetes knows. */
export const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;

/** A problem with a Kubernetes node name (a DNS-1123 subdomain), or `undefined`. */
export function checkNodeName(value: string): string | undefined {
    return isDnsSubdomain(value)
        ? undefined
        : `${show(value)} is not a Kubernetes node name: use lowercase letters, digits, "-" and ".", at most 253, ` +
              `as \`kubectl get nodes\` prints it.`;
}

/** A problem with a StorageClass name (a DNS-1123 subdomain), or `undefined`. */
export function checkStorageClassName(value: string): string | undefined {
    return isDnsSubdomain(value)
        ? undefined
        : `${show(value)} is not a StorageClass name: lowercase letters, digits, "-" and ".", at most 253, e.g. "meshstack-nvme".`;
}

/** A problem with a label value, or `undefined`. */
export function checkLabelValue(value: string): string | undefined {
    return isLabelValue(value)
        ? undefined
        : `${show(value)} is not a label value: at most 63 letters, digits, "-", "_" and ".", starting and ending ` +
              `with a letter or digit.`;
}

/** A problem with a label or taint key, or a provisioner name (`[prefix/]name`), or `undefined`. */
export function checkQualifiedName(value: string): string | undefined {
    const problem = qualifiedNameProblem(value);
    if (problem === "prefix") {
        return `${show(value)} has a prefix (before "/") longer than 253 characters, which Kubernetes refuses. Shorten it.`;
    }
    return problem === undefined
        ? undefined
        : `${show(value)} is not a qualified name: an optional DNS prefix and "/", then at most 63 letters, ` +
              `digits, "-", "_" and ".", e.g. "meshstack.io/pool".`;
}

/** A problem with a host path, or `undefined`. */
export function checkAbsolutePath(value: string): string | undefined {
    if (!value.startsWith("/")) {
        return `${show(value)} is not an absolute path. Give the mount point as the node sees it, e.g. "/mnt/nvme".`;
    }
    if (value.split("/").some((segment) => segment === "." || segment === "..")) {
        return `${show(value)} has "." or ".." in it. Give the mount point without them, e.g. "/mnt/nvme".`;
    }
    if (!/^[A-Za-z0-9._/-]+$/.test(value)) {
        return `${show(value)} has characters a mount path here may not: use letters, digits, ".", "_", "-" and "/", e.g. "/mnt/nvme".`;
    }
    return undefined;
}

function nodeSchema() {
    return section({
        name: documented(text(checkNodeName), {
            description: "The Kubernetes node name, as `kubectl get nodes` prints it. The node must exist.",
        }),
        vcpus: documented(wholeNumber(1), { description: "Dedicated vCPUs of the node." }),
        memory: documented(memory(), { description: "Memory of the node.", docType: "quantity" }),
        nvmeMountPath: documented(text(checkAbsolutePath).default("/mnt/nvme"), {
            description: "Where the node's NVMe disk is mounted; the pre-flight gate measures fdatasync latency there.",
        }),
    });
}

function taintSchema() {
    return section({
        key: documented(text(checkQualifiedName), { description: "The taint's key." }),
        value: documented(text(checkLabelValue).optional(), { description: "The taint's value.", docDefault: "none" }),
        effect: documented(oneOf(TAINT_EFFECTS), { description: "What the taint does to pods that do not tolerate it." }),
    });
}

/** The schema of `meshstack:nodePool`. (highAvailability's two-node minimum is a cross-field check.) */
export function nodePoolSchema() {
    const nodesMessage =
        "the pool has no nodes. List the nodes the mesh runs on, each with name, vcpus and memory (and " +
        "nvmeMountPath), e.g. `pulumi config set --path 'meshstack:nodePool.nodes[0].name' node-1`.";
    // Typed on its own: a lambda typed by zod's overloads costs the type checker a second.
    const nodesError = (issue: { input?: unknown }): string =>
        issue.input === undefined ? nodesMessage : `expected a list of nodes, got ${show(issue.input)}.`;
    return section({
        name: documented(text(checkLabelValue).default("mesh"), {
            description: "The pool's name: the value of the `meshstack.io/pool` label on its nodes.",
        }),
        nodes: documented(
            z.array(nodeSchema(), { error: nodesError }).min(1, { error: nodesMessage }),
            { description: "The pool's nodes. Required; at least 2 with highAvailability.", docDefault: "required" },
        ),
        taints: documented(list(taintSchema(), "taints").default([]), {
            description:
                "Taints put on every pool node, so that only pods that tolerate them (meshstack's) run there. " +
                "meshstack then owns the nodes' whole taint list (see docs/node-pool.md).",
        }),
        storageClass: section({
            name: documented(text(checkStorageClassName).default("meshstack-nvme"), {
                description: "Name of the NVMe StorageClass meshstack creates.",
            }),
            provisioner: documented(text(checkQualifiedName).default("kubernetes.io/no-provisioner"), {
                description:
                    "The StorageClass's provisioner: `kubernetes.io/no-provisioner` for pre-created local PersistentVolumes, " +
                    "or a local-path provisioner such as `rancher.io/local-path`.",
            }),
        }).prefault({}),
        preflight: section({
            enabled: documented(flag().default(true), {
                description:
                    "Run the pre-flight gates before Istio is installed. Can be switched off only without " +
                    "highAvailability (a laptop cluster); see docs/node-pool.md for what that risks.",
            }),
            maxStealPercent: documented(decimal(0, 100).default(2), {
                description: "CPU steal time above this share, over the sample window, fails a node.",
            }),
            maxFsyncP99Ms: documented(decimal(0.1, 10000).default(10), {
                description:
                    "99th percentile of fdatasync latency (ms) above this fails a node (etcd's guideline: 10). No disk syncs in 0 ms: at least 0.1.",
            }),
            stealSampleSeconds: documented(wholeNumber(1).max(300, { error: () => "expected at most 300 seconds." }).default(10), {
                description: "The window between the two reads of /proc/stat.",
            }),
            fsyncWrites: documented(wholeNumber(100).max(100000, { error: () => "expected at most 100000 writes." }).default(2000), {
                description: "How many synced writes of 2300 bytes the gate times on each node.",
            }),
            runAsUser: documented(wholeNumberIn(1, INT32_MAX).default(1000), {
                description:
                    "The non-root user id the gate runs as; it must be able to write `<nvmeMountPath>/.meshstack-preflight`.",
            }),
        }).prefault({}),
        budget: section({
            meshedPods: documented(wholeNumber(0).default(20), {
                description:
                    "Meshed application pods besides those of meshstack:services (the guides' example: 20 services). " +
                    "Each counts at the mesh's sidecar requests; a declared service's pods count at its own size.",
            }),
            maxMeshPercent: documented(decimal(1, 100).default(30), {
                description: "The largest share of the pool's CPU or memory the mesh may request.",
            }),
        }).prefault({}),
        // Absent, the pool parses as {}, so that the problem is the missing nodes, with how to list them.
    }).prefault({} as never);
}

/** The resolved `meshstack:nodePool`. */
export type NodePoolConfig = z.output<ReturnType<typeof nodePoolSchema>>;

/** Compile-time proof that the schema yields exactly what `MeshPlatform` takes for the pool. */
export type NodePoolArgsMatchSchema = Assert<Equal<NodePoolConfig, MeshNodePoolArgs>>;

/** Cross-field checks of `meshstack:nodePool`, on the resolved config. */
export function nodePoolProblems(pool: NodePoolConfig, highAvailability: boolean): PathProblem[] {
    const problems: PathProblem[] = [];
    const root: KeyPath = ["nodePool"];
    if (highAvailability && pool.nodes.length < 2) {
        problems.push({
            path: [...root, "nodes"],
            message:
                `${pool.nodes.length} node cannot keep the mesh up through a node loss, which meshstack:highAvailability ` +
                `requires: two replicas on one node fail together. List at least 2 nodes, or set ` +
                `meshstack:highAvailability to false (dev stacks only).`,
        });
    }
    const seen = new Map<string, number>();
    pool.nodes.forEach((node, index) => {
        const first = seen.get(node.name);
        const path = [...root, "nodes", index, "name"];
        if (first !== undefined) {
            problems.push({
                path,
                message: `${show(node.name)} is listed more than once. List each node once.`,
                involves: [path, [...root, "nodes", first, "name"]],
            });
        } else {
            seen.set(node.name, index);
        }
    });
    const taints = new Map<string, number>();
    pool.taints.forEach((taint, index) => {
        const id = `${taint.key}:${taint.effect}`;
        const path = [...root, "taints", index];
        const first = taints.get(id);
        if (first !== undefined) {
            problems.push({
                path,
                message: `another taint has key ${show(taint.key)} and effect ${taint.effect}; Kubernetes allows one. Remove one.`,
                involves: [path, [...root, "taints", first]],
            });
        } else {
            taints.set(id, index);
        }
    });
    if (highAvailability && !pool.preflight.enabled) {
        problems.push({
            path: [...root, "preflight", "enabled"],
            message:
                "the pre-flight gates stay on in a highly available stack: they keep the mesh off nodes with CPU " +
                "steal or slow disks. Remove the key, or set meshstack:highAvailability to false (dev stacks only).",
        });
    }
    return problems;
}

/** The parts of the Istio config the budget reads. */
type IstioDemand = Parameters<typeof meshDemand>[0];

/** The mesh requests more of the pool than its budget allows: the figures and what to change. */
export function budgetProblems(
    pool: NodePoolConfig,
    istio: IstioDemand,
    services: Parameters<typeof meshDemand>[2],
    addons: Parameters<typeof meshDemand>[3],
    namespaces: MeshLayout["namespaces"],
    egressWaypoint: MeshLayout["egressWaypoint"],
): PathProblem[] {
    const layout = { namespaces, nodes: pool.nodes.length, egressWaypoint };
    const overhead = meshOverhead(meshDemand(istio, pool.budget.meshedPods, services, addons, layout), pool.nodes, pool.budget.maxMeshPercent);
    if (!overBudget(overhead)) {
        return [];
    }
    return [
        {
            path: ["nodePool", "budget", "maxMeshPercent"],
            message:
                `the mesh requests ${grouped(overhead.cpuMillicores)}m CPU (${overhead.sharePercent.cpu} % of the pool's ` +
                `${grouped(overhead.pool.cpuMillicores)}m) and ${grouped(overhead.memoryMiB)} MiB memory ` +
                `(${overhead.sharePercent.memory} % of ${grouped(overhead.pool.memoryMiB)} MiB), above the ` +
                `${overhead.maxSharePercent} % budget. Add nodes or bigger ones to meshstack:nodePool.nodes, lower ` +
                `meshstack:nodePool.budget.meshedPods or the services' replicas, the requests in meshstack:istio (proxy, istiod, egressGateway) ` +
                `or their maxReplicas, or raise this share.`,
            involves: [
                ["nodePool", "nodes"],
                ["nodePool", "budget"],
                ["istio", "proxy"],
                ["istio", "istiod"],
                ["istio", "egressGateway"],
                ["services"],
                ["observability"],
            ],
        },
    ];
}
