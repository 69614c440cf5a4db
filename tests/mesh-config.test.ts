/**
 * `meshstack:mesh`, one table per check: each branch and each boundary, accepted (and read back as
 * given) or refused with the exact error.
 */
import { checkRows, Row } from "./config-fixtures";

type Settings = Record<string, unknown>;

/** The rows of one check, each the mesh namespace "shop" with the row's settings. */
function namespaceRows(rows: ReadonlyArray<Row<Settings>>): void {
    checkRows(
        rows,
        (settings) => ({ mesh: { namespaces: [{ name: "shop", ...settings }] } }),
    );
}

const NOT_AN_APPLICATION_NAMESPACE = "is not an application namespace: it belongs to Kubernetes or to meshstack. Choose your application's namespace.";

describe("mesh config, check by check", () => {
    describe("a mesh namespace's name: an application's namespace", () => {
        namespaceRows([
            ["an application's namespace", { name: "shop" }, []],
            ["Kubernetes' default namespace", { name: "default" }, [`mesh.namespaces[0].name: "default" ${NOT_AN_APPLICATION_NAMESPACE}`]],
            ["kube-system", { name: "kube-system" }, [`mesh.namespaces[0].name: "kube-system" ${NOT_AN_APPLICATION_NAMESPACE}`]],
            ["the pre-flight gates' namespace", { name: "meshstack-preflight" }, [`mesh.namespaces[0].name: "meshstack-preflight" ${NOT_AN_APPLICATION_NAMESPACE}`]],
        ]);
    });

    describe("mTLS exceptions: one per workload and port, each with an `app` label and a reason", () => {
        const exception = (workload: string, port: number, reason = "no sidecar yet: TICKET-1"): Settings => ({ workload, port, reason });
        namespaceRows([
            [
                "a workload's two ports, and another workload's same port",
                { mtlsExceptions: [exception("web", 8080), exception("web", 8443), exception("api", 8080)] },
                [],
            ],
            [
                "a workload's port twice",
                { mtlsExceptions: [exception("web", 8080), exception("web", 8080, "another reason")] },
                ["mesh.namespaces[0].mtlsExceptions[1]: a second exception for web port 8080. List each port once."],
            ],
            [
                "a workload that is no `app` label value",
                { mtlsExceptions: [exception("legacy app", 8080)] },
                [
                    'mesh.namespaces[0].mtlsExceptions[0].workload: "legacy app" is not an `app` label value: at most 63 letters, digits, ' +
                        '"-", "_" and ".", starting and ending with a letter or digit.',
                ],
            ],
            ["a reason of 1024 characters", { mtlsExceptions: [exception("web", 8080, "x".repeat(1024))] }, []],
            [
                "a reason of 1025 characters",
                { mtlsExceptions: [exception("web", 8080, "x".repeat(1025))] },
                [
                    "mesh.namespaces[0].mtlsExceptions[0].reason: is 1025 characters long; it goes in an annotation, whose size Kubernetes " +
                        "caps. Keep it under 1024 characters: link to the ticket.",
                ],
            ],
        ]);
    });

    describe("lists", () => {
        checkRows<Settings>(
            [
                ["namespaces that are not a list", { namespaces: "shop" }, ['mesh.namespaces: expected a list of namespaces, got "shop".']],
                ["an allowlist that is not a list", { egress: "api.stripe.com" }, ['mesh.egress: expected a list of hosts, got "api.stripe.com".']],
                [
                    "a namespace's allow rules, exceptions and Sidecar hosts that are not lists",
                    { namespaces: [{ name: "shop", defaultDeny: true, allowFrom: "shop", mtlsExceptions: "web", sidecarHosts: "shared/*" }] },
                    [
                        'mesh.namespaces[0].allowFrom: expected a list of sources, got "shop".',
                        'mesh.namespaces[0].mtlsExceptions: expected a list of exceptions, got "web".',
                        'mesh.namespaces[0].sidecarHosts: expected a list of hosts, got "shared/*".',
                    ],
                ],
            ],
            (mesh) => ({ mesh }),
        );
    });
});
