/**
 * The `meshstack:services` area: per service, its versions and their weights (canary routing) and its
 * resilience (timeout, retries, outlier detection, circuit breaking), its expected pods and sidecar
 * size (the capacity budget). Owns the schema, the cross-field checks (weights, the retry budget) and
 * their messages.
 */
import { z } from "zod";
import type { MeshServiceSettings } from "../model";
import { parseCpu, parseMemory, ResourceRequirements } from "../lib/quantity";
import { durationMs, SidecarSize, sidecarSize } from "../lib/traffic";
import { checkMeshNamespace } from "./mesh";
import { Assert, Equal } from "./asserts";
import { KeyPath, show } from "./keys";
import { cpu, documented, INT32_MAX, labelMap, list, memory, port, section, text, wholeNumber, wholeNumberIn } from "./leaves";
import type { PathProblem } from "./problems";
import { isDnsLabel } from "./names";


/** A problem with a Service or subset name (a DNS-1123 label), or `undefined`. */
export function checkLabelName(value: string): string | undefined {
    return isDnsLabel(value)
        ? undefined
        : `${show(value)} is not a valid name: at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit.`;
}

/** A problem with a Service name (a DNS-1035 label: it starts with a letter), or `undefined`. */
export function checkServiceName(value: string): string | undefined {
    if (checkLabelName(value) !== undefined) {
        return checkLabelName(value);
    }
    return /^[a-z]/.test(value) ? undefined : `${show(value)} is not a Service name: Kubernetes wants it to start with a letter. Rename the Service.`;
}

/** The longest duration Istio takes (Go's, in nanoseconds): about 2562047 hours. */
const MAX_DURATION_MS = 2562047 * 3_600_000;

/** A problem with an Istio duration, or `undefined`. */
export function checkDuration(value: string): string | undefined {
    const ms = durationMs(value);
    if (ms === undefined) {
        return `${show(value)} is not a duration. Use a number and a unit: "500ms", "2s", "1m", "1h" (or combined, "1m30s").`;
    }
    if (ms < 1) {
        return `${show(value)} is below 1ms, which Istio refuses. Set at least "1ms".`;
    }
    if (!Number.isInteger(Math.round(ms * 1e6) / 1e6)) {
        return `${show(value)} is not a whole number of milliseconds, which Istio refuses. Use e.g. "2ms" or "1500ms".`;
    }
    return ms > MAX_DURATION_MS ? `${show(value)} is longer than Istio can hold (2562047h). Set a shorter duration.` : undefined;
}

/** The HTTP status codes Go (and so Istio) knows: a retry condition may only name these. */
const HTTP_STATUS_CODES = new Set(
    [
        [100, 103],
        [200, 208],
        [226, 226],
        [300, 305],
        [307, 308],
        [400, 418],
        [421, 426],
        [428, 429],
        [431, 431],
        [451, 451],
        [500, 508],
        [510, 511],
    ].flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, index) => String(from + index))),
);

/** Istio's (Envoy's) retry conditions. */
export const RETRY_ON = [
    "5xx",
    "gateway-error",
    "reset",
    "reset-before-request",
    "connect-failure",
    "envoy-ratelimited",
    "retriable-4xx",
    "refused-stream",
    "retriable-status-codes",
    "retriable-headers",
    "http3-post-connect-failure",
    "cancelled",
    "deadline-exceeded",
    "internal",
    "resource-exhausted",
    "unavailable",
] as const;

/** A problem with a `retryOn` list, or `undefined`. */
export function checkRetryOn(value: string): string | undefined {
    if (/\s/.test(value)) {
        return `${show(value)} has spaces, which Istio does not trim: ${show(value.replace(/\s/g, ""))} is what it reads right. Remove them.`;
    }
    const unknown = value
        .split(",")
        .filter((condition) => !(RETRY_ON as readonly string[]).includes(condition) && !HTTP_STATUS_CODES.has(condition));
    return unknown.length === 0
        ? undefined
        : `${unknown.map((condition) => show(condition)).join(", ")} ${unknown.length === 1 ? "is not a retry condition" : "are not retry conditions"}. ` +
              `Use a comma-separated list of ${RETRY_ON.slice(0, 5).join(", ")}, … or HTTP status codes (503).`;
}

