/**
 * The addons meshstack installs, in order: what the capacity budget, the cost report, the
 * Observability component and its outputs iterate over.
 */
import type { WorkloadDemand } from "../capacity";
import type { LocalVolumeRequest } from "../local-volume";
import type { ObservabilitySettings } from "../../model/observability";
import { AddonName, AddonPool, AddonRequests } from "./addon";
import { KIALI } from "./kiali";
import { PROMETHEUS } from "./prometheus";

export { addonUrl, portForwardCommand } from "./addon";
export type { Addon, AddonName, AddonSite } from "./addon";

/** Every addon (a tuple: what is built from it knows each addon by name). */
export const ADDONS = [PROMETHEUS, KIALI] as const;

/** What the addons' pods request, addon by addon. */
export function addonDemand(requests: AddonRequests): WorkloadDemand[] {
    return ADDONS.flatMap((addon) => addon.demand(requests));
}

/** What the addons' pods request with their charts' own defaults, addon by addon. */
export function addonChartDefaults(): WorkloadDemand[] {
    return ADDONS.flatMap((addon) => addon.chartDefaults);
}

/** The local volume of each addon that has one, by addon: the node pool declares them. */
export function addonLocalVolumes(settings: ObservabilitySettings, namespace: string, pool: AddonPool): ReadonlyMap<AddonName, LocalVolumeRequest> {
    return new Map(
        ADDONS.flatMap((addon): Array<[AddonName, LocalVolumeRequest]> => {
            const volume = addon.localVolume?.(settings, namespace, pool);
            return volume === undefined ? [] : [[addon.name, volume]];
        }),
    );
}

/**
 * Each addon's declared volume (`declared`: the node pool's, by volume name), by addon. The pool declares
 * every request or fails, so a missing one is a wiring fault: it throws.
 */
export function volumesByAddon<Volume>(requests: ReadonlyMap<AddonName, LocalVolumeRequest>, declared: ReadonlyMap<string, Volume>): Map<AddonName, Volume> {
    return new Map(
        [...requests].map(([addon, request]): [AddonName, Volume] => {
            const volume = declared.get(request.name);
            if (volume === undefined) {
                throw new Error(`the local volume ${request.name} of ${addon} was not declared`);
            }
            return [addon, volume];
        }),
    );
}
