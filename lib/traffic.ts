/**
 * Canary routing and resilience for one service, as Istio objects built by small typed functions:
 * a DestinationRule with a subset per version and the traffic policy, and a VirtualService with the
 * weighted routes, timeout and retries. Plus Istio's durations (which config/services.ts reads to check
 * the retry budget) and the sidecar-sizing annotations app teams put on their pods.
 */
import { byText, clusterHost, IstioObject, istioObject } from "./objects";
import type { ResourceRequirements } from "./quantity";
import type { ServiceVersion, TrafficSettings, SidecarSize } from "../model/services";
export type { TrafficSettings, SidecarSize } from "../model/services";

const DURATION = /^(\d+(\.\d+)?(h|ms|m|s|us|ns))+$/;
const UNIT_MS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, ns: 0.000001 };

/** Milliseconds of an Istio (Go) duration (`2s`, `500ms`, `1m30s`), or `undefined` if it is not one. */
export function durationMs(text: string): number | undefined {
    if (!DURATION.test(text)) {
        return undefined;
    }
    let total = 0;
    for (const match of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|ns)/g)) {
        total += Number(match[1]) * UNIT_MS[match[2]];
    }
    return total;
}

/** The service's in-cluster host. */
export function serviceHost(settings: { name: string; namespace: string }): string {
    return clusterHost(settings.name, settings.namespace);
}

function object<Spec>(kind: string, name: string, namespace: string, spec: Spec): IstioObject<Spec> {
    return istioObject("networking.istio.io/v1", kind, name, namespace, spec);
}

function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
    return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

/** The DestinationRule: a subset per version, and the traffic policy when any is set. */
export function destinationRule(settings: TrafficSettings) {
    const pool = settings.connectionPool;
    const trafficPolicy = defined({
        connectionPool:
            pool === undefined
                ? undefined
                : defined({
                      tcp: pool.maxConnections === undefined ? undefined : { maxConnections: pool.maxConnections },
                      http: (() => {
                          const http = defined({
                              http1MaxPendingRequests: pool.http1MaxPendingRequests,
                              maxRequestsPerConnection: pool.maxRequestsPerConnection,
                          });
                          return Object.keys(http).length === 0 ? undefined : http;
                      })(),
                  }),
        outlierDetection: settings.outlierDetection === undefined ? undefined : { ...settings.outlierDetection },
    });
    return object("DestinationRule", settings.name, settings.namespace, {
        host: serviceHost(settings),
        ...(Object.keys(trafficPolicy).length === 0 ? {} : { trafficPolicy }),
        subsets: byName(settings.versions).map((version) => ({ name: version.name, labels: version.labels ?? { version: version.name } })),
    });
}

/** The versions in a stable order (by name): the same versions in another order are the same objects. */
function byName(versions: readonly ServiceVersion[]): ServiceVersion[] {
    return [...versions].sort((a, b) => byText(a.name, b.name));
}

/** The VirtualService: every version's weighted route (by version name), timeout and retries. */
export function virtualService(settings: TrafficSettings) {
    const host = serviceHost(settings);
    return object("VirtualService", settings.name, settings.namespace, {
        hosts: [host],
        http: [
            {
                route: byName(settings.versions).map((version) => ({
                    destination: { host, subset: version.name, port: { number: settings.port } },
                    weight: settings.weights[version.name] ?? 0,
                })),
                ...defined({ timeout: settings.timeout, retries: settings.retries === undefined ? undefined : defined({ ...settings.retries }) }),
            },
        ],
    });
}

/**
 * The sidecar size a service's pods get: its own, or the mesh's, each limit the service's or else the
 * mesh's. Istio 1.31's injection template, once a pod carries `proxyCPU` or `proxyMemory`, writes only
 * the resources the annotations give: without the limit annotations the sidecar would have no limits
 * at all (and a namespace with a limits quota would refuse the pod).
 */
