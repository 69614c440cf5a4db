/**
 * The pre-flight gates as the program declares them: the script files shipped, one gate Job per node,
 * the rights through which they write verdicts, the quorum the control plane waits for, and the gates
 * switched off.
 */
import * as assert from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT, ProgramRun, runProgram, sharedRun, shippedRuns } from "./harness";
import { at, stackWithPool } from "./program-fixtures";

/** The gate's two files, as the ConfigMap ships them, and their hash as the Jobs carry it. */
const SCRIPTS = Object.fromEntries(["preflight.js", "verdicts.js"].map((file) => [file, fs.readFileSync(path.join(PROJECT_ROOT, "preflight", file), "utf8")]));
const SCRIPT_SHA256 = createHash("sha256").update(JSON.stringify(SCRIPTS)).digest("hex");

describe("pre-flight gates", () => {
    let dev: ProgramRun;
    let prod: ProgramRun;

    beforeEach(async () => ({ dev, prod } = await shippedRuns()));

    it("ships the very script files the unit tests load", () => {
        assert.deepStrictEqual(prod.resource("meshstack-pool-preflight-script").inputs, {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "meshstack-preflight", namespace: "meshstack-preflight", labels: { "app.kubernetes.io/part-of": "meshstack" } },
            data: SCRIPTS,
        });
    });

    it("runs one gate per node, pinned by name, non-root, read-only, bounded, with a token that can write its verdict", () => {
        const jobs = prod.ofType("kubernetes:batch/v1:Job").filter((job) => job.name.startsWith("meshstack-pool-preflight-"));
        assert.deepStrictEqual(
            jobs.map((job) => [job.name, at(job.inputs, "spec.template.spec.nodeName"), job.dependsOn]),
            [
                ["meshstack-pool-preflight-mesh-1", "mesh-1", ["meshstack-pool-preflight-script", "meshstack-pool-preflight-binding", "meshstack-pool-node-mesh-1-existing"]],
                ["meshstack-pool-preflight-mesh-2", "mesh-2", ["meshstack-pool-preflight-script", "meshstack-pool-preflight-binding", "meshstack-pool-node-mesh-2-existing"]],
                ["meshstack-pool-preflight-mesh-3", "mesh-3", ["meshstack-pool-preflight-script", "meshstack-pool-preflight-binding", "meshstack-pool-node-mesh-3-existing"]],
                [
                    "meshstack-pool-preflight-quorum",
                    undefined,
                    ["meshstack-pool-preflight-jobs-binding", "meshstack-pool-preflight-mesh-1", "meshstack-pool-preflight-mesh-2", "meshstack-pool-preflight-mesh-3"],
                ],
            ],
        );
        const labels = { "app.kubernetes.io/name": "meshstack-preflight", "app.kubernetes.io/part-of": "meshstack" };
        assert.deepStrictEqual(jobs[1].inputs, {
            apiVersion: "batch/v1",
            kind: "Job",
            metadata: {
                name: "preflight-mesh-2",
                namespace: "meshstack-preflight",
                labels,
                // Pulumi does not wait (the quorum does), and frees the name at once for a replacement.
                annotations: { "pulumi.com/replaceUnready": "true", "pulumi.com/skipAwait": "true", "pulumi.com/deletionPropagationPolicy": "background" },
            },
            spec: {
                backoffLimit: 0,
                activeDeadlineSeconds: 300,
                template: {
                    metadata: {
                        labels: { ...labels, "sidecar.istio.io/inject": "false" },
                        annotations: { "meshstack.io/preflight-script-sha256": SCRIPT_SHA256 },
                    },
                    spec: {
                        nodeName: "mesh-2",
                        restartPolicy: "Never",
                        terminationGracePeriodSeconds: 5,
                        serviceAccountName: "meshstack-preflight",
                        automountServiceAccountToken: true,
                        tolerations: [],
                        securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
                        containers: [
                            {
                                name: "preflight",
                                image: "node:24.21.0-alpine",
                                command: ["node", "/opt/meshstack/preflight.js"],
                                env: [
                                    { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
                                    { name: "MAX_STEAL_PERCENT", value: "2" },
                                    { name: "MAX_FSYNC_P99_MS", value: "10" },
                                    { name: "STEAL_SAMPLE_SECONDS", value: "10" },
                                    { name: "FSYNC_WRITES", value: "2000" },
                                    { name: "FSYNC_WRITE_BYTES", value: "2300" },
                                    { name: "FSYNC_DIR", value: "/nvme" },
                                ],
                                resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
                                securityContext: {
                                    allowPrivilegeEscalation: false,
                                    readOnlyRootFilesystem: true,
                                    capabilities: { drop: ["ALL"] },
                                },
                                volumeMounts: [
                                    { name: "script", mountPath: "/opt/meshstack", readOnly: true },
                                    { name: "nvme", mountPath: "/nvme" },
                                ],
                            },
                        ],
                        volumes: [
                            { name: "script", configMap: { name: "meshstack-preflight" } },
                            { name: "nvme", hostPath: { path: "/mnt/nvme/.meshstack-preflight", type: "DirectoryOrCreate" } },
                        ],
                    },
                },
            },
        });
    });

    it("labels a node without waiting for its gate: the gate's verdict, not the pool label, admits it", () => {
        assert.deepStrictEqual(prod.resource("meshstack-pool-node-mesh-2").dependsOn, ["meshstack-pool-node-mesh-2-existing"]);
    });

    it("lets the gates write a verdict on the pool's nodes, by name, and nothing else", () => {
        const account = { name: "meshstack-preflight", labels: { "app.kubernetes.io/part-of": "meshstack" } };
        assert.deepStrictEqual(prod.resource("meshstack-pool-preflight-account").inputs, {
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: { ...account, namespace: "meshstack-preflight" },
        });
        assert.deepStrictEqual(prod.resource("meshstack-pool-preflight-role").inputs, {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRole",
            metadata: account,
            rules: [{ apiGroups: [""], resources: ["nodes"], resourceNames: ["mesh-1", "mesh-2", "mesh-3"], verbs: ["get", "patch"] }],
        });
        // The gates' Jobs, read by the quorum: in their namespace only.
        assert.deepStrictEqual(prod.resource("meshstack-pool-preflight-jobs-role").inputs, {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "Role",
            metadata: { ...account, namespace: "meshstack-preflight" },
            rules: [{ apiGroups: ["batch"], resources: ["jobs"], resourceNames: ["preflight-mesh-1", "preflight-mesh-2", "preflight-mesh-3"], verbs: ["get"] }],
        });
        assert.deepStrictEqual(prod.resource("meshstack-pool-preflight-jobs-binding").inputs, {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: { ...account, namespace: "meshstack-preflight" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "meshstack-preflight" },
            subjects: [{ kind: "ServiceAccount", name: "meshstack-preflight", namespace: "meshstack-preflight" }],
        });
        assert.deepStrictEqual(prod.resource("meshstack-pool-preflight-binding").inputs, {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRoleBinding",
            metadata: account,
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "meshstack-preflight" },
            subjects: [{ kind: "ServiceAccount", name: "meshstack-preflight", namespace: "meshstack-preflight" }],
        });
    });

    it("waits for enough passed nodes for the replicas (2 of prod's 3, 1 of dev's 1), not for all, and for Prometheus's node", () => {
        const env = (run: ProgramRun): unknown => at(run.resource("meshstack-pool-preflight-quorum").inputs, "spec.template.spec.containers.0.env");
        // prod's gates may take 300 s: the quorum waits for them a minute longer.
        assert.deepStrictEqual(env(prod), [
            { name: "PREFLIGHT_MODE", value: "quorum" },
            { name: "POOL_NODES", value: "mesh-1,mesh-2,mesh-3" },
            { name: "GATE_JOBS", value: "preflight-mesh-1,preflight-mesh-2,preflight-mesh-3" },
            { name: "GATE_NAMESPACE", value: "meshstack-preflight" },
            { name: "GATE_WAIT_SECONDS", value: "360" },
            { name: "REQUIRED_PASSED", value: "2" },
            { name: "MUST_PASS", value: '{"mesh-1":"it holds the local volume prometheus"}' },
        ]);
        assert.deepStrictEqual(env(dev), [
            { name: "PREFLIGHT_MODE", value: "quorum" },
            { name: "POOL_NODES", value: "dev-mesh-1" },
            { name: "GATE_JOBS", value: "preflight-dev-mesh-1" },
            { name: "GATE_NAMESPACE", value: "meshstack-preflight" },
            { name: "GATE_WAIT_SECONDS", value: "360" },
            { name: "REQUIRED_PASSED", value: "1" },
            { name: "MUST_PASS", value: "{}" },
        ]);
        const quorum = prod.resource("meshstack-pool-preflight-quorum").inputs as {
            metadata: object;
            spec: { backoffLimit: number; activeDeadlineSeconds: number; template: { metadata: { annotations: Record<string, string> }; spec: Record<string, unknown> } };
        };
        assert.deepStrictEqual(quorum.metadata, {
            name: "preflight-quorum",
            namespace: "meshstack-preflight",
            labels: { "app.kubernetes.io/name": "meshstack-preflight", "app.kubernetes.io/part-of": "meshstack", "app.kubernetes.io/component": "quorum" },
            // Pulumi waits for the quorum as long as it may take.
            annotations: { "pulumi.com/replaceUnready": "true", "pulumi.com/timeoutSeconds": "720" },
        });
        // 360 s of waiting for the gates, and 5 minutes for its own pod to be placed and pulled.
        assert.deepStrictEqual([quorum.spec.backoffLimit, quorum.spec.activeDeadlineSeconds], [0, 660]);
        assert.deepStrictEqual(
            [quorum.spec.template.spec.nodeName, quorum.spec.template.spec.serviceAccountName, quorum.spec.template.spec.volumes],
            [undefined, "meshstack-preflight", [{ name: "script", configMap: { name: "meshstack-preflight" } }]],
        );
        assert.deepStrictEqual(Object.keys(quorum.spec.template.metadata.annotations).sort(), ["meshstack.io/preflight-gates-sha256", "meshstack.io/preflight-script-sha256"]);
        assert.strictEqual(quorum.spec.template.metadata.annotations["meshstack.io/preflight-script-sha256"], SCRIPT_SHA256);
    });

    it("replaces the quorum when a gate changes (its limits), so it counts the new verdicts", async () => {
        const stricter = await sharedRun("prod-strict-gates", "prod", () => stackWithPool("prod", { preflight: { maxStealPercent: 1 } }));
        const hashOf = (run: ProgramRun): unknown => at(run.resource("meshstack-pool-preflight-quorum").inputs, "spec.template.metadata.annotations");
        const [before, after] = [hashOf(prod), hashOf(stricter)] as Array<Record<string, string>>;
        assert.match(before["meshstack.io/preflight-gates-sha256"], /^[0-9a-f]{64}$/);
        assert.notStrictEqual(after["meshstack.io/preflight-gates-sha256"], before["meshstack.io/preflight-gates-sha256"]);
        assert.strictEqual(after["meshstack.io/preflight-script-sha256"], before["meshstack.io/preflight-script-sha256"]);
    });

    it("dev: applies the dev stack's own steal limit", () => {
        const env = at(dev.resource("meshstack-pool-preflight-dev-mesh-1").inputs, "spec.template.spec.containers") as Array<{
            env: Array<{ name: string; value?: string }>;
        }>;
        assert.deepStrictEqual(env[0].env.find((variable) => variable.name === "MAX_STEAL_PERCENT"), { name: "MAX_STEAL_PERCENT", value: "5" });
    });

    it("dev with the gates switched off: no Jobs, pods select the pool label alone; Istio still waits for the PriorityClass and the labels", async () => {
        const run = await runProgram("dev", stackWithPool("dev", { preflight: { enabled: false } }));
        assert.deepStrictEqual(run.ofType("kubernetes:batch/v1:Job"), []);
        assert.deepStrictEqual(at(run.resource("meshstack-istio-istiod").inputs, "values.nodeSelector"), { "meshstack.io/pool": "mesh" });
        // Still after the PriorityClass and the labelled node, without which the pods could not start.
        const pool = ["meshstack-pool-priority", "meshstack-pool-node-dev-mesh-1"];
        assert.deepStrictEqual(run.resource("meshstack-istio-istiod").dependsOn, ["meshstack-istio-base", ...pool]);
        assert.deepStrictEqual(run.resource("meshstack-istio-base").dependsOn, ["meshstack-istio-namespace", ...pool]);
    });
});
