/**
 * `meshstack:istio`, one table per check: each branch and each boundary, accepted (and read back as
 * given) or refused with the exact error.
 */
import * as assert from "assert";
import { checkRows, parse } from "./config-fixtures";

type Settings = Record<string, unknown>;

const requestAboveLimit = (workload: string, field: string, request: string, limit: string): string =>
    `istio.${workload}.resources.requests.${field}: "${request}" is above its limit "${limit}" ` +
    `(meshstack:istio.${workload}.resources.limits.${field}), which Kubernetes rejects. Lower the request or raise the limit.`;

describe("istio config, check by check", () => {
    describe("each workload's requests at most its limits", () => {
        const sized = (workload: string, resources: Settings): Settings => ({ [workload]: { resources } });
        checkRows<Settings>(
            [
                ["a request equal to its limit", sized("ztunnel", { requests: { cpu: "1" }, limits: { cpu: "1000m" } }), []],
                ["istiod's memory request above its limit", sized("istiod", { requests: { memory: "2Gi" }, limits: { memory: "1Gi" } }), [requestAboveLimit("istiod", "memory", "2Gi", "1Gi")]],
                ["the egress gateway's", sized("egressGateway", { requests: { cpu: "200m" }, limits: { cpu: "100m" } }), [requestAboveLimit("egressGateway", "cpu", "200m", "100m")]],
                ["ztunnel's", sized("ztunnel", { requests: { cpu: "200m" }, limits: { cpu: "100m" } }), [requestAboveLimit("ztunnel", "cpu", "200m", "100m")]],
                ["the CNI agent's", sized("cni", { requests: { memory: "200Mi" }, limits: { memory: "100Mi" } }), [requestAboveLimit("cni", "memory", "200Mi", "100Mi")]],
                ["a waypoint's", sized("waypoint", { requests: { cpu: "200m" }, limits: { cpu: "100m" } }), [requestAboveLimit("waypoint", "cpu", "200m", "100m")]],
            ],
            (istio) => ({ highAvailability: false, istio }),
        );
    });

    describe("an autoscaler (maxReplicas above replicas) scales on a CPU request", () => {
        const istiod = (settings: Settings): Settings => ({ istiod: { ...settings, resources: { requests: { cpu: "0" } } } });
        checkRows<Settings>(
            [
                ["no CPU request and no autoscaler (maxReplicas equal to replicas)", istiod({ replicas: 2, maxReplicas: 2 }), []],
                [
                    "no CPU request with maxReplicas one above replicas",
                    istiod({ replicas: 2, maxReplicas: 3 }),
                    [
                        "istio.istiod.resources.requests.cpu: the autoscaler (maxReplicas 3 > replicas 2) scales on CPU use relative to this " +
                            "request, and with none it never scales. Set a CPU request above 0, or set maxReplicas to replicas.",
                    ],
                ],
            ],
            (istio) => ({ istio }),
        );
    });

    it("raises istiod's default CPU limit to a request above it, and keeps it as written for a request equal to it", () => {
        const limitFor = (request: string): string => parse({ istio: { istiod: { maxReplicas: 2, resources: { requests: { cpu: request } } } } }).istio.istiod.resources.limits.cpu;
        assert.deepStrictEqual(["2", "2001m"].map(limitFor), ["2000m", "2001m"]);
    });
});
