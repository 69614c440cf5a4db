/**
 * An addon: a chart meshstack installs beside the mesh (Prometheus, Kiali), as one unit: its pinned
 * chart, its Service, what its pods request (the capacity budget and the cost report count it, and the
 * report's baseline, its chart's defaults), its
 * endpoints and what the program declares for it (its values, its network policy, the keys it is
 * given, its claim). Each addon's module holds all of it. The budget, the cost report, the outputs'
 * commands and the Observability component iterate over {@link ADDONS}: adding an addon is its module,
 * its line in that list, its pin (versions.ts), its config area and a test.
 */
import type { WorkloadDemand } from "../capacity";
import { SIDECAR } from "../data-plane";
import type { LocalVolumeRequest } from "../local-volume";
import { clusterHost } from "../objects";
import type { PodPlacement } from "../placement";
import type { ResourceQuantities } from "../quantity";
import type { NetworkPolicyObject } from "../zero-trust";
import type { ObservabilitySettings } from "../../model/observability";
import type { PinnedChart } from "../../versions";

/** Pods that must stay out of the mesh (scraping and Kiali reach the proxies directly). */
export const NOT_MESHED = SIDECAR.podOptOut;

/** An addon's key under `meshstack:observability` (the model's areas). */
export type AddonName = keyof ObservabilitySettings;

/** What the addons' demand is computed from: each addon's requests, as the config resolves them. */
export type AddonRequests = { [name in AddonName]: { resources: { requests: ResourceQuantities } } };

/** Where the addons are installed. */
export interface AddonSite {
    /** Their namespace (istiod's). */
    namespace: string;
    /** The StorageClass of their volumes when none is set: the node pool's. */
    storageClass: string;
    /** Where their pods run: the node pool. */
    placement: PodPlacement;
}

/** What an addon's local volume is placed by: the node pool's StorageClass and nodes. */
export interface AddonPool {
    storageClass: { name: string; provisioner: string };
    nodes: readonly { name: string }[];
}

/** A random key the program generates and keeps in a Secret that the addon's chart reads by name. */
export interface GeneratedKey {
    /** Names the key's resources: `<component>-<addon>-<id>` and `<component>-<addon>-<id>-secret`. */
    id: string;
    /** The Secret's name and the key in it. */
    secret: { name: string; key: string };
    /** Its length, in letters and digits. */
    length: number;
}

/** What the program declares for an addon. */
export interface AddonInstall {
    /** Its chart's values. */
    values: object;
    /** Keys made before the chart, each in its Secret. */
    keys: readonly GeneratedKey[];
    /** Its ingress policy (`<component>-<addon>-ingress`), or none. */
    ingress?: NetworkPolicyObject | undefined;
    /**
     * Whether its chart claims a volume: the claim stays with the provider that adopts existing objects
     * (it outlives the release), and waits for the addon's own local volume when it has one
     * ({@link Addon.localVolume}).
     */
    claimsVolume: boolean;
}

/** One addon, named `Name`. */
export interface Addon<Name extends AddonName = AddonName> {
    /** Its key under `meshstack:observability`. */
    name: Name;
    /** Its chart, pinned in versions.ts, and its release name. */
    chart: PinnedChart;
    release: string;
    /** Its Service, whose host and port make its URL. */
    service: { name: string; port: number };
    /** What its pods request. */
    demand(requests: AddonRequests): WorkloadDemand[];
    /**
     * What its pods request with its chart's own defaults (the pinned version's values.yaml): the cost
     * report's baseline.
     */
    chartDefaults: WorkloadDemand[];
    /** What the program declares for it, from the resolved settings. */
    install(settings: ObservabilitySettings, site: AddonSite): AddonInstall;
    /**
     * The local volume the node pool declares for its claim, or `undefined` when none is to be declared
     * (no persistence, or a StorageClass that provisions volumes itself). Without it, none ever.
     */
    localVolume?(settings: ObservabilitySettings, namespace: string, pool: AddonPool): LocalVolumeRequest | undefined;
}

/** An addon's in-cluster URL. */
export function addonUrl(addon: Addon, namespace: string): string {
    return `http://${clusterHost(addon.service.name, namespace)}:${addon.service.port}`;
}

/** The command that opens an addon on localhost. */
export function portForwardCommand(addon: Addon, namespace: string): string {
    return `kubectl port-forward svc/${addon.service.name} -n ${namespace} ${addon.service.port}:${addon.service.port}`;
}
