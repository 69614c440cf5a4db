/**
 * The defaults that `meshstack:highAvailability` decides, as two profiles side by side (as Istio keeps
 * its install profiles in files of their own): `production` for `highAvailability: true`, `dev` for
 * false. The area schemas read their defaults from here; nothing else branches on the flag for a
 * default. (Rules that the flag turns on, such as at least 2 replicas, live with their area's checks.)
 */
import type { ResourceQuantities, ResourceRequirements } from "../model";

/** Everything a profile sets. */
export interface Profile {
    istio: {
        /** istiod's and the egress gateway's replicas at rest and their autoscalers' maximum. */
        replicas: { replicas: number; maxReplicas: number };
        /** istiod's limits; its requests follow the mesh's size (lib/sizing.ts). */
        istiodLimits: ResourceQuantities;
    };
    mesh: {
        /** Deny every call into an application namespace but those its `allowFrom` lists. */
        defaultDeny: boolean;
    };
    prometheus: {
        retention: string;
        persistence: boolean;
        size: string;
        /** Prometheus's CPU request; its memory request follows the mesh's size (lib/sizing.ts). */
        cpuRequest: string;
        limits: ResourceQuantities;
    };
    kiali: {
        strategy: "anonymous" | "token";
        resources: ResourceRequirements;
    };
}

/** The two profiles. */
export const PROFILES: Readonly<Record<"production" | "dev", Profile>> = {
    production: {
        istio: {
            replicas: { replicas: 2, maxReplicas: 5 },
            istiodLimits: { cpu: "2000m", memory: "4Gi" },
        },
        mesh: { defaultDeny: true },
        prometheus: {
            retention: "15d",
            persistence: true,
            size: "50Gi",
            cpuRequest: "500m",
            limits: { cpu: "2000m", memory: "4Gi" },
        },
        kiali: { strategy: "token", resources: { requests: { cpu: "30m", memory: "128Mi" }, limits: { cpu: "1000m", memory: "1Gi" } } },
    },
    dev: {
        istio: {
            replicas: { replicas: 1, maxReplicas: 1 },
            istiodLimits: { cpu: "1000m", memory: "1Gi" },
        },
        mesh: { defaultDeny: false },
        prometheus: {
            retention: "2d",
            persistence: false,
            size: "8Gi",
            cpuRequest: "100m",
            limits: { cpu: "1000m", memory: "2Gi" },
        },
        kiali: { strategy: "anonymous", resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { cpu: "500m", memory: "1Gi" } } },
    },
};

/** The profile of a stack with or without `highAvailability`. */
export function profileOf(highAvailability: boolean): Profile {
    return PROFILES[highAvailability ? "production" : "dev"];
}
