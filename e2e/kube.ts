/**
 * What the end-to-end checks share: kubectl (its current context the cluster), a failed check's error,
 * and a port-forward to a Service for the length of one call.
 */
import { spawn, spawnSync } from "child_process";

/** A check that found the cluster not as it should be. */
export class CheckFailed extends Error {}

/** Runs kubectl; returns its exit code and output, never throws. */
export function kubectl(...args: string[]): { code: number; stdout: string; stderr: string } {
    const result = spawnSync("kubectl", args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Runs kubectl and fails the check with its stderr if it fails. */
export function must(...args: string[]): string {
    const result = kubectl(...args);
    if (result.code !== 0) throw new CheckFailed(`kubectl ${args.join(" ")} exited ${result.code}: ${result.stderr.trim()}`);
    return result.stdout;
}

/** Waits `seconds`. */
export function sleep(seconds: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}

/** Runs `work` with `svc/<service>` in `namespace` forwarded to `localhost:<port>`; always stops the forward. */
export async function withPortForward<T>(namespace: string, service: string, port: number, work: (base: string) => Promise<T>): Promise<T> {
    const forward = spawn("kubectl", ["port-forward", "-n", namespace, `svc/${service}`, `${port}:${port}`], { stdio: "ignore" });
    try {
        await sleep(5);
        return await work(`http://localhost:${port}`);
    } finally {
        forward.kill();
    }
}

/** The body of a GET, or "" when nothing answered. */
export function fetchText(url: string): Promise<string> {
    return fetch(url).then(
        (response) => response.text(),
        () => "",
    );
}

/** Waits until every Deployment is rolled out. */
export function rolledOut(workloads: ReadonlyArray<[string, string]>): void {
    // A bare name is a Deployment; `daemonset/<name>` names a DaemonSet.
    for (const [namespace, workload] of workloads) must("rollout", "status", "-n", namespace, workload.includes("/") ? workload : `deploy/${workload}`, "--timeout=300s");
}
