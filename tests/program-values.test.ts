/** The chart values of the shipped stacks: one small replica in dev, 2 to 5 with budgets in prod. */
import * as assert from "assert";
import { expectedSpread, GATEWAY_RESOURCES, ISTIO_REPOSITORY, POOL_PLACEMENT, SIDECAR_RESOURCES } from "./expected";
import { ProgramRun, shippedRuns } from "./harness";

let dev: ProgramRun;
let prod: ProgramRun;

describe("dev", () => {
    beforeEach(async () => ({ dev, prod } = await shippedRuns()));

    it("runs one small istiod without autoscaler or disruption budget", () => {
        assert.deepStrictEqual(dev.resource("meshstack-istio-istiod").inputs, {
            chart: "istiod",
            version: "1.31.1",
            repositoryOpts: ISTIO_REPOSITORY,
            name: "istiod",
            namespace: "istio-system",
            values: {
                global: {
                    istioNamespace: "istio-system",
                    priorityClassName: "meshstack-mesh-critical",
                    proxy: { resources: SIDECAR_RESOURCES },
                    defaultPodDisruptionBudget: { enabled: false },
                },
                base: { validationFailurePolicy: "Fail" },
                replicaCount: 1,
                autoscaleEnabled: false,
                autoscaleMin: 1,
                autoscaleMax: 1,
                resources: {
                    // dev's 12 proxies: istiod's floors (lib/sizing.ts).
                    requests: { cpu: "100m", memory: "256Mi" },
                    limits: { cpu: "1000m", memory: "1Gi" },
                },
                pdb: { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" },
                ...POOL_PLACEMENT,
                topologySpreadConstraints: expectedSpread({ app: "istiod" }),
                meshConfig: { outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } },
            },
        });
    });

    it("runs one egress gateway replica behind a ClusterIP service, without a budget", () => {
        assert.deepStrictEqual(dev.resource("meshstack-egress-gateway").inputs, {
            chart: "gateway",
            version: "1.31.1",
            repositoryOpts: ISTIO_REPOSITORY,
            name: "istio-egressgateway",
            namespace: "istio-egress",
            values: {
                replicaCount: 1,
                autoscaling: { enabled: false, minReplicas: 1, maxReplicas: 1 },
                resources: {
                    requests: { cpu: "50m", memory: "64Mi" },
                    limits: { cpu: "1000m", memory: "512Mi" },
                },
                service: { type: "ClusterIP" },
                labels: { istio: "egressgateway" },
                podDisruptionBudget: {},
                ...POOL_PLACEMENT,
                topologySpreadConstraints: expectedSpread({ app: "istio-egressgateway", istio: "egressgateway" }),
                priorityClassName: "meshstack-mesh-critical",
            },
        });
    });
});

describe("prod", () => {
    beforeEach(async () => ({ dev, prod } = await shippedRuns()));

    it("runs istiod with 2 to 5 replicas and a disruption budget", () => {
        assert.deepStrictEqual(prod.resource("meshstack-istio-istiod").inputs.values, {
            global: {
                istioNamespace: "istio-system",
                priorityClassName: "meshstack-mesh-critical",
                proxy: { resources: SIDECAR_RESOURCES },
                defaultPodDisruptionBudget: { enabled: true },
            },
            base: { validationFailurePolicy: "Fail" },
            replicaCount: 2,
            autoscaleEnabled: true,
            autoscaleMin: 2,
            autoscaleMax: 5,
            resources: {
                // prod's 45 proxies: the 256Mi floor; the autoscaler's 500m.
                requests: { cpu: "500m", memory: "256Mi" },
                limits: { cpu: "2000m", memory: "4Gi" },
            },
            pdb: { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" },
            ...POOL_PLACEMENT,
            topologySpreadConstraints: expectedSpread({ app: "istiod" }),
            meshConfig: { outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } },
        });
    });

    it("runs the egress gateway with 2 to 5 replicas and a disruption budget", () => {
        assert.deepStrictEqual(prod.resource("meshstack-egress-gateway").inputs.values, {
            replicaCount: 2,
            autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 5 },
            resources: GATEWAY_RESOURCES,
            service: { type: "ClusterIP" },
            labels: { istio: "egressgateway" },
            podDisruptionBudget: { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" },
            ...POOL_PLACEMENT,
            topologySpreadConstraints: expectedSpread({ app: "istio-egressgateway", istio: "egressgateway" }),
            priorityClassName: "meshstack-mesh-critical",
        });
    });
});
