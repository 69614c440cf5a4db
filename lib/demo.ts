/**
 * The dev demo's workloads: Istio's helloworld sample in two versions behind one Service, and a client
 * that calls it every second, so that Kiali shows the canary split right after `pulumi up`. Pure
 * functions; each pod is non-root, with requests and limits, sized sidecar and pinned to the pool.
 */
import type * as inputs from "@pulumi/kubernetes/types/input";
import { DEMO_IMAGES } from "../versions";
import { PodPlacement } from "./placement";
import { PART_OF } from "./objects";

/** The demo's Service name and port (the helloworld sample listens on 5000). */
export const DEMO_SERVICE = { name: "helloworld", port: 5000 } as const;


const RESTRICTED: inputs.core.v1.SecurityContext = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
};

function podSecurity(user: number): inputs.core.v1.PodSecurityContext {
    return { runAsNonRoot: true, runAsUser: user, runAsGroup: user, seccompProfile: { type: "RuntimeDefault" } };
}

/** The Service in front of both versions. */
export function demoService(namespace: string): inputs.core.v1.Service {
    return {
        metadata: { name: DEMO_SERVICE.name, namespace, labels: { app: DEMO_SERVICE.name, ...PART_OF } },
        spec: {
            selector: { app: DEMO_SERVICE.name },
            ports: [{ name: "http", port: DEMO_SERVICE.port, targetPort: DEMO_SERVICE.port }],
        },
    };
}

/** A one-replica Deployment of the demo: meshed (its sidecar size in the pod annotations), on the pool. */
function demoDeployment(
    name: string,
    labels: Record<string, string>,
    namespace: string,
    sidecar: Record<string, string>,
    placement: PodPlacement,
    pod: { user: number; container: inputs.core.v1.Container; volumes?: inputs.core.v1.Volume[] },
): inputs.apps.v1.Deployment {
    return {
        metadata: { name, namespace, labels: { ...labels, ...PART_OF } },
        spec: {
            replicas: 1,
            selector: { matchLabels: labels },
            template: {
                metadata: { labels, annotations: sidecar },
                spec: {
                    securityContext: podSecurity(pod.user),
                    nodeSelector: placement.nodeSelector,
                    tolerations: placement.tolerations,
                    containers: [{ ...pod.container, securityContext: RESTRICTED }],
                    // None for the client: Pulumi sends no key whose value is undefined.
                    volumes: pod.volumes,
                },
            },
        },
    };
}

/** One version's Deployment, with its sidecar size in the pod annotations. */
export function demoVersion(
    namespace: string,
    version: "v1" | "v2",
    sidecar: Record<string, string>,
    placement: PodPlacement,
): inputs.apps.v1.Deployment {
    return demoDeployment(`${DEMO_SERVICE.name}-${version}`, { app: DEMO_SERVICE.name, version }, namespace, sidecar, placement, {
        user: 1000,
        container: {
            name: DEMO_SERVICE.name,
            image: DEMO_IMAGES[version],
            ports: [{ containerPort: DEMO_SERVICE.port }],
            resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "128Mi" } },
            // The root filesystem is read-only: gunicorn's worker heartbeat files go to an emptyDir at
            // /tmp, and Python writes no bytecode cache.
            env: [{ name: "PYTHONDONTWRITEBYTECODE", value: "1" }],
            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
        },
        volumes: [{ name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } }],
    });
}

/** A client that calls the demo once a second, so the split shows in Kiali. */
export function demoClient(namespace: string, sidecar: Record<string, string>, placement: PodPlacement): inputs.apps.v1.Deployment {
    const url = `http://${DEMO_SERVICE.name}:${DEMO_SERVICE.port}/hello`;
    return demoDeployment(`${DEMO_SERVICE.name}-client`, { app: `${DEMO_SERVICE.name}-client` }, namespace, sidecar, placement, {
        user: 100,
        container: {
            name: "client",
            image: DEMO_IMAGES.client,
            command: ["/bin/sh", "-c", `while true; do curl -s -o /dev/null ${url}; sleep 1; done`],
            resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
        },
    });
}