const duration = (description: string) => documented(text(checkDuration).optional(), { description, docDefault: "none" });
const durationOr = (description: string, fallback: string) => documented(text(checkDuration).default(fallback), { description });

function serviceSchema() {
    return section({
        name: documented(text(checkServiceName), { description: "The Kubernetes Service's name." }),
        namespace: documented(text(checkMeshNamespace), { description: "Its namespace: one of `meshstack:mesh.namespaces`." }),
        port: documented(port(), { description: "The Service's port that the routes use." }),
        versions: documented(
            list(
                section({
                    name: documented(text(checkLabelName), { description: "The version's subset name, e.g. `v1`." }),
                    labels: documented(labelMap().optional(), {
                        description: "The labels of the version's pods.",
                        docDefault: "`{version: <name>}`",
                    }),
                }),
                "versions",
            ).min(1, { error: "the service has no versions. List at least one, e.g. `- name: v1`." }),
            { description: "The service's versions (one DestinationRule subset each)." },
        ),
        weights: documented(z.record(z.string(), wholeNumberIn(0, 100), { error: () => "expected a map of version → percent." }), {
            description: "Percent of requests per version; whole numbers summing to exactly 100.",
        }),
        timeout: duration("The route's timeout."),
        retries: documented(
            section({
                attempts: documented(wholeNumberIn(0, INT32_MAX), { description: "Retries after the first attempt." }),
                perTryTimeout: duration("The timeout of each attempt."),
                retryOn: documented(text(checkRetryOn).optional(), {
                    description: "The conditions to retry on, e.g. `5xx,reset,connect-failure`.",
                    docDefault: "Istio's",
                }),
            }).optional(),
            { description: "Retries; the first try and the retries, (attempts + 1) × perTryTimeout, may not exceed timeout.", docDefault: "Istio's" },
        ),
        outlierDetection: documented(
            section({
                consecutive5xxErrors: documented(wholeNumberIn(1, INT32_MAX).default(5), { description: "5xx errors in a row that eject an endpoint." }),
                interval: durationOr("How often endpoints are analysed.", "10s"),
                baseEjectionTime: durationOr("How long an ejected endpoint stays out (times its ejections).", "30s"),
                maxEjectionPercent: documented(wholeNumberIn(1, 100).default(50), {
                    description: "The most of the pool ejected at once, in percent (Istio reads 0 as Envoy's default, 10).",
                }),
            }).optional(),
            { description: "Eject failing endpoints.", docDefault: "none" },
        ),
        connectionPool: documented(
            section({
                maxConnections: documented(wholeNumberIn(1, INT32_MAX).optional(), { description: "The most TCP connections per caller proxy.", docDefault: "Istio's" }),
                http1MaxPendingRequests: documented(wholeNumberIn(1, INT32_MAX).optional(), {
                    description: "The most requests waiting for a connection.",
                    docDefault: "Istio's",
                }),
                maxRequestsPerConnection: documented(wholeNumberIn(1, INT32_MAX).optional(), {
                    description: "The most requests per connection.",
                    docDefault: "Istio's",
                }),
            }).optional(),
            { description: "Circuit breaking limits.", docDefault: "none" },
        ),
        replicas: documented(wholeNumber(0).default(1), {
            description: "The pods of the service (all versions) expected to run: the capacity budget counts their sidecars.",
        }),
        sidecar: documented(
            section({
                cpu: documented(cpu(), { description: "Sidecar CPU request.", docType: "quantity" }),
                memory: documented(memory(), { description: "Sidecar memory request.", docType: "quantity" }),
                cpuLimit: documented(cpu().optional(), { description: "Sidecar CPU limit.", docType: "quantity", docDefault: "the mesh's" }),
                memoryLimit: documented(memory().optional(), { description: "Sidecar memory limit.", docType: "quantity", docDefault: "the mesh's" }),
            }).optional(),
            { description: "The sidecar size the service's pods declare in annotations (the guides: 50m / 64Mi).", docDefault: "the mesh's" },
        ),
    });
}

