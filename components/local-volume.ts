import * as batchv1 from "@pulumi/kubernetes/batch/v1";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import { localPersistentVolume, localVolumeFolderJob, LocalVolumeRequest } from "../lib/local-volume";
import { PART_OF } from "../lib/objects";
import { Toleration } from "../lib/placement";

/** Arguments of {@link LocalVolume}. */
export interface LocalVolumeArgs {
    /** The volume: its name, node, size and the claim it is reserved for. */
    request: LocalVolumeRequest;
    /** Where that node's NVMe disk is mounted. */
    nvmeMountPath: string;
    /** The local-volume StorageClass. */
    storageClass: string;
    /** The namespace of the folder's Job (Pod Security `privileged`: it mounts a hostPath). */
    jobNamespace: string;
    /** The pool's taints, tolerated by the Job. */
    tolerations: Toleration[];
    /** What must exist first: the Job's namespace and the StorageClass. */
    after: pulumi.Resource[];
}

/**
 * One local PersistentVolume on a pool node's NVMe disk, with the Job that makes its folder first
 * (see lib/local-volume.ts for what happens to the data on destroy and the next up). Depend on the
 * component to wait for the volume.
 */
export class LocalVolume extends pulumi.ComponentResource {
    /** The PersistentVolume's name. */
    public readonly volumeName: pulumi.Output<string>;

    constructor(name: string, args: LocalVolumeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshstack:pool:LocalVolume", name, {}, opts);
        const labels = { "app.kubernetes.io/name": "meshstack-local-volume", "app.kubernetes.io/instance": args.request.name, ...PART_OF };
        const folder = new batchv1.Job(
            `${name}-folder`,
            localVolumeFolderJob(args.request, args.nvmeMountPath, args.jobNamespace, args.tolerations, labels),
            { parent: this, dependsOn: args.after },
        );
        const volume = new corev1.PersistentVolume(
            `${name}-volume`,
            localPersistentVolume(args.request, args.nvmeMountPath, args.storageClass, labels),
            // Once bound, the PV controller owns the whole claimRef (an atomic struct): applying it
            // again would conflict. meshstack sets it only when it creates the volume.
            { parent: this, dependsOn: [folder, ...args.after], ignoreChanges: ["spec.claimRef"] },
        );
        this.volumeName = volume.metadata.name;
        this.registerOutputs({ volumeName: this.volumeName });
    }
}
