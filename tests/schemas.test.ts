/**
 * Every Kubernetes object the program declares directly is valid against the official Kubernetes
 * schema (kubernetes-models, ESM-only: loaded with import()). Charts are checked through their values.
 */
import * as assert from "assert";
import { ProgramRun, RecordedResource, revealed, stackRun } from "./harness";
import { ambientDev, migratingProd } from "./program-fixtures";

interface Validatable {
    validate(): void;
}
type ModelClass = new (data: never) => Validatable;

/** The model of each Kubernetes type the program declares as a plain object. */
async function models(): Promise<Record<string, ModelClass>> {
    const [{ ServiceAccount }, { ClusterRole }, { ClusterRoleBinding }, { Role }, { RoleBinding }, { PersistentVolume }] = await Promise.all([
        import("kubernetes-models/v1/ServiceAccount"),
        import("kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole"),
        import("kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding"),
        import("kubernetes-models/rbac.authorization.k8s.io/v1/Role"),
        import("kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding"),
        import("kubernetes-models/v1/PersistentVolume"),
    ]);
    const [{ Namespace }, { ConfigMap }, { Node }, { Job }, { StorageClass }, { PriorityClass }, { NetworkPolicy }, { Service }, { Deployment }, { Secret }] = await Promise.all([
        import("kubernetes-models/v1/Namespace"),
        import("kubernetes-models/v1/ConfigMap"),
        import("kubernetes-models/v1/Node"),
        import("kubernetes-models/batch/v1/Job"),
        import("kubernetes-models/storage.k8s.io/v1/StorageClass"),
        import("kubernetes-models/scheduling.k8s.io/v1/PriorityClass"),
        import("kubernetes-models/networking.k8s.io/v1/NetworkPolicy"),
        import("kubernetes-models/v1/Service"),
        import("kubernetes-models/apps/v1/Deployment"),
        import("kubernetes-models/v1/Secret"),
    ]);
    // Istio's own schemas (the 1.29 CRDs, with the v1 APIs), ESM-only.
    const [{ PeerAuthentication }, { AuthorizationPolicy }, { Sidecar }, { Gateway }, { DestinationRule }, { VirtualService }, { ServiceEntry }] =
        await Promise.all([
            import("@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication"),
            import("@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy"),
            import("@kubernetes-models/istio/networking.istio.io/v1/Sidecar"),
            import("@kubernetes-models/istio/networking.istio.io/v1/Gateway"),
            import("@kubernetes-models/istio/networking.istio.io/v1/DestinationRule"),
            import("@kubernetes-models/istio/networking.istio.io/v1/VirtualService"),
            import("@kubernetes-models/istio/networking.istio.io/v1/ServiceEntry"),
        ]);
    // The Gateway API's (v1 APIs; structural: the CRDs' CEL rules are not run here).
    const [{ Gateway: GatewayApiGateway }, { HTTPRoute }] = await Promise.all([
        import("@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway"),
        import("@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute"),
    ]);
    return {
        "kubernetes:gateway.networking.k8s.io/v1:Gateway": GatewayApiGateway as unknown as ModelClass,
        "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute": HTTPRoute as unknown as ModelClass,
        "kubernetes:networking.k8s.io/v1:NetworkPolicy": NetworkPolicy as unknown as ModelClass,
        "kubernetes:core/v1:Service": Service as unknown as ModelClass,
        "kubernetes:apps/v1:Deployment": Deployment as unknown as ModelClass,
        "kubernetes:core/v1:Secret": Secret as unknown as ModelClass,
        "kubernetes:core/v1:NamespacePatch": Namespace as unknown as ModelClass,
        "kubernetes:security.istio.io/v1:PeerAuthentication": PeerAuthentication as unknown as ModelClass,
        "kubernetes:security.istio.io/v1:AuthorizationPolicy": AuthorizationPolicy as unknown as ModelClass,
        "kubernetes:networking.istio.io/v1:Sidecar": Sidecar as unknown as ModelClass,
        "kubernetes:networking.istio.io/v1:Gateway": Gateway as unknown as ModelClass,
        "kubernetes:networking.istio.io/v1:DestinationRule": DestinationRule as unknown as ModelClass,
        "kubernetes:networking.istio.io/v1:VirtualService": VirtualService as unknown as ModelClass,
        "kubernetes:networking.istio.io/v1:ServiceEntry": ServiceEntry as unknown as ModelClass,
        "kubernetes:core/v1:Namespace": Namespace as unknown as ModelClass,
        "kubernetes:core/v1:ConfigMap": ConfigMap as unknown as ModelClass,
        // A patch is a partial Node: every field it sets must still be valid.
        "kubernetes:core/v1:NodePatch": Node as unknown as ModelClass,
        "kubernetes:batch/v1:Job": Job as unknown as ModelClass,
        "kubernetes:storage.k8s.io/v1:StorageClass": StorageClass as unknown as ModelClass,
        "kubernetes:scheduling.k8s.io/v1:PriorityClass": PriorityClass as unknown as ModelClass,
        "kubernetes:core/v1:ServiceAccount": ServiceAccount as unknown as ModelClass,
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole": ClusterRole as unknown as ModelClass,
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": ClusterRoleBinding as unknown as ModelClass,
        "kubernetes:rbac.authorization.k8s.io/v1:Role": Role as unknown as ModelClass,
        "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": RoleBinding as unknown as ModelClass,
        "kubernetes:core/v1:PersistentVolume": PersistentVolume as unknown as ModelClass,
    };
}

