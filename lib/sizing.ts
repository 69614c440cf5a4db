/**
 * The mesh's defaults sized from evidence: what istiod and Prometheus request follows the declared size of
 * the mesh (the proxies istiod configures and Prometheus scrapes), by the published figures below. Every
 * figure has its source in {@link EVIDENCE}; the README's cost section prints that table.
 */
import type { ResourceQuantities } from "../model/resources";
import { grouped } from "./capacity";

/** One default and where its number comes from. */
export interface Evidence {
    /** What it sizes. */
    what: string;
    /** The number meshstack uses. */
    value: string;
    /** The source, and how the number follows from it. */
    source: string;
}

/**
 * Istio's load test (Performance and Scalability, the last summary with control-plane figures, Istio
 * 1.16): 1,000 services and 2,000 sidecars, istiod at 1 vCPU and 1.5 GB.
 */
const LOAD_TEST = { proxies: 2000, istiodMillicores: 1000, istiodMiB: 1.5e9 / 2 ** 20 };

/** Istio's demo profile (`manifests/helm-profiles/demo.yaml`): istiod for a handful of services, 10m / 100Mi. */
const SMALL_MESH_ISTIOD = { millicores: 10, mib: 100 };

/** istiod's memory per proxy it configures: the load test's figure above the demo profile's, over its proxies. */
export const ISTIOD_MIB_PER_PROXY = (LOAD_TEST.istiodMiB - SMALL_MESH_ISTIOD.mib) / LOAD_TEST.proxies;

/** istiod's CPU per proxy, the same way. */
export const ISTIOD_MILLICORES_PER_PROXY = (LOAD_TEST.istiodMillicores - SMALL_MESH_ISTIOD.millicores) / LOAD_TEST.proxies;

/**
 * istiod's least memory request. The slope's base is the demo profile's request, not a measurement, and
 * Go's collector lets the heap grow to twice its live data (GOGC 100): twice the demo's 100Mi, in 64Mi steps.
 */
export const ISTIOD_MIN_MIB = 256;

/**
 * istiod's least CPU request without an autoscaler: istiod also answers the sidecar injection webhook,
 * and a pod whose injection times out is not created. meshstack's earlier dev default.
 */
export const ISTIOD_MIN_MILLICORES = 100;

/**
 * istiod's CPU request when an autoscaler runs: the istiod chart's own (`resources.requests.cpu`), which
 * its HorizontalPodAutoscaler's 80 % target is measured against. A request sized to the mesh's idle use
 * would make any configuration push look like overload and scale istiod to its maximum.
 */
export const ISTIOD_AUTOSCALED_MILLICORES = 500;

/** Prometheus: bytes of memory per series in its head block (Robust Perception, Prometheus 2.20 and later). */
export const PROMETHEUS_BYTES_PER_SERIES = 3000;

/**
 * Series per meshed proxy: Istio's standard metrics (per peer, response code and reporter, a counter and
 * three histograms, each histogram up to 22 series on Envoy's 19 default buckets) for a handful of peers,
 * with the Envoy and agent statistics Istio merges into the same scrape. An estimate, not a published
 * figure: check it on a live mesh (`prometheus_tsdb_head_series`).
 */
export const PROMETHEUS_SERIES_PER_PROXY = 1000;

/**
 * Prometheus's fixed part: the process, and the chart's cluster jobs (API server, kubelets, cAdvisor) of a
 * small cluster. An estimate: about 100,000 series at 3 kB is 286 MiB; 512 MiB leaves room for queries
 * (Kiali's graph) and compaction on top of the head.
 */
export const PROMETHEUS_BASE_MIB = 512;

/** Requests are rounded up to whole 64 MiB and 10m steps. */
const MIB_STEP = 64;
const MILLICORE_STEP = 10;

function roundUp(value: number, step: number): number {
    return Math.ceil(value / step) * step;
}

/** What sizes the mesh: the proxies istiod configures and Prometheus scrapes. */
export interface MeshSize {
    /** Meshed application pods (the budget's own count plus the declared services' replicas). */
    meshedPods: number;
    /** Gateway pods, at the autoscaler's maximum. */
    gatewayPods: number;
}

/** The proxies of a mesh of `size`. */
export function proxiesOf(size: MeshSize): number {
    return size.meshedPods + size.gatewayPods;
}

/** istiod's requests for a mesh of `size`: the demo profile's plus the load test's slope per proxy, never below the floors. */
export function istiodRequests(size: MeshSize, autoscaled: boolean): ResourceQuantities {
    const proxies = proxiesOf(size);
    const sizedMillicores = roundUp(SMALL_MESH_ISTIOD.millicores + ISTIOD_MILLICORES_PER_PROXY * proxies, MILLICORE_STEP);
    const millicores = Math.max(sizedMillicores, autoscaled ? ISTIOD_AUTOSCALED_MILLICORES : ISTIOD_MIN_MILLICORES);
    const mib = Math.max(roundUp(SMALL_MESH_ISTIOD.mib + ISTIOD_MIB_PER_PROXY * proxies, MIB_STEP), ISTIOD_MIN_MIB);
    return { cpu: `${millicores}m`, memory: `${mib}Mi` };
}

/** Prometheus's memory request for a mesh of `size`: its fixed part plus the head series of every proxy. */
export function prometheusMemory(size: MeshSize): string {
    const perProxyMiB = (PROMETHEUS_SERIES_PER_PROXY * PROMETHEUS_BYTES_PER_SERIES) / 2 ** 20;
    return `${roundUp(PROMETHEUS_BASE_MIB + perProxyMiB * proxiesOf(size), MIB_STEP)}Mi`;
}

