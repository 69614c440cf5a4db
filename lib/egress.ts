/**
 * The egress allowlist as Istio objects, following Istio's egress gateway tasks: for each allowed
 * external host a ServiceEntry, and its routing through the egress gateway (a Gateway server, a subset
 * of the DestinationRule for the gateway's host, a VirtualService bound to `mesh` and the gateway).
 *
 * - `TLS` (HTTPS from the application): passed through by SNI; the application's own TLS runs end to
 *   end (the "egress gateway for HTTPS traffic" task).
 * - `HTTP`: the sidecar sends it to the gateway's port 443 over Istio mutual TLS (`ISTIO_MUTUAL`, SNI the
 *   host), the gateway forwards it to the host (the mTLS leg of the "egress gateway TLS origination"
 *   task), so plain HTTP never crosses the cluster network unencrypted.
 */
import { createHash } from "crypto";
import { byText, istioObject, IstioObject } from "./objects";
import type { EgressEntry } from "../model/mesh";
export type { EgressEntry } from "../model/mesh";

/** The port the egress gateway's Service listens on for everything meshstack routes through it. */
export const GATEWAY_PORT = 443;

/** The name of the egress Gateway object. */
export const EGRESS_GATEWAY_OBJECT = "meshstack-egress";

/** A DNS-label name for an entry's objects: `api-stripe-com`, cut with a hash when too long. */
export function entryName(host: string): string {
    const name = host.replace(/\./g, "-");
    if (name.length <= 50) {
        return name;
    }
    return `${name.slice(0, 41).replace(/-+$/, "")}-${createHash("sha256").update(host).digest("hex").slice(0, 8)}`;
}

/** The entries in a stable order (by host): the same allowlist in another order is the same objects. */
export function byHost(entries: readonly EgressEntry[]): EgressEntry[] {
    return [...entries].sort((a, b) => byText(a.host, b.host));
}

function object<Spec>(kind: string, name: string, namespace: string, spec: Spec): IstioObject<Spec> {
    return istioObject("networking.istio.io/v1", kind, name, namespace, spec);
}

/** The external host in the mesh's registry (needed with REGISTRY_ONLY), resolved by DNS at the gateway. */
export function serviceEntry(entry: EgressEntry, namespace: string) {
    const portName = `${entry.protocol === "TLS" ? "tls" : "http"}-${entry.port}`;
    return object("ServiceEntry", `egress-${entryName(entry.host)}`, namespace, {
        hosts: [entry.host],
        ports: [{ number: entry.port, name: portName, protocol: entry.protocol }],
        resolution: "DNS" as const,
        location: "MESH_EXTERNAL" as const,
    });
}

/** The Gateway on the egress gateway pods: one server per entry (by host), all on port 443, told apart by SNI. */
export function egressGateway(entries: readonly EgressEntry[], namespace: string, selector: Record<string, string>) {
    return object("Gateway", EGRESS_GATEWAY_OBJECT, namespace, {
        selector,
        servers: byHost(entries).map((entry) =>
            entry.protocol === "TLS"
                ? {
                      port: { number: GATEWAY_PORT, name: `tls-${entryName(entry.host)}`, protocol: "TLS" },
                      hosts: [entry.host],
                      tls: { mode: "PASSTHROUGH" },
                  }
                : {
                      port: { number: GATEWAY_PORT, name: `https-${entryName(entry.host)}`, protocol: "HTTPS" },
                      hosts: [entry.host],
                      tls: { mode: "ISTIO_MUTUAL" },
                  },
        ),
    });
}

/**
 * The DestinationRule for the egress gateway's host: one subset per entry; an HTTP entry's subset sends
 * Istio mutual TLS with the host as SNI, which the gateway's HTTPS server matches.
 */
export function egressGatewayDestinationRule(entries: readonly EgressEntry[], namespace: string, gatewayHost: string) {
    return object("DestinationRule", "meshstack-egress-gateway", namespace, {
        host: gatewayHost,
        subsets: byHost(entries).map((entry) =>
            entry.protocol === "TLS"
                ? { name: entryName(entry.host) }
                : {
                      name: entryName(entry.host),
                      trafficPolicy: {
                          portLevelSettings: [{ port: { number: GATEWAY_PORT }, tls: { mode: "ISTIO_MUTUAL", sni: entry.host } }],
                      },
                  },
        ),
    });
}

/** The route of one entry: from every sidecar (`mesh`) to the gateway, and from the gateway out. */
export function egressVirtualService(entry: EgressEntry, namespace: string, gatewayHost: string) {
    return egressRoutes(entry, namespace, gatewayHost, ["mesh", EGRESS_GATEWAY_OBJECT]);
}

/**
 * The same routes split in two, for a mesh with ambient namespaces: the egress gateway's half stays in
 * `namespace` (the egress gateway's), the sidecars' half (`mesh`) goes to `meshNamespace`. The egress
 * waypoint applies every `mesh` VirtualService of its own namespace: left there, that half would send
 * ambient pods' traffic from the waypoint to the egress gateway instead of to the host.
 */
export function splitEgressVirtualServices(entry: EgressEntry, namespace: string, gatewayHost: string, meshNamespace: string) {
    return { gateway: egressRoutes(entry, namespace, gatewayHost, [EGRESS_GATEWAY_OBJECT]), mesh: egressRoutes(entry, meshNamespace, gatewayHost, ["mesh"]) };
}

/** The VirtualService with the routes of `binds`: `mesh` (sidecars to the egress gateway) and the egress gateway (to the host). */
function egressRoutes(entry: EgressEntry, namespace: string, gatewayHost: string, binds: ReadonlyArray<"mesh" | typeof EGRESS_GATEWAY_OBJECT>) {
    const gateway = EGRESS_GATEWAY_OBJECT;
    const toGateway = { host: gatewayHost, subset: entryName(entry.host), port: { number: GATEWAY_PORT } };
    const toHost = { host: entry.host, port: { number: entry.port } };
    const name = `egress-${entryName(entry.host)}`;
    const mesh = binds.includes("mesh");
    const viaGateway = binds.includes(gateway);
    if (entry.protocol === "TLS") {
        return object("VirtualService", name, namespace, {
            hosts: [entry.host],
            gateways: [...binds],
            tls: [
                ...(mesh ? [{ match: [{ gateways: ["mesh"], port: entry.port, sniHosts: [entry.host] }], route: [{ destination: toGateway }] }] : []),
                ...(viaGateway
                    ? [{ match: [{ gateways: [gateway], port: GATEWAY_PORT, sniHosts: [entry.host] }], route: [{ destination: toHost, weight: 100 }] }]
                    : []),
            ],
        });
    }
    return object("VirtualService", name, namespace, {
        hosts: [entry.host],
        gateways: [...binds],
        http: [
            ...(mesh ? [{ match: [{ gateways: ["mesh"], port: entry.port }], route: [{ destination: toGateway, weight: 100 }] }] : []),
            ...(viaGateway ? [{ match: [{ gateways: [gateway], port: GATEWAY_PORT }], route: [{ destination: toHost, weight: 100 }] }] : []),
        ],
    });
}
