/**
 * The addons meshstack installs, in order: what the capacity budget, the cost report, the
 * Observability component and its outputs iterate over.
 */
import type { WorkloadDemand } from "../capacity";
import { Addon, AddonRequests } from "./addon";
import { KIALI } from "./kiali";
import { PROMETHEUS } from "./prometheus";

export { addonUrl, portForwardCommand } from "./addon";
export type { Addon, AddonInstall, AddonName, AddonRequests, AddonSite, GeneratedKey } from "./addon";

/** Every addon. */
export const ADDONS: readonly Addon[] = [PROMETHEUS, KIALI];

/** What the addons' pods request, addon by addon. */
export function addonDemand(requests: AddonRequests): WorkloadDemand[] {
    return ADDONS.flatMap((addon) => addon.demand(requests));
}

/** What the addons' pods request with their charts' own defaults, addon by addon. */
export function addonChartDefaults(): WorkloadDemand[] {
    return ADDONS.flatMap((addon) => addon.chartDefaults);
}