/** istiod's memory rule, as the README and the config reference state it. */
export const ISTIOD_MEMORY_RULE =
    `${SMALL_MESH_ISTIOD.mib}Mi + ${ISTIOD_MIB_PER_PROXY.toFixed(3)} MiB per proxy, in ${MIB_STEP}Mi steps; at least ${ISTIOD_MIN_MIB}Mi`;

/** istiod's CPU rule, the same way. */
export const ISTIOD_CPU_RULE =
    `${SMALL_MESH_ISTIOD.millicores}m + ${ISTIOD_MILLICORES_PER_PROXY.toFixed(3)}m per proxy, in ${MILLICORE_STEP}m steps; ` +
    `at least ${ISTIOD_MIN_MILLICORES}m, ${ISTIOD_AUTOSCALED_MILLICORES}m with an autoscaler`;

/** Prometheus's memory rule, the same way. */
export const PROMETHEUS_MEMORY_RULE =
    `${PROMETHEUS_BASE_MIB}Mi + ${((PROMETHEUS_SERIES_PER_PROXY * PROMETHEUS_BYTES_PER_SERIES) / 2 ** 20).toFixed(2)} MiB per proxy, in ${MIB_STEP}Mi steps`;

const ISTIO_PERF = "https://istio.io/latest/docs/ops/deployment/performance-and-scalability/";
const ISTIO_PERF_1_16 = "https://istio.io/v1.16/docs/ops/deployment/performance-and-scalability/";
const OSSM_SIZING = "https://docs.openshift.com/rosa/service_mesh/v2x/ossm-performance-scalability.html";

/** Each default's number and its source (the README's evidence table). */
export const EVIDENCE: readonly Evidence[] = [
    {
        what: "sidecar request (`istio.proxy.resources.requests`)",
        value: "50m / 96Mi",
        source:
            `Istio 1.24's figures (${ISTIO_PERF}): a sidecar with 2 worker threads uses about 0.20 vCPU and 60 MB ` +
            "at 1,000 requests per second; a 2022 report (Istio 1.12, Sidecar-scoped) measured about 110 MB idle, 50 MB " +
            "of it pilot-agent (istio/istio#38000). 96Mi (101 MB) reserves that typical use; the 1Gi limit takes the " +
            "peaks. 50m carries about 250 requests per second; bursts run up to the 2-core limit. The guides' 64Mi is " +
            "below both figures, so it stays a per-service choice. Istio's chart: 100m / 128Mi. Check on a live mesh: " +
            "`container_memory_working_set_bytes{container=\"istio-proxy\"}`.",
    },
    {
        what: "istiod memory request",
        value: ISTIOD_MEMORY_RULE,
        source:
            `A model, not a measurement: Istio's demo profile requests 100Mi for a few services; Istio's load test ` +
            `(${ISTIO_PERF_1_16}) measured 1.5 GB for 1,000 services and 2,000 sidecars (with Sidecar scoping, as meshstack ` +
            `sets), and Red Hat's OpenShift Service Mesh sizes istiod at 1000m / 1.6Gi for 1,000 services (${OSSM_SIZING}); the line ` +
            "between the first two per proxy (the load test's 2 pods per service). At least 256Mi: twice the demo's " +
            "request, as Go's collector lets the heap grow to twice its live data. Every replica holds the whole mesh, " +
            "so each gets the whole request. Istio's chart: 2Gi. Check: `container_memory_working_set_bytes{container=\"discovery\"}`; " +
            "the kubelet evicts a pod above its request first under memory pressure.",
    },
    {
        what: "istiod CPU request",
        value: ISTIOD_CPU_RULE,
        source:
            "The demo profile's 10m and the load test's 1 vCPU at 2,000 sidecars, the same way. At least 100m: istiod " +
            "answers the injection webhook, and a pod whose injection times out is not created. With an autoscaler the " +
            "request is what its 80 % target measures: Istio's chart's 500m, so that a push does not scale istiod out.",
    },
    {
        what: "egress gateway request",
        value: "100m / 128Mi",
        source:
            "Istio's gateway chart. All of the mesh's egress passes it: at the sidecar's 0.20 vCPU and 60 MB per " +
            "1,000 requests per second, 100m / 128Mi carries about 500 requests per second before the autoscaler adds a pod.",
    },
    {
        what: "Prometheus memory request",
        value: PROMETHEUS_MEMORY_RULE,
        source:
            "About 3 kB per series in the head block (https://www.robustperception.io/why-does-prometheus-use-so-much-ram). " +
            `Series: an estimate of ${grouped(PROMETHEUS_SERIES_PER_PROXY)} per proxy and ${PROMETHEUS_BASE_MIB} MiB for the process and ` +
            "the cluster jobs; no published figure gives either. Check on a live mesh: " +
            "`prometheus_tsdb_head_series` × 3 kB. Retention adds disk, not memory. The prometheus chart sets no request.",
    },
    {
        what: "Prometheus CPU request",
        value: "500m (100m without highAvailability)",
        source:
            "No published figure: Prometheus's CPU goes to ingestion and compaction, which the series above drive. " +
            "meshstack's earlier defaults, kept; `rate(process_cpu_seconds_total[5m])` on a live mesh tells.",
    },
    {
        what: "Kiali request (highAvailability)",
        value: "30m / 128Mi",
        source:
            "Red Hat's OpenShift Service Mesh sizing for 1,000 services and 1,000 requests per second sets Kiali to 30m / 108Mi " +
            `(${OSSM_SIZING}), rounded up to 64Mi steps. The kiali-server chart: 10m / 64Mi (kept without highAvailability).`,
    },
];
