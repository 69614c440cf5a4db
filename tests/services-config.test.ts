/**
 * `meshstack:services`, one table per check: each branch and each boundary, accepted (and read back as
 * given) or refused with the exact error.
 */
import * as assert from "assert";
import { checkRows, errorListing, errorOf, Row } from "./config-fixtures";

const SHOP = { namespaces: [{ name: "shop" }] };
const CHECKOUT = { name: "checkout", namespace: "shop", port: 8080, versions: [{ name: "v1" }, { name: "v2" }], weights: { v1: 90, v2: 10 } };

type Settings = Record<string, unknown>;

/** The rows of one check, each a service that is checkout with the row's settings. */
function serviceRows(rows: ReadonlyArray<Row<Settings>>): void {
    checkRows(
        rows,
        (settings) => ({ mesh: SHOP, services: [{ ...CHECKOUT, ...settings }] }),
    );
}

const NOT_A_NAME = 'is not a valid name: at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit.';
const BELOW_1MS = 'is below 1ms, which Istio refuses. Set at least "1ms".';
const NOT_WHOLE_MS = 'is not a whole number of milliseconds, which Istio refuses. Use e.g. "2ms" or "1500ms".';
const RETRY_CONDITIONS = "Use a comma-separated list of 5xx, gateway-error, reset, reset-before-request, connect-failure, … or HTTP status codes (503).";
const ZERO_ATTEMPTS =
    "services[0].retries.attempts: 0 turns retries off, and Istio refuses retryOn or perTryTimeout with it. Set attempts to 1 or more, or remove retryOn and perTryTimeout.";
const EMPTY_POOL =
    "services[0].connectionPool: sets no limit, and Istio refuses an empty connection pool. Set maxConnections, http1MaxPendingRequests or maxRequestsPerConnection, or remove connectionPool.";
const EVERY_POD = "selects every pod of the service, so the subset is no version. Give the version's pods a label, e.g. `version: v2`.";

