/**
 * Every version and chart repository meshstack installs, pinned in one place.
 *
 * Bumping Istio: change `DEFAULT_ISTIO_VERSION` (and `SUPPORTED_ISTIO_MINOR` for a new minor, after
 * re-checking every Helm value path meshstack sets against that minor's charts), run `npm test`, and
 * add a CHANGELOG entry.
 */

/**
 * Istio's official Helm chart repository. The older storage.googleapis.com repository has no 1.31
 * charts and goes away in December 2026.
 */
export const ISTIO_CHART_REPOSITORY = "https://blob.istio.io/istio-release/charts";

/**
 * The Istio release installed when `meshstack:istio.version` is not set: the newest 1.31 patch release
 * in Istio's release notes, checked on 2026-11-25 (1.31.1, published 2026-09-21; it fixes
 * GHSA-qm8v-g4f9-qhjx, a BackendTLSPolicy fail-open to plain text). Any 1.31.x may be set.
 */
export const DEFAULT_ISTIO_VERSION = "1.31.1";

/**
 * The Istio minor release whose charts meshstack's typed Helm values were checked against. Any patch
 * release of this minor may be set in `meshstack:istio.version`.
 */
export const SUPPORTED_ISTIO_MINOR = "1.31";

/** Names of the charts in {@link ISTIO_CHART_REPOSITORY} that meshstack installs. */
export const ISTIO_CHARTS = {
    /** Cluster-wide resources: the CRDs, the default validating webhook, the reader RBAC. */
    base: "base",
    /** The control plane: istiod, the sidecar injector, the mesh config. */
    istiod: "istiod",
    /** A standalone gateway deployment; meshstack uses it for the egress gateway. */
    gateway: "gateway",
    /** Istio's CNI node agent: in ambient, it redirects each ambient pod's traffic to its node's ztunnel. */
    cni: "cni",
    /** ztunnel, ambient's per-node proxy: mTLS (HBONE), identity and L4 policy for the node's ambient pods. */
    ztunnel: "ztunnel",
} as const;

/**
 * The Gateway API's CRDs (standard channel), which Istio's waypoints are declared with: the release's
 * own manifest, pinned. v1.6.1 is the release whose CRDs meshstack's objects were validated against.
 */
export const GATEWAY_API = {
    version: "v1.6.1",
    channel: "standard",
    manifest: "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml",
} as const;

/** A chart pinned at one version in one repository. */
export interface PinnedChart {
    repository: string;
    chart: string;
    version: string;
}

/** Where `helm.v4.Chart` fetches a pinned chart from: its `chart`, `version` and `repositoryOpts` args. */
export function chartSource(pinned: PinnedChart): { chart: string; version: string; repositoryOpts: { repo: string } } {
    return { chart: pinned.chart, version: pinned.version, repositoryOpts: { repo: pinned.repository } };
}

/** One of Istio's charts at `version`, from {@link ISTIO_CHART_REPOSITORY}. */
export function istioChart(chart: keyof typeof ISTIO_CHARTS, version: string): PinnedChart {
    return { repository: ISTIO_CHART_REPOSITORY, chart: ISTIO_CHARTS[chart], version };
}

/**
 * The image that runs the pre-flight gate (preflight/preflight.js): the official Node.js image, Alpine
 * variant, pinned to one release. The script needs only Node's standard library.
 */
export const PREFLIGHT_IMAGE = "node:24.21.0-alpine";

/**
 * The images of the dev demo (`meshstack:demo`): Istio's own helloworld sample, two versions, and curl
 * to send it traffic. Pinned by version.
 */
export const DEMO_IMAGES = {
    v1: "docker.io/istio/examples-helloworld-v1:1.0",
    v2: "docker.io/istio/examples-helloworld-v2:1.0",
    client: "docker.io/curlimages/curl:8.11.1",
} as const;

/** Prometheus, from the prometheus-community chart repository. Values checked against 29.27.0. */
export const PROMETHEUS_CHART = {
    repository: "https://prometheus-community.github.io/helm-charts",
    chart: "prometheus",
    version: "29.27.0",
} as const;

/** Kiali, from Kiali's chart repository. Values checked against 2.29.0. */
export const KIALI_CHART = {
    repository: "https://kiali.org/helm-charts",
    chart: "kiali-server",
    version: "2.29.0",
} as const;

/** A `lookup` call in a pinned chart's templates: what it reads, and the value that keeps it from running. */
export interface ChartLookup {
    /** The chart (as pinned here) and the template helper that calls `lookup`. */
    chart: string;
    version: string;
    template: string;
    /** What it reads: a namespaced list (`namespace` set) or a cluster-wide one. */
    reads: { resource: string; verb: "get" | "list"; namespaced: boolean };
    /** The chart value (dotted path) and the setting at which the template does not call `lookup`. */
    offWhen: { path: string; value: unknown };
}

/**
 * Every `lookup` in the templates of the charts pinned here, read in each chart's templates at its
 * pinned version (Istio's base, istiod and gateway charts and prometheus have none; the subcharts
 * prometheus can switch on were not read; Istio's cni and ztunnel charts have none either). \`helm.v4.Chart\` renders with a server-side dry run, so a
 * lookup runs with the rights of whoever previews: the read-only preview identity
 * (ci/rbac/preview-reader.yaml) cannot list Secrets. meshstack sets each `offWhen` value; a test checks
 * that, and that the preview role could serve any lookup left on. Re-read the templates on a bump.
 */
export const CHART_LOOKUPS: readonly ChartLookup[] = [
    {
        chart: KIALI_CHART.chart,
        version: KIALI_CHART.version,
        template: "kiali-server.remote-cluster-secrets",
        reads: { resource: "secrets", verb: "list", namespaced: true },
        offWhen: { path: "clustering.autodetect_secrets.enabled", value: false },
    },
    {
        chart: KIALI_CHART.chart,
        version: KIALI_CHART.version,
        template: "kiali-server.accessible-namespaces",
        reads: { resource: "namespaces", verb: "list", namespaced: false },
        offWhen: { path: "deployment.cluster_wide_access", value: true },
    },
];
