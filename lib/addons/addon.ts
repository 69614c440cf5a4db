/**
 * An addon: a chart meshstack installs beside the mesh (Prometheus, Kiali), as one unit: its pinned
 * chart, its Service, what its pods request (the capacity budget and the cost report count it) and its
 * endpoints. Each addon's module holds its values too. Adding an addon is its module, its config area
 * and a test; the budget, the cost report and the outputs' commands iterate over {@link ADDONS}.
 */
import type { WorkloadDemand } from "../capacity";
import { SIDECAR } from "../data-plane";
import { clusterHost } from "../objects";
import type { ResourceQuantities } from "../quantity";
import type { PinnedChart } from "../../versions";

/** Pods that must stay out of the mesh (scraping and Kiali reach the proxies directly). */
export const NOT_MESHED = SIDECAR.podOptOut;

/** What the addons' demand is computed from: each addon's requests, as the config resolves them. */
export interface AddonRequests {
    prometheus: { resources: { requests: ResourceQuantities } };
    kiali: { resources: { requests: ResourceQuantities } };
    /** Prometheus's config reloader. @default its {@link CONFIG_RELOADER_RESOURCES} (see prometheus.ts) */
    configReloader?: ResourceQuantities | undefined;
}

/** One addon. */
export interface Addon {
    /** Its key under `meshstack:observability`. */
    name: "prometheus" | "kiali";
    /** Its chart, pinned in versions.ts, and its release name. */
    chart: PinnedChart;
    release: string;
    /** Its Service, whose host and port make its URL. */
    service: { name: string; port: number };
    /** What its pods request. */
    demand(requests: AddonRequests): WorkloadDemand[];
}

/** An addon's in-cluster URL. */
export function addonUrl(addon: Addon, namespace: string): string {
    return `http://${clusterHost(addon.service.name, namespace)}:${addon.service.port}`;
}

/** The command that opens an addon on localhost. */
export function portForwardCommand(addon: Addon, namespace: string): string {
    return `kubectl port-forward svc/${addon.service.name} -n ${namespace} ${addon.service.port}:${addon.service.port}`;
}
