/**
 * `meshstack:demo` in a dev stack: its namespace, its routing (a `helloworld` service there, port 5000,
 * versions v1 and v2) and its client's calls under default deny, each accepted (and read back as given)
 * or refused with the exact error.
 */
import { checkRows } from "./config-fixtures";

type Settings = Record<string, unknown>;

/** A dev stack's mesh namespaces, demo and helloworld service, each as the row sets it. */
interface DemoStack {
    namespaces: Settings[];
    demo: Settings;
    helloworld: Settings;
}

const HELLOWORLD = { name: "helloworld", namespace: "shop", port: 5000, versions: [{ name: "v1" }, { name: "v2" }], weights: { v1: 90, v2: 10 } };
const ON = { enabled: true };

function demoStack(namespaces: Settings[], demo: Settings = ON, helloworld: Settings = {}): DemoStack {
    return { namespaces, demo, helloworld };
}

describe("demo config, check by check", () => {
    checkRows<DemoStack>(
        [
            ["the demo with its routing", demoStack([{ name: "shop" }]), []],
            [
                "the demo in its own namespace, after one that denies by default",
                demoStack([{ name: "web", defaultDeny: true }, { name: "shop" }], { enabled: true, namespace: "shop" }),
                [],
            ],
            [
                "a default-deny namespace that allows calls within itself",
                demoStack([{ name: "shop", defaultDeny: true, allowFrom: [{ namespace: "web" }, { namespace: "shop" }] }, { name: "web" }]),
                [],
            ],
            [
                "the demo in a namespace outside the mesh",
                demoStack([{ name: "shop" }], { enabled: true, namespace: "web" }),
                ['demo.namespace: "web" is not a mesh namespace. Add it to meshstack:mesh.namespaces, or choose one of them.'],
            ],
            [
                "the demo's routing in another namespace than the demo",
                demoStack([{ name: "shop" }, { name: "web" }], { enabled: true, namespace: "web" }),
                [
                    'demo.enabled: the demo needs its routing: add a meshstack:services entry named "helloworld" in namespace "web", port 5000, ' +
                        "versions v1 and v2 (e.g. weights v1: 90, v2: 10).",
                ],
            ],
            [
                "v1 without v2",
                demoStack([{ name: "shop" }], ON, { versions: [{ name: "v1" }, { name: "canary" }], weights: { v1: 90, canary: 10 } }),
                ["services[0].versions: the demo runs versions v1 and v2 (pods labelled version: v1 / v2), not v1, canary. List v1 and v2."],
            ],
            [
                "a default-deny namespace that allows calls from another namespace only",
                demoStack([{ name: "shop", defaultDeny: true, allowFrom: [{ namespace: "web" }] }, { name: "web" }]),
                [
                    "mesh.namespaces[0].allowFrom: the demo's client calls helloworld within \"shop\", which default deny refuses. " +
                        "Add { namespace: shop } to allowFrom.",
                ],
            ],
        ],
        ({ namespaces, demo, helloworld }) => ({ highAvailability: false, mesh: { namespaces }, services: [{ ...HELLOWORLD, ...helloworld }], demo }),
    );
});