/** The schema of `meshstack:services`. */
export function servicesSchema() {
    return documented(list(serviceSchema(), "services").default([]), { description: "The services with canary routing." });
}

/** The resolved `meshstack:services`. */
export type ServicesConfig = z.output<ReturnType<typeof servicesSchema>>;

/** Compile-time proof that the schema yields exactly what `MeshPlatform` takes. */
export type ServicesArgsMatchSchema = Assert<Equal<ServicesConfig, MeshServiceSettings[]>>;

/**
 * A sidecar whose limit is below its request: the API server refuses the pod. The limit is the service's
 * own, or else the mesh's (which the sidecar then gets, see `sidecarSize`).
 */
function sidecarLimitProblems(sidecar: SidecarSize, meshProxy: ResourceRequirements, path: KeyPath): PathProblem[] {
    const size = sidecarSize(sidecar, meshProxy);
    const resources = [
        { name: "CPU", request: "cpu", limit: "cpuLimit", parse: parseCpu },
        { name: "memory", request: "memory", limit: "memoryLimit", parse: parseMemory },
    ] as const;
    return resources.flatMap(({ name, request, limit, parse }): PathProblem[] => {
        if ((parse(size[limit]) ?? 0) >= (parse(size[request]) ?? 0)) {
            return [];
        }
        return sidecar[limit] === undefined
            ? [
                  {
                      path: [...path, request],
                      message:
                          `${size[request]} is above the mesh's sidecar ${name} limit ${size[limit]} ` +
                          `(meshstack:istio.proxy.resources.limits.${request}), which this sidecar would get: a limit below its ` +
                          `request, which the API server refuses. Set ${limit} too, or lower ${request}.`,
                      // The verdict reads the sidecar's own limit too: an invalid one is not "unset".
                      involves: [[...path, request], [...path, limit], ["istio", "proxy", "resources", "limits", request]],
                  },
              ]
            : [
                  {
                      path: [...path, limit],
                      message: `${size[limit]} is below the request ${size[request]}, which the API server refuses. Raise ${limit}, or lower ${request}.`,
                      involves: [[...path, limit], [...path, request]],
                  },
              ];
    });
}