/** What renders objects rather than being one: charts (checked by their values) and the Gateway API's release manifest. */
const RENDERERS = ["kubernetes:helm.sh/v4:Chart", "kubernetes:yaml/v2:ConfigFile"];

/** Declared objects: every Kubernetes resource but renderers and reads. */
function declaredObjects(resources: RecordedResource[]): RecordedResource[] {
    return resources.filter((resource) => resource.type.startsWith("kubernetes:") && !RENDERERS.includes(resource.type) && resource.readId === undefined);
}

const RUNS: Array<[string, () => Promise<ProgramRun>]> = [
    ["dev", () => stackRun("dev")],
    ["prod", () => stackRun("prod")],
    ["dev in ambient", ambientDev],
    ["prod moving backend to ambient", migratingProd],
];

describe("schemas", () => {
    for (const [stack, programRun] of RUNS) {
        it(`${stack}: every object the program declares is valid against its Kubernetes schema`, async () => {
            const byType = await models();
            const run = await programRun();
            const objects = declaredObjects(run.resources);
            const unchecked = objects.filter((object) => byType[object.type] === undefined).map((object) => object.type);
            assert.deepStrictEqual(unchecked, [], "a Kubernetes type without a schema check");
            for (const object of objects) {
                const Model = byType[object.type];
                const { kind } = object.inputs as { kind?: string };
                const inputs = revealed(object.inputs) as Record<string, unknown>;
                const data = object.type.endsWith("Patch") ? { ...inputs, kind: kind?.replace(/Patch$/, "") } : inputs;
                assert.doesNotThrow(() => new Model(data as never).validate(), object.name);
            }
        });
    }

    it("rejects an invalid Namespace, Job, PeerAuthentication and HTTPRoute (the checks can fail)", async () => {
        const byType = await models();
        const Namespace = byType["kubernetes:core/v1:Namespace"];
        const Job = byType["kubernetes:batch/v1:Job"];
        const PeerAuthentication = byType["kubernetes:security.istio.io/v1:PeerAuthentication"];
        assert.throws(() => new Namespace({ metadata: { name: "x", labels: { a: 1 } } } as never).validate());
        assert.throws(() => new Job({ spec: { template: { spec: { containers: [{ image: "x" }] } } } } as never).validate());
        assert.throws(() =>
            new PeerAuthentication({ metadata: { name: "x", namespace: "y" }, spec: { mtls: { mode: "STRICTT" } } } as never).validate(),
        );
        const HTTPRoute = byType["kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"];
        assert.throws(() =>
            new HTTPRoute({ metadata: { name: "x", namespace: "y" }, spec: { rules: [{ backendRefs: [{ name: "a", weight: -1 }] }] } } as never).validate(),
        );
    });
});