describe("service config, check by check", () => {
    describe("a Service's name: a DNS label that starts with a letter", () => {
        serviceRows([
            ["a DNS label", { name: "checkout-v2" }, []],
            ["63 characters", { name: "c".repeat(63) }, []],
            ["64 characters", { name: "c".repeat(64) }, [`services[0].name: "${"c".repeat(64)}" ${NOT_A_NAME}`]],
            ["an underscore (starting with a letter)", { name: "check_out" }, [`services[0].name: "check_out" ${NOT_A_NAME}`]],
            ["capitals", { name: "Checkout" }, [`services[0].name: "Checkout" ${NOT_A_NAME}`]],
            [
                "a DNS label that starts with a digit",
                { name: "1web" },
                ['services[0].name: "1web" is not a Service name: Kubernetes wants it to start with a letter. Rename the Service.'],
            ],
        ]);
    });

    describe("a duration (the route's timeout): whole milliseconds from 1ms to 2562047h", () => {
        serviceRows([
            ["1ms", { timeout: "1ms" }, []],
            ["1000us (a whole millisecond)", { timeout: "1000us" }, []],
            ["0.5ms", { timeout: "0.5ms" }, [`services[0].timeout: "0.5ms" ${BELOW_1MS}`]],
            ["0s", { timeout: "0s" }, [`services[0].timeout: "0s" ${BELOW_1MS}`]],
            ["1.5ms", { timeout: "1.5ms" }, [`services[0].timeout: "1.5ms" ${NOT_WHOLE_MS}`]],
            ["2562047h, the longest Istio holds", { timeout: "2562047h" }, []],
            [
                "one millisecond longer",
                { timeout: "2562047h1ms" },
                ['services[0].timeout: "2562047h1ms" is longer than Istio can hold (2562047h). Set a shorter duration.'],
            ],
        ]);
    });

    describe("retry conditions: Envoy's names and the status codes Go knows, comma-separated", () => {
        const retryOn = (conditions: string): Settings => ({ retries: { attempts: 2, retryOn: conditions } });
        serviceRows([
            ["conditions and a status code", retryOn("5xx,reset,503"), []],
            [
                "spaces and a tab, each run of them removed",
                retryOn("5xx,  reset,\tgateway-error"),
                [`services[0].retries.retryOn: "5xx,  reset,\\tgateway-error" has spaces, which Istio does not trim: "5xx,reset,gateway-error" is what it reads right. Remove them.`],
            ],
            ["one unknown condition", retryOn("5xx,conect-failure"), [`services[0].retries.retryOn: "conect-failure" is not a retry condition. ${RETRY_CONDITIONS}`]],
            [
                "two unknown conditions",
                retryOn("conect-failure,5xx,retriable-4x"),
                [`services[0].retries.retryOn: "conect-failure", "retriable-4x" are not retry conditions. ${RETRY_CONDITIONS}`],
            ],
        ]);
    });

    describe("0 attempts: retries off, with nothing that configures them", () => {
        serviceRows([
            ["0 attempts alone", { retries: { attempts: 0 } }, []],
            ["0 attempts with retry conditions", { retries: { attempts: 0, retryOn: "5xx" } }, [ZERO_ATTEMPTS]],
            ["0 attempts with a per-try timeout", { retries: { attempts: 0, perTryTimeout: "1s" } }, [ZERO_ATTEMPTS]],
            ["1 attempt with both", { retries: { attempts: 1, retryOn: "5xx", perTryTimeout: "1s" } }, []],
        ]);
    });

    describe("the retry budget: (attempts + 1) × perTryTimeout within the route's timeout", () => {
        serviceRows([
            ["1 + 3 tries of 500ms within 2000ms, exactly", { timeout: "2000ms", retries: { attempts: 3, perTryTimeout: "500ms" } }, []],
            [
                "1 + 3 tries of 500ms within 1999ms",
                { timeout: "1999ms", retries: { attempts: 3, perTryTimeout: "500ms" } },
                [
                    "services[0].retries: 1 try + 3 retries, 500ms each, take up to 2000ms, more than the route's timeout 1999ms: callers " +
                        "give up before the retries end, while every retry still loads the service (a retry storm). Lower attempts or " +
                        "perTryTimeout, or raise timeout.",
                ],
            ],
            ["retries without a per-try timeout", { timeout: "1ms", retries: { attempts: 3 } }, []],
            ["a per-try timeout without a route timeout", { retries: { attempts: 3, perTryTimeout: "1h" } }, []],
        ]);
    });

    describe("the connection pool: at least one limit", () => {
        serviceRows([
            ["one limit", { connectionPool: { http1MaxPendingRequests: 1 } }, []],
            ["no key", { connectionPool: {} }, [EMPTY_POOL]],
            ["a key set to nothing (YAML `maxConnections:`)", { connectionPool: { maxConnections: null } }, [EMPTY_POOL]],
            ["a limit left undefined by a program building its config", { connectionPool: { maxConnections: undefined } }, [EMPTY_POOL]],
        ]);
    });

    describe("versions: each selects pods of its own", () => {
        const labelled = (...labels: Array<Record<string, string>>): Settings => ({ versions: labels.map((own, index) => ({ name: `v${index + 1}`, labels: own })) });
        serviceRows([
            ["two versions with labels of their own", labelled({ track: "stable", tier: "web" }, { track: "canary", tier: "web" }), []],
            [
                "the same labels written in another order",
                labelled({ track: "stable", tier: "web" }, { tier: "web", track: "stable" }),
                ['services[0].versions[1].labels: selects the same pods as version "v1": the two subsets would get each other\'s traffic. Give each version labels of its own.'],
            ],
            [
                "two versions without labels (each selects every pod, which is reported once each)",
                labelled({}, {}),
                [`services[0].versions[0].labels: ${EVERY_POD}`, `services[0].versions[1].labels: ${EVERY_POD}`],
            ],
        ]);
    });

    describe("weights: a map of version → percent, one per version, summing to 100", () => {
        serviceRows([
            ["one version at 100", { versions: [{ name: "v1" }], weights: { v1: 100 } }, []],
            ["a list", { weights: [90, 10] }, ["services[0].weights: expected a map of version → percent."]],
            [
                "no weight at all",
                { versions: [{ name: "v1" }], weights: {} },
                [
                    'services[0].weights: "v1" has no weight. Give every version one (0 keeps it idle).',
                    "services[0].weights: the weights sum to 0 (none); they must sum to exactly 100. Adjust them.",
                ],
            ],
        ]);
    });

    describe("the sidecar's size: each limit (its own, or else the mesh's) at least its request", () => {
        serviceRows([
            ["limits of its own equal to the requests", { sidecar: { cpu: "2", memory: "1Gi", cpuLimit: "2", memoryLimit: "1Gi" } }, []],
            ["requests equal to the mesh's limits", { sidecar: { cpu: "2000m", memory: "1024Mi" } }, []],
            [
                "a CPU request one millicore above the mesh's limit",
                { sidecar: { cpu: "2001m", memory: "64Mi" } },
                [
                    "services[0].sidecar.cpu: 2001m is above the mesh's sidecar CPU limit 2000m (meshstack:istio.proxy.resources.limits.cpu), " +
                        "which this sidecar would get: a limit below its request, which the API server refuses. Set cpuLimit too, or lower cpu.",
                ],
            ],
            [
                "a memory limit of its own below the request",
                { sidecar: { cpu: "50m", memory: "128Mi", memoryLimit: "127Mi" } },
                ["services[0].sidecar.memoryLimit: 127Mi is below the request 128Mi, which the API server refuses. Raise memoryLimit, or lower memory."],
            ],
        ]);
    });

    it("judges the mesh's own sidecar size once, at the mesh's key, not again for each service without a size of its own", () => {
        assert.strictEqual(
            errorOf({ istio: { proxy: { resources: { limits: { cpu: "40m" } } } }, mesh: SHOP, services: [CHECKOUT, { ...CHECKOUT, name: "cart" }] }),
            errorListing([
                'istio.proxy.resources.requests.cpu: "50m" is above its limit "40m" (meshstack:istio.proxy.resources.limits.cpu), which Kubernetes rejects. Lower the request or raise the limit.',
            ]),
        );
    });

    describe("the namespace: a mesh namespace", () => {
        checkRows<string[]>(
            [
                ["with none declared", [], ['services[0].namespace: "shop" is not a mesh namespace. Add it to meshstack:mesh.namespaces, or use one of: (none declared).']],
                ["with others declared", ["web", "api"], ['services[0].namespace: "shop" is not a mesh namespace. Add it to meshstack:mesh.namespaces, or use one of: web, api.']],
                ["one of several", ["web", "shop"], []],
            ],
            (names) => ({ mesh: { namespaces: names.map((name) => ({ name })) }, services: [CHECKOUT] }),
        );
    });

    describe("lists", () => {
        checkRows<Settings>(
            [
                ["services that are not a list", { services: "checkout" }, ['services: expected a list of services, got "checkout".']],
                ["versions that are not a list", { services: [{ ...CHECKOUT, versions: "v1" }] }, ['services[0].versions: expected a list of versions, got "v1".']],
            ],
            (raw) => ({ mesh: SHOP, ...raw }),
        );
    });
});
