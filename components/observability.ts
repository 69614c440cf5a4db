import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as helm from "@pulumi/kubernetes/helm/v4";
import * as networkingv1 from "@pulumi/kubernetes/networking/v1";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Addon, AddonName, AddonSite, addonUrl, portForwardCommand } from "../lib/addons";
import { localVolumeClaim } from "../lib/local-volume";
import { byText, PART_OF } from "../lib/objects";
import { chartSource } from "../versions";
import type { ObservabilitySettings } from "../model/observability";

/** Arguments of {@link Observability}: the addons' settings, where they go, and what they wait for. */
export interface ObservabilityArgs<Name extends AddonName = AddonName> extends ObservabilitySettings, AddonSite {
    /** The addons to install, in this order: `ADDONS` (lib/addons/). */
    addons: readonly Addon<Name>[];
    /**
     * Each addon's local volume (declared by the node pool), which its claim binds to and waits for; an
     * addon without one (no persistence, or a StorageClass that provisions volumes itself) has none.
     */
    volumes: ReadonlyMap<AddonName, pulumi.Resource>;
    /**
     * The provider that adopts existing objects: an addon's claim stays with it (see
     * `localVolumeClaim` in lib/local-volume.ts).
     */
    retainedProvider: pulumi.ProviderResource;
    /** The ready control plane. */
    controlPlane: pulumi.Resource;
}

/**
 * The addons (`ADDONS`: Prometheus and Kiali) from their official charts, wired to each other and
 * to the mesh, outside the mesh themselves, on the node pool. Each addon says what it needs declared
 * (lib/addons/); this declares it, addon by addon, in one way.
 */
export class Observability<Name extends AddonName = AddonName> extends pulumi.ComponentResource {
    /** The installed addons, by name. */
    private readonly installed: ReadonlyMap<AddonName, AddonEndpoint>;

    constructor(name: string, args: ObservabilityArgs<Name>, opts?: pulumi.ComponentResourceOptions) {
        super("meshstack:observability:Observability", name, {}, opts);
        const after = { parent: this, dependsOn: [args.controlPlane] };
        const site: AddonSite = args;

        for (const addon of args.addons) {
            const install = addon.install(args, site);
            const secrets = install.keys.map((key) => {
                const value = new random.RandomPassword(`${name}-${addon.name}-${key.id}`, { length: key.length, special: false }, { parent: this });
                return new corev1.Secret(
                    `${name}-${addon.name}-${key.id}-secret`,
                    {
                        metadata: { name: key.secret.name, namespace: args.namespace, labels: { ...PART_OF } },
                        type: "Opaque",
                        stringData: { [key.secret.key]: value.result },
                    },
                    after,
                );
            });
            const volume = args.volumes.get(addon.name);
            const volumes = install.claimsVolume && volume !== undefined ? [volume] : [];
            new helm.Chart(
                `${name}-${addon.name}`,
                { ...chartSource(addon.chart), name: addon.release, namespace: args.namespace, values: install.values },
                {
                    parent: this,
                    dependsOn: [args.controlPlane, ...volumes, ...secrets],
                    ...(install.claimsVolume ? { transforms: [localVolumeClaim(args.retainedProvider, volumes.length > 0)] } : {}),
                },
            );
            if (install.ingress !== undefined) {
                new networkingv1.NetworkPolicy(`${name}-${addon.name}-ingress`, install.ingress, after);
            }
        }

        const byName = [...args.addons].sort((a, b) => byText(a.name, b.name));
        this.installed = new Map(
            byName.map((addon) => [addon.name, { url: addonUrl(addon, args.namespace), portForward: portForwardCommand(addon, args.namespace) }]),
        );
        this.registerOutputs({ endpoints: Object.fromEntries(this.installed) });
    }

    /**
     * An installed addon's URL and command. `Name` is exact when the addons are a literal tuple (`ADDONS`):
     * asking for another fails the compile; were the type widened, it throws.
     */
    public endpoint(name: Name): AddonEndpoint {
        const endpoint = this.installed.get(name);
        if (endpoint === undefined) {
            throw new Error(`the addon ${name} is not installed: add it to ADDONS (lib/addons/index.ts)`);
        }
        return endpoint;
    }
}

/** Where an addon answers. */
export interface AddonEndpoint {
    /** Its in-cluster URL. */
    url: string;
    /** The command that opens it on localhost. */
    portForward: string;
}
