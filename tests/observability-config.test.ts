/**
 * `meshstack:observability`, one table per check: each branch and each boundary, accepted (and read
 * back as given) or refused with the exact error.
 */
import { checkRows, POOL, Row } from "./config-fixtures";

type Settings = Record<string, unknown>;

/** The rows of one check, each the observability of a highly available stack with the row's settings. */
function observabilityRows(rows: ReadonlyArray<Row<Settings>>): void {
    checkRows(rows, (observability) => ({ observability }));
}

const prometheus = (settings: Settings): Settings => ({ prometheus: settings });
const openid = (settings: Settings): Settings => ({ kiali: { auth: { strategy: "openid", openid: { issuerUri: "https://id.example.eu", clientId: "kiali", ...settings } } } });
const UNITS = 'is not a Prometheus duration. Use a number and a unit: "15d", "12h", "2w" (or combined, "1d12h").';
const NOT_AN_ISSUER =
    'is not an OpenID issuer: Kiali fetches <issuer>/.well-known/openid-configuration, so give its https URL, e.g. "https://accounts.example.com".';

describe("observability config, check by check", () => {
    describe("Prometheus's retention: units largest first, each once", () => {
        observabilityRows([
            ["1d12h", prometheus({ retention: "1d12h" }), []],
            ["an empty retention", prometheus({ retention: "" }), [`observability.prometheus.retention: "" ${UNITS}`]],
            ["a unit after a letter", prometheus({ retention: "x1d" }), [`observability.prometheus.retention: "x1d" ${UNITS}`]],
            ["a letter after a unit", prometheus({ retention: "1dx" }), [`observability.prometheus.retention: "1dx" ${UNITS}`]],
            [
                "units in the wrong order",
                prometheus({ retention: "12h1d" }),
                ['observability.prometheus.retention: "12h1d" is not a Prometheus duration: write the units largest first, each once, e.g. "1d12h".'],
            ],
        ]);
    });

    describe("Kiali's OpenID issuer and client: an https URL without query or fragment, and a client id", () => {
        observabilityRows([
            ["an https issuer with a path", openid({ issuerUri: "https://id.example.eu/realms/mesh" }), []],
            ["an http issuer", openid({ issuerUri: "http://id.example.eu" }), [`observability.kiali.auth.openid.issuerUri: "http://id.example.eu" ${NOT_AN_ISSUER}`]],
            ["an issuer with a query", openid({ issuerUri: "https://id.example.eu/?tenant=a" }), [`observability.kiali.auth.openid.issuerUri: "https://id.example.eu/?tenant=a" ${NOT_AN_ISSUER}`]],
            ["an issuer with a fragment", openid({ issuerUri: "https://id.example.eu/#a" }), [`observability.kiali.auth.openid.issuerUri: "https://id.example.eu/#a" ${NOT_AN_ISSUER}`]],
            ["an issuer that is no URL", openid({ issuerUri: "id.example.eu" }), [`observability.kiali.auth.openid.issuerUri: "id.example.eu" ${NOT_AN_ISSUER}`]],
            [
                "a blank client id",
                openid({ clientId: "  " }),
                ["observability.kiali.auth.openid.clientId: required with the openid strategy: set Kiali's client id at your identity provider."],
            ],
        ]);
    });

    describe("who may query Prometheus: a namespace, and labels of its pods", () => {
        const allowFrom = (...sources: Settings[]): Settings => prometheus({ allowFrom: sources });
        observabilityRows([
            ["a namespace and pod labels", allowFrom({ namespace: "grafana", podLabels: { app: "grafana" } }), []],
            [
                "a namespace name with capitals",
                allowFrom({ namespace: "Grafana" }),
                ['observability.prometheus.allowFrom[0].namespace: "Grafana" is not a namespace name: at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit.'],
            ],
            ["pod labels that are not a map", allowFrom({ namespace: "grafana", podLabels: "app=grafana" }), [
                'observability.prometheus.allowFrom[0].podLabels: expected a map of labels, got "app=grafana".',
            ]],
            ["sources that are not a list", prometheus({ allowFrom: "grafana" }), ['observability.prometheus.allowFrom: expected a list of sources, got "grafana".']],
        ]);
    });

    describe("Prometheus's and Kiali's requests at most their limits", () => {
        observabilityRows([
            ["Kiali's request equal to its limit", { kiali: { resources: { requests: { memory: "1Gi" }, limits: { memory: "1024Mi" } } } }, []],
            [
                "Kiali's request above its limit",
                { kiali: { resources: { requests: { memory: "2Gi" }, limits: { memory: "1Gi" } } } },
                [
                    'observability.kiali.resources.requests.memory: "2Gi" is above its limit "1Gi" (meshstack:observability.kiali.resources.limits.memory), ' +
                        "which Kubernetes rejects. Lower the request or raise the limit.",
                ],
            ],
        ]);
    });

    describe("Prometheus's volume: on the pool's StorageClass, on a pool node with local volumes only", () => {
        const persistence = (settings: Settings): Settings => prometheus({ persistence: { enabled: true, ...settings } });
        checkRows<Settings>(
            [
                ["the pool's StorageClass named", { observability: persistence({ storageClass: "meshstack-nvme" }) }, []],
                ["a pool node with local volumes", { observability: persistence({ node: "node-b" }) }, []],
                ["another StorageClass without persistence", { observability: prometheus({ persistence: { enabled: false, storageClass: "fast-ssd" } }) }, []],
                [
                    "a node with a provisioner that places volumes itself",
                    { nodePool: { ...POOL, storageClass: { provisioner: "rancher.io/local-path" } }, observability: persistence({ node: "node-b" }) },
                    [
                        'observability.prometheus.persistence.node: is used only with local volumes (provisioner "kubernetes.io/no-provisioner"); ' +
                            '"rancher.io/local-path" places the volume itself. Remove the key.',
                    ],
                ],
            ],
            (raw) => raw,
        );
    });
});
