/**
 * The CI workflows' structure (.github/): they parse; every action is pinned to a full commit SHA;
 * every `npm run` exists; every stack they name has its stack file; credentials and approvals are where
 * the README says.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { PROJECT_ROOT } from "./harness";

interface Step {
    name?: string;
    uses?: string;
    if?: string;
    run?: string;
    with?: Record<string, unknown>;
}
interface Job {
    if?: string;
    env?: Record<string, string>;
    needs?: string | string[];
    environment?: string;
    concurrency?: { group: string; "cancel-in-progress": boolean };
    permissions?: Record<string, string>;
    strategy?: { matrix: { stack?: string[] } };
    steps: Step[];
}
interface Workflow {
    on: Record<string, unknown>;
    permissions?: Record<string, string>;
    jobs: Record<string, Job>;
}

const WORKFLOWS = path.join(PROJECT_ROOT, ".github", "workflows");
const workflowFiles = fs.readdirSync(WORKFLOWS).filter((file) => file.endsWith(".yml")).sort();
const read = (file: string): unknown => parse(fs.readFileSync(file, "utf8"));
const workflows = new Map(workflowFiles.map((file) => [file.replace(/\.yml$/, ""), read(path.join(WORKFLOWS, file)) as Workflow]));
const setupAction = read(path.join(PROJECT_ROOT, ".github", "actions", "setup", "action.yml")) as { runs: { steps: Step[] } };

function workflow(name: string): Workflow {
    const found = workflows.get(name);
    assert.ok(found, name);
    return found;
}

const allSteps: Array<[string, Step]> = [
    ...[...workflows].flatMap(([name, flow]) => Object.values(flow.jobs).flatMap((job) => job.steps.map((step) => [name, step] as [string, Step]))),
    ...setupAction.runs.steps.map((step) => ["actions/setup", step] as [string, Step]),
];

/** The stacks a job works on: its matrix, and every literal `stack-name` or `--stack`. */
function stacksOf(job: Job): string[] {
    const named = job.steps.flatMap((step) => [
        ...(typeof step.with?.["stack-name"] === "string" && !step.with["stack-name"].includes("${{") ? [step.with["stack-name"]] : []),
        ...[...(step.run ?? "").matchAll(/(?:--stack|stack init) ([\w-]+)/g)].map((match) => match[1]),
    ]);
    return [...(job.strategy?.matrix.stack ?? []), ...named];
}

