import { MeshPlatform } from "./components/mesh-platform";
import { loadMeshConfig } from "./config";

const config = loadMeshConfig();
const { outputs } = new MeshPlatform("meshstack", {
    cluster: config.cluster,
    nodePool: config.nodePool,
    istio: config.istio,
    mesh: config.mesh,
    services: config.services,
    demo: config.demo,
    observability: config.observability,
});

// The outputs, as the contract other teams import (contract/outputs.ts) names and types them; a test
// checks that these are exactly its outputs, in its order.
export const outputsVersion = outputs.outputsVersion;
export const istioVersion = outputs.istioVersion;
export const istioNamespace = outputs.istioNamespace;
export const istiodHost = outputs.istiodHost;
export const egressGatewayNamespace = outputs.egressGatewayNamespace;
export const egressGatewayHost = outputs.egressGatewayHost;
export const egressGatewaySelector = outputs.egressGatewaySelector;
export const poolNodes = outputs.poolNodes;
export const storageClassName = outputs.storageClassName;
export const meshNamespaces = outputs.meshNamespaces;
export const dataPlanes = outputs.dataPlanes;
export const mtls = outputs.mtls;
export const egress = outputs.egress;
export const services = outputs.services;
export const observability = outputs.observability;
export const meshOverhead = outputs.meshOverhead;
