import * as appsv1 from "@pulumi/kubernetes/apps/v1";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import { demoClient, demoService, demoVersion } from "../lib/demo";
import { PodPlacement } from "../lib/placement";

/** Arguments of {@link DemoApp}. */
export interface DemoAppArgs {
    /** The mesh namespace the demo runs in. */
    namespace: string;
    /** The annotations the data plane wants on the demo's pods (with sidecars: their size). */
    podAnnotations: Record<string, string>;
    /** Where the demo's pods run (the node pool). */
    placement: PodPlacement;
    /** The demo's mesh namespace, so its pods are injected. */
    after: pulumi.Resource[];
}

/**
 * The dev demo: Istio's helloworld sample (v1 and v2 Deployments behind one Service) and a client that
 * calls it, so that the canary split shows in Kiali. Its routing is a `meshstack:services` entry.
 */
export class DemoApp extends pulumi.ComponentResource {
    /** Each version's Deployment: a route that sends it traffic waits for it (pods first, then weight). */
    public readonly versions: ReadonlyMap<string, appsv1.Deployment>;

    constructor(name: string, args: DemoAppArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshstack:demo:DemoApp", name, {}, opts);
        const after = { parent: this, dependsOn: args.after };
        new corev1.Service(`${name}-service`, demoService(args.namespace), after);
        this.versions = new Map(
            (["v1", "v2"] as const).map((version) => [
                version,
                new appsv1.Deployment(`${name}-${version}`, demoVersion(args.namespace, version, args.podAnnotations, args.placement), after),
            ]),
        );
        new appsv1.Deployment(`${name}-client`, demoClient(args.namespace, args.podAnnotations, args.placement), after);
        this.registerOutputs({});
    }

    /** The Deployments of the versions that `weights` send traffic to (a version at 0 may come later). */
    public podsServing(weights: Readonly<Record<string, number>>): appsv1.Deployment[] {
        return [...this.versions].filter(([version]) => (weights[version] ?? 0) > 0).map(([, deployment]) => deployment);
    }
}