describe("CI workflows", () => {
    it("are the five the README describes, and each parses", () => {
        assert.deepStrictEqual(workflowFiles, ["ci.yml", "deploy.yml", "drift.yml", "e2e.yml", "preview.yml"]);
    });

    it("pin every third-party action to a full commit SHA", () => {
        const uses = allSteps.map(([, step]) => step.uses).filter((value): value is string => value !== undefined);
        const unpinned = uses.filter((value) => !value.startsWith("./") && !/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/.test(value.split(" ")[0]));
        assert.deepStrictEqual(unpinned, []);
        assert.ok(uses.includes("./.github/actions/setup"));
    });

    it("call only npm scripts that package.json has, and scripts that exist", () => {
        const scripts = Object.keys((JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts);
        const runs = allSteps.map(([, step]) => step.run ?? "").join("\n");
        const called = [...runs.matchAll(/npm (?:run )?(?:--silent )?([\w:-]+)/g)].map((match) => match[1]).filter((name) => name !== "ci");
        assert.deepStrictEqual(called.filter((name) => !scripts.includes(name)), []);
        assert.ok(called.includes("typecheck") && called.includes("test"));
        const files = [...runs.matchAll(/bash ([\w./-]+)/g)].map((match) => match[1]);
        assert.deepStrictEqual(files.filter((file) => !fs.existsSync(path.join(PROJECT_ROOT, file))), []);
        assert.ok(files.includes("ci/pulumi-report.sh"));
        assert.ok(called.includes("e2e:check"));
    });

    it("type-check before any Pulumi command: every job that runs one sets up through the action, which type-checks after installing", () => {
        const runs = setupAction.runs.steps.map((step) => step.run ?? step.uses ?? "");
        assert.deepStrictEqual(runs.slice(runs.indexOf("npm ci --no-audit --no-fund"), runs.indexOf("npm ci --no-audit --no-fund") + 2), ["npm ci --no-audit --no-fund", "npm run typecheck"]);
        const pulumiJobs = [...workflows].flatMap(([name, flow]) =>
            Object.entries(flow.jobs)
                .filter(([, job]) => job.steps.some((step) => /\bpulumi\b|pulumi-report\.sh/.test(step.run ?? "") || (step.uses ?? "").startsWith("pulumi/actions")))
                .map(([id, job]) => [`${name}/${id}`, job.steps.findIndex((step) => step.uses === "./.github/actions/setup") >= 0]),
        );
        assert.ok(pulumiJobs.length >= 5, JSON.stringify(pulumiJobs));
        assert.deepStrictEqual(pulumiJobs.filter(([, setUp]) => !setUp), []);
    });

    it("name only stacks that have a Pulumi.<stack>.yaml, and use the policy pack that is in the repo", () => {
        const stacks = [...workflows.values()].flatMap((flow) => Object.values(flow.jobs).flatMap(stacksOf));
        assert.deepStrictEqual([...new Set(stacks)].sort(), ["dev", "e2e", "e2e-ambient", "e2e-ha", "prod"]);
        assert.deepStrictEqual(stacks.filter((stack) => !fs.existsSync(path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`))), []);
        const packs = allSteps.map(([, step]) => step.with?.policyPacks ?? /--policy-pack (\S+)/.exec(step.run ?? "")?.[1]).filter((pack) => pack !== undefined);
        assert.deepStrictEqual([...new Set(packs)], ["./policy"]);
        assert.ok(fs.existsSync(path.join(PROJECT_ROOT, "policy", "PulumiPolicy.yaml")));
    });

    it("grant read-only contents everywhere, and pull-request write only where previews comment", () => {
        const granted = Object.fromEntries([...workflows].map(([name, flow]) => [name, flow.permissions]));
        assert.deepStrictEqual(granted, {
            ci: { contents: "read" },
            deploy: { contents: "read" },
            drift: { contents: "read" },
            e2e: { contents: "read" },
            preview: { contents: "read", "pull-requests": "write" },
        });
        assert.ok([...workflows.values()].every((flow) => Object.values(flow.jobs).every((job) => job.permissions === undefined)));
        const checkouts = allSteps.filter(([, step]) => step.uses?.startsWith("actions/checkout@") === true);
        assert.ok(checkouts.every(([, step]) => step.with?.["persist-credentials"] === false));
    });

    it("preview: with the policy pack, read-only environments, a comment passed or failed, and never a fork's code without a maintainer", () => {
        const flow = workflow("preview");
        assert.deepStrictEqual(Object.keys(flow.on), ["pull_request", "workflow_dispatch"]);
        const job = flow.jobs.preview;
        assert.strictEqual(job.if, "github.event_name == 'workflow_dispatch' || github.event.pull_request.head.repo.full_name == github.repository");
        assert.strictEqual(job.environment, "${{ matrix.stack }}-preview");
        // A maintainer's run checks out exactly the reviewed commit, after checking it is still the head.
        const guard = job.steps[0];
        assert.strictEqual(guard.if, "github.event_name == 'workflow_dispatch'");
        assert.ok(guard.run?.includes('if [ "$head" != "$REVIEWED" ]'));
        assert.strictEqual(job.steps[1].with?.ref, "${{ inputs.sha || '' }}");
        const runs = job.steps.map((step) => step.run).filter((run) => run !== undefined);
        assert.ok(runs.includes('bash ci/pulumi-report.sh "pulumi preview (${{ matrix.stack }})" preview --stack ${{ matrix.stack }} --diff --policy-pack ./policy'));
        const comment = job.steps[job.steps.length - 1];
        assert.deepStrictEqual([comment.if, comment.run], [
            "always() && hashFiles('pulumi-report.md') != ''",
            'gh pr comment "$PR_NUMBER" --repo "$GITHUB_REPOSITORY" --body-file pulumi-report.md',
        ]);
    });

    it("deploy: dev on merge, prod after dev and an approval, one update per stack at a time", () => {
        const flow = workflow("deploy");
        assert.deepStrictEqual(flow.on, { push: { branches: ["main"] } });
        const summary = Object.entries(flow.jobs).map(([name, job]) => ({
            name,
            needs: job.needs,
            environment: job.environment,
            concurrency: job.concurrency,
            up: job.steps.find((step) => step.run?.includes(" up --stack") === true)?.run,
        }));
        assert.deepStrictEqual(summary, [
            {
                name: "dev",
                needs: undefined,
                environment: "dev",
                concurrency: { group: "deploy-dev", "cancel-in-progress": false },
                up: 'bash ci/pulumi-report.sh "pulumi up (dev)" up --stack dev --yes --policy-pack ./policy',
            },
            {
                name: "prod",
                needs: "dev",
                environment: "prod",
                concurrency: { group: "deploy-prod", "cancel-in-progress": false },
                up: 'bash ci/pulumi-report.sh "pulumi up (prod)" up --stack prod --yes --policy-pack ./policy',
            },
        ]);
    });

    it("drift: a scheduled refresh-and-preview that fails on any change, with read-only credentials", () => {
        const flow = workflow("drift");
        assert.ok("schedule" in flow.on);
        const job = flow.jobs.drift;
        assert.strictEqual(job.environment, "${{ matrix.stack }}-preview");
        assert.ok(
            job.steps.some(
                (step) =>
                    step.run === 'bash ci/pulumi-report.sh "drift (${{ matrix.stack }})" preview --stack ${{ matrix.stack }} --refresh --expect-no-changes --diff',
            ),
        );
    });

    it("e2e: by hand and nightly on kind; destroy keeps the CRDs and a second up succeeds; the cluster is always deleted; no secrets", () => {
        const flow = workflow("e2e");
        assert.deepStrictEqual(Object.keys(flow.on), ["workflow_dispatch", "schedule"]);
        const steps = flow.jobs.e2e.steps;
        const destroy = steps.find((step) => step.run?.includes("pulumi destroy") === true);
        assert.strictEqual(destroy?.if, "always() && steps.up.outcome != 'skipped'");
        assert.deepStrictEqual(destroy.run?.trim().split("\n"), [
            "pulumi destroy --stack e2e --yes --skip-preview",
            "npm run --silent e2e:check -- crds-retained",
            "pulumi up --stack e2e --yes --policy-pack ./policy",
            "pulumi destroy --stack e2e --yes --skip-preview",
        ]);
        assert.deepStrictEqual(steps[steps.length - 1], { name: "Delete the cluster", if: "always()", run: "kind delete cluster --name meshstack-e2e" });
        // The canary's rollout order: v2 at weight 0 first (the stack file), checked; then the shift; then the checks.
        const runs = steps.map((step) => step.run?.trim() ?? "");
        const order = ["npm run --silent e2e:check -- before-shift", "pulumi config set --stack e2e --path 'meshstack:services[0].weights.v2' 10", "npm run --silent e2e:check"].map(
            (line) => runs.findIndex((run) => run.split("\n").includes(line)),
        );
        assert.ok(order.every((index, i) => index > (i === 0 ? runs.findIndex((run) => run.includes("pulumi up --stack e2e")) : order[i - 1])), JSON.stringify(order));
        const stack = parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.e2e.yaml"), "utf8")) as { config: Record<string, Array<{ weights: object }>> };
        assert.deepStrictEqual(stack.config["meshstack:services"][0].weights, { v1: 100, v2: 0 });
        assert.ok(!JSON.stringify(flow).includes("secrets."));
    });

    it("e2e-ambient: the e2e job's steps on the ambient data plane, on its own cluster, checked for ambient", () => {
        const jobs = workflow("e2e").jobs;
        const job = jobs["e2e-ambient"];
        const plain = jobs.e2e;
        assert.deepStrictEqual(job.env?.MESHSTACK_E2E_DATA_PLANE, "ambient");
        // The same steps, for the other stack and cluster (and ztunnel's log on failure).
        const asAmbient = (text: string): string =>
            text.replace(/--stack e2e /g, "--stack e2e-ambient ").replace("pulumi stack init e2e\n", "pulumi stack init e2e-ambient\n").replace(/meshstack-e2e\b/g, "meshstack-e2e-ambient");
        assert.deepStrictEqual(
            job.steps.map((step) => (step.run ?? "").replace("          kubectl logs -n istio-system daemonset/ztunnel --tail=100 || true\n", "").replace("kubectl logs -n istio-system daemonset/ztunnel --tail=100 || true\n", "")),
            plain.steps.map((step) => asAmbient(step.run ?? "")),
        );
        const stack = parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.e2e-ambient.yaml"), "utf8")) as { config: Record<string, unknown> };
        assert.deepStrictEqual(
            [(stack.config["meshstack:istio"] as { dataPlane: string }).dataPlane, (stack.config["meshstack:cluster"] as { context: string }).context],
            ["ambient", "kind-meshstack-e2e-ambient"],
        );
    });

    it("e2e-ha: the production shape on three kind workers, gated, autoscaled, previewed read-only, its volume through destroy and up", () => {
        const job = workflow("e2e").jobs["e2e-ha"];
        const kind = job.steps.find((step) => step.uses?.startsWith("helm/kind-action@") === true);
        assert.deepStrictEqual(kind?.with, { cluster_name: "meshstack-e2e-ha", config: "e2e/kind-ha.yaml", wait: "180s" });
        const cluster = read(path.join(PROJECT_ROOT, "e2e", "kind-ha.yaml")) as { nodes: Array<{ role: string }> };
        assert.deepStrictEqual(cluster.nodes.map((node) => node.role), ["control-plane", "worker", "worker", "worker"]);
        const stack = read(path.join(PROJECT_ROOT, "Pulumi.e2e-ha.yaml")) as { config: Record<string, { nodes?: Array<{ name: string }> } | boolean> };
        const pool = stack.config["meshstack:nodePool"] as { nodes: Array<{ name: string }> };
        assert.deepStrictEqual(pool.nodes.map((node) => node.name), ["meshstack-e2e-ha-worker", "meshstack-e2e-ha-worker2", "meshstack-e2e-ha-worker3"]);
        assert.strictEqual(stack.config["meshstack:highAvailability"], true);
        assert.match(job.env?.METRICS_SERVER_VERSION ?? "", /^v\d+\.\d+\.\d+$/);
        const runs = job.steps.map((step) => step.run ?? "").join("\n");
        // The gates' folder on two workers only: the third's gate records `error`, and the check expects it.
        assert.ok(runs.includes("for node in meshstack-e2e-ha-worker meshstack-e2e-ha-worker2; do"));
        for (const line of [
            "pulumi up --stack e2e-ha --yes --policy-pack ./policy --policy-pack-config ci/policy-e2e-ha.json",
            "npm run --silent e2e:check -- ha",
            "kubectl apply -f ci/rbac/preview-reader.yaml",
            "pulumi preview --stack e2e-ha --diff --expect-no-changes --policy-pack ./policy --policy-pack-config ci/policy-e2e-ha.json || status=1",
            "docker exec meshstack-e2e-ha-worker test -d /mnt/nvme/meshstack-volumes/prometheus/wal",
            "npm run --silent e2e:check -- ha-volume-kept",
        ]) {
            assert.ok(runs.includes(line), line);
        }
        const destroy = job.steps.find((step) => step.run?.includes("pulumi destroy") === true);
        assert.strictEqual(destroy?.if, "always() && steps.up.outcome != 'skipped'");
        assert.deepStrictEqual(job.steps[job.steps.length - 1], { name: "Delete the cluster", if: "always()", run: "kind delete cluster --name meshstack-e2e-ha" });
    });

    it("the preview role can read but never write", () => {
        const documents = fs
            .readFileSync(path.join(PROJECT_ROOT, "ci", "rbac", "preview-reader.yaml"), "utf8")
            .split(/^---$/m)
            .map((text) => parse(text) as { kind: string; rules?: Array<{ verbs: string[]; resources?: string[]; resourceNames?: string[] }> });
        assert.deepStrictEqual(documents.map((document) => document.kind), ["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"]);
        const verbs = new Set(documents.flatMap((document) => document.rules ?? []).flatMap((rule) => rule.verbs));
        assert.deepStrictEqual([...verbs].sort(), ["get", "list", "watch"]);
        const secretRules = documents.flatMap((document) => document.rules ?? []).filter((rule) => rule.resources?.includes("secrets") === true);
        assert.deepStrictEqual(secretRules, [{ apiGroups: [""], resources: ["secrets"], resourceNames: ["kiali-signing-key"], verbs: ["get"] }]);
    });
});
