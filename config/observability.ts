/**
 * The `meshstack:observability` area: Prometheus (retention, storage, size, optional subcharts) and
 * Kiali (auth strategy, size). Owns the schema (defaults per `highAvailability`), the cross-field
 * checks and their messages.
 */
import { z } from "zod";
import type { ObservabilitySettings } from "../model";
import { parseMemory } from "../lib/quantity";
import { resolveSizedResources, resourceProblems, resourcesSchema, sizedResourcesSchema } from "./istio";
import { MeshSize, PROMETHEUS_MEMORY_RULE, prometheusMemory } from "../lib/sizing";
import { Assert, Equal } from "./asserts";
import { show } from "./keys";
import { documented, flag, list, memory, oneOf, section, stringMap, text } from "./leaves";
import { checkLabelName } from "./services";
import type { PathProblem } from "./problems";
import { LOCAL_VOLUMES } from "../lib/local-volume";
import { profileOf } from "./profiles";

/** Prometheus's duration (prometheus/common `ParseDuration`): units largest first, each at most once. */
const PROMETHEUS_DURATION = /^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;

/** Kiali's login strategies meshstack offers. */
export const KIALI_STRATEGIES = ["anonymous", "token", "openid"] as const;

/** A problem with a Prometheus duration (`15d`, `12h`), or `undefined`. */
export function checkPrometheusDuration(value: string): string | undefined {
    if (value !== "" && PROMETHEUS_DURATION.test(value)) {
        return undefined;
    }
    return /^(\d+(y|w|d|h|ms|m|s))+$/.test(value)
        ? `${show(value)} is not a Prometheus duration: write the units largest first, each once, e.g. "1d12h".`
        : `${show(value)} is not a Prometheus duration. Use a number and a unit: "15d", "12h", "2w" (or combined, "1d12h").`;
}

/** A problem with a volume size (a memory quantity above 0), or `undefined`. */
function checkVolumeSize(value: string): string | undefined {
    // An unparsable value is the quantity check's to report.
    return parseMemory(value) !== 0 ? undefined : `${show(value)} is no size for a volume: Kubernetes wants more than 0, e.g. "8Gi".`;
}

/** A problem with an OpenID issuer (an https URL, no query or fragment), or `undefined`. */
function checkIssuer(value: string): string | undefined {
    const url = URL.canParse(value) ? new URL(value) : undefined;
    return url !== undefined && url.protocol === "https:" && url.search === "" && url.hash === ""
        ? undefined
        : `${show(value)} is not an OpenID issuer: Kiali fetches <issuer>/.well-known/openid-configuration, so give its https URL, e.g. "https://accounts.example.com".`;
}

/** A problem with a namespace name (a DNS-1123 label), or `undefined`. */
function checkNamespaceName(value: string): string | undefined {
    return checkLabelName(value) === undefined
        ? undefined
        : `${show(value)} is not a namespace name: at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit.`;
}

/** The schema of `meshstack:observability` for a stack with or without `highAvailability`. */
export function observabilitySchema(highAvailability: boolean) {
    const profile = profileOf(highAvailability);
    return section({
        prometheus: section({
            retention: documented(text(checkPrometheusDuration).default(profile.prometheus.retention), {
                description: "How long Prometheus keeps samples.",
            }),
            persistence: section({
                enabled: documented(flag().default(profile.prometheus.persistence), {
                    description:
                        "Keep Prometheus's data on a persistent volume: on the node pool's NVMe class, a local volume on one pool node, which outlives `pulumi destroy` and is bound again by the next `pulumi up`. Without, the data is lost with the pod.",
                }),
                size: documented(memory(checkVolumeSize).default(profile.prometheus.size), {
                    description: "The volume's size.",
                    docType: "quantity",
                }),
                storageClass: documented(text().optional(), {
                    description: "The volume's StorageClass: the node pool's NVMe class, the one this stack declares.",
                    docDefault: "`meshstack:nodePool.storageClass.name`",
                }),
                node: documented(text().optional(), {
                    description:
                        "The pool node whose NVMe disk holds the volume, with the `kubernetes.io/no-provisioner` class (Prometheus then runs on that node). Its folder is `<nvmeMountPath>/meshstack-volumes/prometheus`.",
                    docDefault: "the first of `meshstack:nodePool.nodes`",
                }),
            }).prefault({}),
            resources: sizedResourcesSchema(
                "Prometheus",
                { cpu: { default: profile.prometheus.cpuRequest }, memory: { docDefault: `sized from the mesh: ${PROMETHEUS_MEMORY_RULE}` } },
                profile.prometheus.limits,
            ),
            allowFrom: documented(
                list(
                    section({
                        namespace: documented(text(checkNamespaceName), { description: "The namespace of the pods that may query Prometheus." }),
                        podLabels: documented(stringMap("labels").optional(), {
                            description: "Only the pods with these labels.",
                            docDefault: "every pod of the namespace",
                        }),
                    }),
                    "sources",
                ).default([]),
                {
                    description:
                        "Who may reach Prometheus's port besides Kiali (a Grafana, say): its network policy admits nobody else, since its API can also stop it (the chart turns the lifecycle API on for its config reloader).",
                },
            ),
            alertmanager: documented(flag().default(false), { description: "Install the chart's Alertmanager." }),
            pushgateway: documented(flag().default(false), { description: "Install the chart's Pushgateway." }),
            kubeStateMetrics: documented(flag().default(false), { description: "Install the chart's kube-state-metrics." }),
            nodeExporter: documented(flag().default(false), { description: "Install the chart's node exporter (a DaemonSet on every node)." }),
        }).prefault({}),
        kiali: section({
            auth: section({
                strategy: documented(oneOf(KIALI_STRATEGIES).default(profile.kiali.strategy), {
                    description: "How people log in to Kiali: `anonymous` (dev only), `token` (a Kubernetes token), `openid`.",
                }),
                openid: section({
                    issuerUri: documented(text(checkIssuer).optional(), { description: "The OpenID issuer URL (with `openid`).", docDefault: "none" }),
                    clientId: documented(text().optional(), { description: "Kiali's client id at the issuer (with `openid`).", docDefault: "none" }),
                }).prefault({}),
            }).prefault({}),
            resources: resourcesSchema(profile.kiali.resources, "Kiali"),
        }).prefault({}),
    }).prefault({});
}

