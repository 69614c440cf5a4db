/** Quantities given as YAML numbers, which Kubernetes accepts, are accepted and passed on as strings. */
import * as assert from "assert";
import { errorOf, HEADER_ONE, parse, POOL } from "./config-fixtures";

describe("quantities as YAML numbers", () => {
    const cases: Array<[string, unknown, string]> = [
        ["cpu", 1, "1"],
        ["cpu", 0.5, "0.5"],
        ["cpu", "250m", "250m"],
        ["memory", 1073741824, "1073741824"],
        ["memory", "1Gi", "1Gi"],
    ];
    for (const [field, value, expected] of cases) {
        it(`accepts ${field}: ${JSON.stringify(value)} and passes it on as ${JSON.stringify(expected)}`, () => {
            const config = parse({
                istio: { istiod: { resources: { requests: { [field]: value }, limits: { cpu: 4, memory: "8Gi" } } } },
            });
            assert.strictEqual(config.istio.istiod.resources.requests[field as "cpu" | "memory"], expected);
        });
    }

    it("compares a number request with a string limit", () => {
        assert.strictEqual(
            errorOf({ nodePool: { ...POOL, budget: { meshedPods: 0 } }, istio: { proxy: { resources: { requests: { cpu: 3 } } } } }),
            `${HEADER_ONE}\n  - meshstack:istio.proxy.resources.requests.cpu: "3" is above its limit "2000m" ` +
                "(meshstack:istio.proxy.resources.limits.cpu), which Kubernetes rejects. Lower the request or raise the limit.",
        );
    });

    const refused: Array<[string, unknown, string]> = [
        ["cpu", -1, '"-1" is not a CPU quantity. Use cores ("2", "0.5") or millicores ("500m").'],
        ["cpu", true, 'true is not a CPU quantity. Use cores ("2", "0.5") or millicores ("500m").'],
        ["memory", 1e21, '"1e+21" is not a memory quantity. Use bytes with a suffix, e.g. "128Mi", "1Gi" or "512M".'],
    ];
    for (const [field, value, message] of refused) {
        it(`refuses ${field}: ${JSON.stringify(value)}`, () => {
            assert.strictEqual(
                errorOf({ istio: { proxy: { resources: { limits: { [field]: value } } } } }),
                `${HEADER_ONE}\n  - meshstack:istio.proxy.resources.limits.${field}: ${message}`,
            );
        });
    }
});
