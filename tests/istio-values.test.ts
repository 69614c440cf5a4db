import * as assert from "assert";
import { expectedSpread } from "./expected";
import {
    baseChartValues,
    egressGatewayChartValues,
    istiodChartValues,
    scalingPlan,
    ScalingPlan,
    uncapturedRanges,
    WorkloadScaling,
} from "../lib/istio-values";
import { PodPlacement } from "../lib/placement";

const RESOURCES = { requests: { cpu: "10m", memory: "1Mi" }, limits: { cpu: "20m", memory: "2Mi" } };
const PLACEMENT: PodPlacement = {
    nodeSelector: { "meshstack.io/pool": "edge" },
    tolerations: [{ key: "meshstack.io/pool", operator: "Equal", value: "edge", effect: "NoSchedule" }],
    priorityClassName: "meshstack-mesh-critical",
};


function scaling(replicas: number, maxReplicas: number): WorkloadScaling {
    return { replicas, maxReplicas, resources: RESOURCES };
}

describe("Istio chart values", () => {
    const plans: Array<[number, number, ScalingPlan]> = [
        [1, 1, { autoscale: false, disruptionBudget: false }],
        [1, 3, { autoscale: true, disruptionBudget: false }],
        [2, 2, { autoscale: false, disruptionBudget: true }],
        [2, 5, { autoscale: true, disruptionBudget: true }],
        [5, 5, { autoscale: false, disruptionBudget: true }],
    ];
    for (const [replicas, maxReplicas, plan] of plans) {
        it(`${replicas} to ${maxReplicas} replicas: autoscaler ${plan.autoscale}, budget ${plan.disruptionBudget}`, () => {
            assert.deepStrictEqual(scalingPlan(scaling(replicas, maxReplicas)), plan);
        });
    }

    // The sidecars' outbound capture leaves the NodeLocal DNSCache's one address alone, or nothing.
    const ranges: Array<[string | undefined, string | undefined]> = [
        [undefined, undefined],
        ["169.254.20.10", "169.254.20.10/32"],
    ];
    for (const [address, range] of ranges) {
        it(`NodeLocal DNSCache ${address === undefined ? "absent" : `at ${address}`}: sidecars leave ${range ?? "nothing"} uncaptured`, () => {
            assert.strictEqual(uncapturedRanges(address), range);
        });
    }

    it("base: Fail policy from the start, pointed at istiod's namespace", () => {
        assert.deepStrictEqual(baseChartValues("mesh"), {
            global: { istioNamespace: "mesh" },
            base: { validationFailurePolicy: "Fail" },
        });
    });

    const istiodCases: Array<[number, number, boolean, boolean]> = [
        [1, 1, false, false],
        [1, 4, true, false],
        [3, 3, false, true],
        [2, 6, true, true],
    ];
    for (const [replicas, maxReplicas, autoscale, budget] of istiodCases) {
        it(`istiod ${replicas} to ${maxReplicas}: autoscaleEnabled ${autoscale}, PDB ${budget}`, () => {
            assert.deepStrictEqual(
                istiodChartValues({
                    istio: { namespace: "istio-system", istiod: scaling(replicas, maxReplicas), proxy: { resources: RESOURCES }, waypoint: { replicas: 1, resources: RESOURCES } },
                    ambient: false,
                    outboundTrafficPolicy: "REGISTRY_ONLY",
                    nodeLocalDnsAddress: undefined,
                    placement: PLACEMENT,
                }),
                {
                    global: {
                        istioNamespace: "istio-system",
                        priorityClassName: "meshstack-mesh-critical",
                        proxy: { resources: RESOURCES },
                        defaultPodDisruptionBudget: { enabled: budget },
                    },
                    base: { validationFailurePolicy: "Fail" },
                    replicaCount: replicas,
                    autoscaleEnabled: autoscale,
                    autoscaleMin: replicas,
                    autoscaleMax: maxReplicas,
                    resources: RESOURCES,
                    pdb: { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" },
                    nodeSelector: { "meshstack.io/pool": "edge" },
                    tolerations: PLACEMENT.tolerations,
                    topologySpreadConstraints: expectedSpread({ app: "istiod" }),
                    meshConfig: { outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } },
                },
            );
        });
    }

    const gatewayCases: Array<[number, number, boolean, object]> = [
        [1, 1, false, {}],
        [1, 3, true, {}],
        [2, 2, false, { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" }],
        [3, 8, true, { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" }],
    ];
    for (const [replicas, maxReplicas, autoscale, budget] of gatewayCases) {
        it(`egress gateway ${replicas} to ${maxReplicas}: autoscaling ${autoscale}, budget ${JSON.stringify(budget)}`, () => {
            assert.deepStrictEqual(egressGatewayChartValues(scaling(replicas, maxReplicas), PLACEMENT), {
                replicaCount: replicas,
                autoscaling: { enabled: autoscale, minReplicas: replicas, maxReplicas },
                resources: RESOURCES,
                service: { type: "ClusterIP" },
                labels: { istio: "egressgateway" },
                podDisruptionBudget: budget,
                nodeSelector: { "meshstack.io/pool": "edge" },
                tolerations: PLACEMENT.tolerations,
                topologySpreadConstraints: expectedSpread({ app: "istio-egressgateway", istio: "egressgateway" }),
                priorityClassName: "meshstack-mesh-critical",
            });
        });
    }
});