/** `meshstack:observability` as parsed: Prometheus's resources are resolved from the mesh's size by {@link resolveObservability}. */
export type ParsedObservability = z.output<ReturnType<typeof observabilitySchema>>;

/** `meshstack:observability` resolved: Prometheus's memory request sized from the mesh where it is not set. */
export function resolveObservability(parsed: ParsedObservability, size: MeshSize, highAvailability: boolean): ObservabilitySettings {
    const { prometheus } = profileOf(highAvailability);
    const resources = resolveSizedResources(
        parsed.prometheus.resources,
        { cpu: prometheus.cpuRequest, memory: prometheusMemory(size) },
        prometheus.limits,
    );
    return { ...parsed, prometheus: { ...parsed.prometheus, resources } };
}

/** Compile-time proof that the schema yields exactly what `MeshPlatform` takes, Prometheus's resources aside. */
export type ObservabilityArgsMatchSchema = Assert<Equal<Omit<ParsedObservability, "prometheus">, Omit<ObservabilitySettings, "prometheus">>>;
/** The same for Prometheus's own keys. */
export type PrometheusArgsMatchSchema = Assert<
    Equal<Omit<ParsedObservability["prometheus"], "resources">, Omit<ObservabilitySettings["prometheus"], "resources">>
>;

/** What the checks of `meshstack:observability` need to know of the node pool. */
export interface PoolFacts {
    /** The pool's StorageClass and its provisioner. */
    storageClass: { name: string; provisioner: string };
    /** The pool's node names. */
    nodes: string[];
}

/** Cross-field checks of `meshstack:observability`. */
export function observabilityProblems(observability: ObservabilitySettings, highAvailability: boolean, pool: PoolFacts): PathProblem[] {
    const poolStorageClass = pool.storageClass.name;
    const problems: PathProblem[] = [];
    const auth = observability.kiali.auth;
    const authPath = ["observability", "kiali", "auth"];
    if (auth.strategy === "openid") {
        for (const field of ["issuerUri", "clientId"] as const) {
            const value = auth.openid[field];
            if (value === undefined || value.trim() === "") {
                problems.push({
                    path: [...authPath, "openid", field],
                    message: `required with the openid strategy: set Kiali's ${field === "issuerUri" ? "issuer URL" : "client id"} at your identity provider.`,
                    involves: [[...authPath, "openid", field], [...authPath, "strategy"]],
                });
            }
        }
    }
    if (highAvailability && auth.strategy === "anonymous") {
        problems.push({
            path: [...authPath, "strategy"],
            message: "anonymous lets anyone who reaches Kiali see and change the mesh; a highly available stack needs a login. Set token or openid.",
        });
    }
    problems.push(...resourceProblems(observability.prometheus.resources, ["observability", "prometheus", "resources"]));
    problems.push(...resourceProblems(observability.kiali.resources, ["observability", "kiali", "resources"]));
    const persistence = observability.prometheus.persistence;
    if (persistence.enabled && persistence.storageClass !== undefined && persistence.storageClass !== poolStorageClass) {
        problems.push({
            path: ["observability", "prometheus", "persistence", "storageClass"],
            message:
                `no StorageClass ${show(persistence.storageClass)} is declared by this stack; the volume would never bind. ` +
                `Use the node pool's ${show(poolStorageClass)} (remove the key), or switch persistence off.`,
            involves: [["observability", "prometheus", "persistence"], ["nodePool", "storageClass"]],
        });
    }
    const nodePath = ["observability", "prometheus", "persistence", "node"];
    if (persistence.node !== undefined && pool.storageClass.provisioner !== LOCAL_VOLUMES) {
        problems.push({
            path: nodePath,
            message:
                `is used only with local volumes (provisioner ${show(LOCAL_VOLUMES)}); ${show(pool.storageClass.provisioner)} ` +
                `places the volume itself. Remove the key.`,
            involves: [nodePath, ["nodePool", "storageClass", "provisioner"]],
        });
    } else if (persistence.node !== undefined && !pool.nodes.includes(persistence.node)) {
        problems.push({
            path: nodePath,
            message: `${show(persistence.node)} is not a node of the pool. Use one of ${pool.nodes.map(show).join(", ")}.`,
            // It reads the provisioner too (as local volumes'), which may be an invalid one at its default.
            involves: [nodePath, ["nodePool", "nodes"], ["nodePool", "storageClass", "provisioner"]],
        });
    }
    return problems;
}
