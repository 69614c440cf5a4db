import * as pulumi from "@pulumi/pulumi";
import { MeshPlatform } from "./components/mesh-platform";
import { MeshstackOutputs, OUTPUTS_VERSION } from "./contract/outputs";
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

/**
 * The outputs, checked against the contract other teams import (contract/outputs.ts): a missing,
 * extra or mistyped output fails the compile.
 */
type Exports<T> = { [K in keyof T]: pulumi.Input<T[K]> };
const outputs: Exports<MeshstackOutputs> = {
    outputsVersion: OUTPUTS_VERSION,
    istioVersion: mesh.istioVersion,
    istioNamespace: mesh.istioNamespace,
    istiodHost: mesh.istiodHost,
    egressGatewayNamespace: mesh.egressGatewayNamespace,
    egressGatewayHost: mesh.egressGatewayHost,
    egressGatewaySelector: mesh.egressGatewaySelector,
    poolNodes: mesh.poolNodes,
    storageClassName: mesh.storageClassName,
    meshNamespaces: mesh.meshNamespaces,
    mtls: mesh.mtls,
    egress: mesh.egress,
    services: mesh.services,
    observability: mesh.observability,
    meshOverhead: mesh.meshOverhead,
};

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
export const mtls = outputs.mtls;
export const egress = outputs.egress;
export const services = outputs.services;
export const observability = outputs.observability;
export const meshOverhead = outputs.meshOverhead;
