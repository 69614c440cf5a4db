/**
 * Local PersistentVolumes on a pool node's NVMe disk, for the `kubernetes.io/no-provisioner` class:
 * nothing creates such a volume on demand, so meshstack declares each one itself, pre-bound to the
 * claim that uses it. Pure functions.
 *
 * What happens to the data:
 * - First `pulumi up`: a Job on the node creates the volume's folder (a hostPath `DirectoryOrCreate`:
 *   the kubelet makes it), then the volume is declared with `claimRef` naming its claim, so no other
 *   claim of the class can take it; the claim binds when its pod is scheduled (WaitForFirstConsumer),
 *   on that node (the volume's node affinity). The kubelet gives the folder to the pod's `fsGroup`.
 * - `pulumi destroy`: the claim and the volume object are deleted; the folder and its data stay on the
 *   disk (reclaim policy Retain, and no plugin ever deletes a local volume's files).
 * - The next `pulumi up`: a new volume object at the same folder, bound to the new claim: the data is
 *   back. (A retained volume object would instead stay `Released`, its claimRef naming the deleted
 *   claim, and never bind again: so the object goes, the folder stays.)
 */
import type * as inputs from "@pulumi/kubernetes/types/input";
import type * as pulumi from "@pulumi/pulumi";
import { PREFLIGHT_IMAGE } from "../versions";
import { named } from "./crd-protection";
import { withAnnotations } from "./objects";
import { SIDECAR } from "./data-plane";
import { Toleration } from "./placement";

/** The provisioner of a StorageClass whose volumes are declared by hand: local volumes. */
export const LOCAL_VOLUMES = "kubernetes.io/no-provisioner";

/** The folder, under a node's NVMe mount, that holds meshstack's local volumes (one folder each). */
export const LOCAL_VOLUME_FOLDER = "meshstack-volumes";

/** A local volume a component needs. */
export interface LocalVolumeRequest {
    /** The volume's short name: its folder, and `meshstack-<name>` as the PersistentVolume's name. */
    name: string;
    /** The pool node that holds it. */
    node: string;
    /** Its capacity (the claim's request). */
    size: string;
    /** The claim it is reserved for. */
    claim: { namespace: string; name: string };
}

/** Where the volume lives on its node. */
export function localVolumePath(nvmeMountPath: string, name: string): string {
    return `${nvmeMountPath.replace(/\/+$/, "")}/${LOCAL_VOLUME_FOLDER}/${name}`;
}

/** The PersistentVolume: on `node` only, reserved for its claim, never deleted with its data. */
export function localPersistentVolume(
    request: LocalVolumeRequest,
    nvmeMountPath: string,
    storageClass: string,
    labels: Record<string, string>,
): inputs.core.v1.PersistentVolume {
    return {
        metadata: { name: `meshstack-${request.name}`, labels },
        spec: {
            capacity: { storage: request.size },
            accessModes: ["ReadWriteOnce"],
            volumeMode: "Filesystem",
            persistentVolumeReclaimPolicy: "Retain",
            storageClassName: storageClass,
            claimRef: { namespace: request.claim.namespace, name: request.claim.name },
            local: { path: localVolumePath(nvmeMountPath, request.name) },
            nodeAffinity: {
                required: {
                    nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [request.node] }] }],
                },
            },
        },
    };
}

/**
 * The Job that makes the volume's folder on its node: its pod mounts the folder as a hostPath of type
 * `DirectoryOrCreate`, which the kubelet creates (and leaves as it is when it exists), and exits. It
 * runs as a non-root user with nothing else to do; the folder is the kubelet's work.
 */
export function localVolumeFolderJob(
    request: LocalVolumeRequest,
    nvmeMountPath: string,
    namespace: string,
    tolerations: Toleration[],
    labels: Record<string, string>,
): inputs.batch.v1.Job {
    return {
        metadata: { name: `volume-${request.name}-folder`, namespace, labels },
        spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: 300,
            template: {
                metadata: { labels: { ...labels, ...SIDECAR.podOptOut } },
                spec: {
                    nodeName: request.node,
                    restartPolicy: "Never",
                    automountServiceAccountToken: false,
                    tolerations,
                    securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
                    containers: [
                        {
                            name: "folder",
                            image: PREFLIGHT_IMAGE,
                            command: ["node", "-e", `console.log(${JSON.stringify(`folder ready: ${localVolumePath(nvmeMountPath, request.name)}`)})`],
                            resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
                            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                            volumeMounts: [{ name: "folder", mountPath: "/volume", readOnly: true }],
                        },
                    ],
                    volumes: [{ name: "folder", hostPath: { path: localVolumePath(nvmeMountPath, request.name), type: "DirectoryOrCreate" } }],
                },
            },
        },
    };
}

/** The Pulumi type of a PersistentVolumeClaim rendered by a Helm v4 Chart. */
export const PERSISTENT_VOLUME_CLAIM_TYPE = "kubernetes:core/v1:PersistentVolumeClaim";

/**
 * A `transforms` entry for a chart whose claim uses a volume meshstack declares:
 * - the claim goes through `retainedProvider`, which adopts a claim that already exists. meshstack
 *   before issue 17 retained the claim on destroy through that provider; keeping the provider keeps
 *   an existing stack's claim in place (a provider change would replace it, and the new claim would
 *   fail with AlreadyExists), and it is no longer retained.
 * - with `boundToLocalVolume`, the claim is ready once `Bound`: a volume pre-bound by its `claimRef`
 *   binds at once, and Pulumi's own check of a claim on a WaitForFirstConsumer class expects `Pending`
 *   and would time out.
 */
export function localVolumeClaim(
    retainedProvider: pulumi.ProviderResource,
    boundToLocalVolume: boolean,
): (args: pulumi.ResourceTransformArgs) => pulumi.ResourceTransformResult | undefined {
    return named(boundToLocalVolume ? "adopt PersistentVolumeClaim, ready once Bound" : "adopt PersistentVolumeClaim", (args) => {
        if (args.type !== PERSISTENT_VOLUME_CLAIM_TYPE) {
            return undefined;
        }
        return {
            props: boundToLocalVolume ? withAnnotations(args.props, WAIT_FOR_BOUND) : args.props,
            opts: { ...args.opts, provider: retainedProvider },
        };
    });
}

/** The claim is ready once bound. */
export const WAIT_FOR_BOUND = { "pulumi.com/waitFor": "jsonpath={.status.phase}=Bound" } as const;