export function sidecarSize(own: SidecarSize | undefined, mesh: ResourceRequirements): Required<SidecarSize> {
    return {
        cpu: own?.cpu ?? mesh.requests.cpu,
        memory: own?.memory ?? mesh.requests.memory,
        cpuLimit: own?.cpuLimit ?? mesh.limits.cpu,
        memoryLimit: own?.memoryLimit ?? mesh.limits.memory,
    };
}

/** The pod annotations that size a workload's sidecar, requests and limits (Istio reads them at injection). */
export function sidecarAnnotations(size: Required<SidecarSize>): Record<string, string> {
    return {
        "sidecar.istio.io/proxyCPU": size.cpu,
        "sidecar.istio.io/proxyMemory": size.memory,
        "sidecar.istio.io/proxyCPULimit": size.cpuLimit,
        "sidecar.istio.io/proxyMemoryLimit": size.memoryLimit,
    };
}

/** The Service of one version of a service (ambient routes to versions by Service, not by subset). */
export function versionServiceName(settings: { name: string }, version: string): string {
    return `${settings.name}-${version}`;
}

/** The pods of one version: the service's `app` label (Istio's convention) and the version's labels. */
export function versionSelector(settings: { name: string }, version: ServiceVersion): Record<string, string> {
    return { app: settings.name, ...(version.labels ?? { version: version.name }) };
}

/** A Service object, as `core/v1` `Service` takes it. */
export interface ServiceObject {
    apiVersion: "v1";
    kind: "Service";
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    spec: { selector: Record<string, string>; ports: Array<{ name: string; port: number; targetPort: number }> };
}

/** One Service per version, in a stable order: the HTTPRoute's backends, and their traffic policy's hosts. */
export function versionServices(settings: TrafficSettings, labels: Record<string, string>): ServiceObject[] {
    return byName(settings.versions).map((version) => ({
        apiVersion: "v1" as const,
        kind: "Service" as const,
        metadata: { name: versionServiceName(settings, version.name), namespace: settings.namespace, labels: { ...labels } },
        spec: { selector: versionSelector(settings, version), ports: [{ name: "http", port: settings.port, targetPort: settings.port }] },
    }));
}

/** An HTTPRoute, as the Gateway API (v1, standard channel) takes it. */
export interface HttpRouteObject {
    apiVersion: "gateway.networking.k8s.io/v1";
    kind: "HTTPRoute";
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    spec: {
        parentRefs: Array<{ group: ""; kind: "Service"; name: string; port: number }>;
        rules: Array<{ backendRefs: Array<{ name: string; port: number; weight: number }>; timeouts?: { request: string } }>;
    };
}

/**
 * The service's route in ambient (the Gateway API's mesh routing, applied by the namespace's waypoint):
 * attached to the service's own Service, each version's Service at its weight, the timeout on the route.
 * (Retries have no field in the standard channel of v1.6; config refuses them in ambient.)
 */
export function httpRoute(settings: TrafficSettings, labels: Record<string, string>): HttpRouteObject {
    return {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: settings.name, namespace: settings.namespace, labels: { ...labels } },
        spec: {
            parentRefs: [{ group: "", kind: "Service", name: settings.name, port: settings.port }],
            rules: [
                {
                    backendRefs: byName(settings.versions).map((version) => ({
                        name: versionServiceName(settings, version.name),
                        port: settings.port,
                        weight: settings.weights[version.name] ?? 0,
                    })),
                    ...(settings.timeout === undefined ? {} : { timeouts: { request: settings.timeout } }),
                },
            ],
        },
    };
}

/**
 * The traffic policy of each version's Service (outlier detection, connection pool), which the waypoint
 * applies to the backends the route sends to; none when the service sets no policy.
 */
export function versionDestinationRules(settings: TrafficSettings) {
    const rule = destinationRule(settings);
    const trafficPolicy = "trafficPolicy" in rule.spec ? rule.spec.trafficPolicy : undefined;
    if (trafficPolicy === undefined) {
        return [];
    }
    return byName(settings.versions).map((version) => {
        const name = versionServiceName(settings, version.name);
        return object("DestinationRule", name, settings.namespace, { host: clusterHost(name, settings.namespace), trafficPolicy });
    });
}
