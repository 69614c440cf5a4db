import { MeshPlatform } from "./components/mesh-platform";
import { loadMeshConfig } from "./config";

const config = loadMeshConfig();
const mesh = new MeshPlatform("meshstack", {
    cluster: config.cluster,
    nodePool: config.nodePool,
    istio: config.istio,
    mesh: config.mesh,
    services: config.services,
    demo: config.demo,
    observability: config.observability,
});

export const istioVersion = mesh.istioVersion;
export const istioNamespace = mesh.istioNamespace;
export const istiodHost = mesh.istiodHost;
export const egressGatewayNamespace = mesh.egressGatewayNamespace;
export const egressGatewayHost = mesh.egressGatewayHost;
export const egressGatewaySelector = mesh.egressGatewaySelector;
export const meshOverhead = mesh.meshOverhead;
export const poolNodes = mesh.poolNodes;
export const storageClassName = mesh.storageClassName;
export const meshNamespaces = mesh.meshNamespaces;
export const mtls = mesh.mtls;
export const egress = mesh.egress;
export const services = mesh.services;
export const observability = mesh.observability;