/** Cross-field checks of `meshstack:services`, on the resolved config. */
export function servicesProblems(services: ServicesConfig, meshNamespaces: readonly string[], meshProxy: ResourceRequirements): PathProblem[] {
    const problems: PathProblem[] = [];
    const seen = new Set<string>();
    const meshed = new Set(meshNamespaces);
    services.forEach((service, index) => {
        const path: KeyPath = ["services", index];
        const id = `${service.namespace}/${service.name}`;
        if (seen.has(id)) {
            problems.push({ path: [...path, "name"], message: `${show(id)} is declared more than once. Declare each service once per namespace.` });
        }
        seen.add(id);
        const namespacePath = [...path, "namespace"];
        if (!meshed.has(service.namespace)) {
            problems.push({
                path: namespacePath,
                message: `${show(service.namespace)} is not a mesh namespace. Add it to meshstack:mesh.namespaces, or use one of: ${meshNamespaces.join(", ") || "(none declared)"}.`,
                involves: [namespacePath, ["mesh", "namespaces"]],
            });
        }
        const selectors = new Map<string, string>();
        service.versions.forEach((version, versionIndex) => {
            const labels = version.labels ?? { version: version.name };
            const labelsPath = [...path, "versions", versionIndex, "labels"];
            if (Object.keys(labels).length === 0) {
                problems.push({ path: labelsPath, message: "selects every pod of the service, so the subset is no version. Give the version's pods a label, e.g. `version: v2`." });
            }
            const selector = JSON.stringify(Object.entries(labels).sort());
            const same = selectors.get(selector);
            if (same !== undefined && same !== version.name && Object.keys(labels).length > 0) {
                problems.push({
                    path: labelsPath,
                    message: `selects the same pods as version ${show(same)}: the two subsets would get each other's traffic. Give each version labels of its own.`,
                });
            }
            selectors.set(selector, version.name);
        });
        if (service.retries !== undefined && service.retries.attempts === 0 && (service.retries.retryOn !== undefined || service.retries.perTryTimeout !== undefined)) {
            problems.push({
                path: [...path, "retries", "attempts"],
                message: "0 turns retries off, and Istio refuses retryOn or perTryTimeout with it. Set attempts to 1 or more, or remove retryOn and perTryTimeout.",
            });
        }
        if (service.connectionPool !== undefined && Object.values(service.connectionPool).every((value) => value === undefined)) {
            problems.push({
                path: [...path, "connectionPool"],
                message: "sets no limit, and Istio refuses an empty connection pool. Set maxConnections, http1MaxPendingRequests or maxRequestsPerConnection, or remove connectionPool.",
            });
        }
        const versions = new Set<string>();
        service.versions.forEach((version, versionIndex) => {
            if (versions.has(version.name)) {
                problems.push({
                    path: [...path, "versions", versionIndex, "name"],
                    message: `${show(version.name)} is listed more than once. List each version once.`,
                });
            }
            versions.add(version.name);
        });
        for (const weighted of Object.keys(service.weights)) {
            if (!versions.has(weighted)) {
                problems.push({
                    path: [...path, "weights", weighted],
                    message: `${show(weighted)} is not a version of ${service.name} (${[...versions].join(", ")}). Add it to versions, or remove its weight.`,
                    involves: [[...path, "weights"], [...path, "versions"]],
                });
            }
        }
        service.versions.forEach((version, versionIndex) => {
            if (service.weights[version.name] === undefined) {
                problems.push({
                    path: [...path, "weights"],
                    message: `${show(version.name)} has no weight. Give every version one (0 keeps it idle).`,
                    involves: [[...path, "weights"], [...path, "versions", versionIndex]],
                });
            }
        });
        const sum = Object.values(service.weights).reduce((total, weight) => total + weight, 0);
        if (sum !== 100) {
            const shares = Object.entries(service.weights).map(([version, weight]) => `${version}: ${weight}`).join(", ");
            problems.push({
                path: [...path, "weights"],
                message: `the weights sum to ${sum} (${shares || "none"}); they must sum to exactly 100. Adjust them.`,
            });
        }
        if (service.sidecar !== undefined) {
            problems.push(...sidecarLimitProblems(service.sidecar, meshProxy, [...path, "sidecar"]));
        }
        const retries = service.retries;
        const timeout = service.timeout === undefined ? undefined : durationMs(service.timeout);
        const perTry = retries?.perTryTimeout === undefined ? undefined : durationMs(retries.perTryTimeout);
        // Istio's attempts are retries: with the first try, attempts + 1 tries of perTryTimeout each.
        const tries = retries === undefined ? 0 : retries.attempts + 1;
        if (retries !== undefined && timeout !== undefined && perTry !== undefined && tries * perTry > timeout) {
            problems.push({
                path: [...path, "retries"],
                message:
                    `1 try + ${retries.attempts} retries, ${retries.perTryTimeout} each, take up to ${tries * perTry}ms, more than the ` +
                    `route's timeout ${service.timeout}: callers give up before the retries end, while every retry still loads ` +
                    `the service (a retry storm). Lower attempts or perTryTimeout, or raise timeout.`,
                involves: [[...path, "retries"], [...path, "timeout"]],
            });
        }
    });
    return problems;
}
