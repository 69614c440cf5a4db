/**
 * Deterministic stack configs for the benchmark: N services, each with two versions and resilience
 * settings, over N/5 mesh namespaces, on a pool sized to hold them. Seeded, so every machine and every
 * run evaluates the same program.
 */

/** A small seeded generator (mulberry32): the same seed, the same numbers. */
export function seeded(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** The config map (`namespace:key` → JSON) of a highly available stack with `services` services. */
export function benchConfig(services: number, seed = 1): Record<string, string> {
    const random = seeded(seed);
    const namespaceCount = Math.max(1, Math.floor(services / 5));
    const namespaces = Array.from({ length: namespaceCount }, (_, index) => `team-${String(index).padStart(3, "0")}`);
    const serviceList = Array.from({ length: services }, (_, index) => {
        const canary = 5 + Math.floor(random() * 20);
        return {
            name: `svc-${String(index).padStart(4, "0")}`,
            namespace: namespaces[index % namespaceCount],
            port: 8080,
            versions: [{ name: "v1" }, { name: "v2" }],
            weights: { v1: 100 - canary, v2: canary },
            timeout: "2s",
            retries: { attempts: 2 + Math.floor(random() * 2), perTryTimeout: "500ms", retryOn: "5xx,reset,connect-failure" },
            outlierDetection: { consecutive5xxErrors: 5 },
            connectionPool: { maxConnections: 100 },
            replicas: 2,
            sidecar: { cpu: "50m", memory: "64Mi" },
        };
    });
    // Enough 16-vCPU / 64-GiB nodes for the mesh to stay within its 30 % budget.
    const nodes = Array.from({ length: Math.max(2, Math.ceil((services * 2 * 50 + 10000) / 0.3 / 16000)) }, (_, index) => ({
        name: `node-${String(index).padStart(3, "0")}`,
        vcpus: 16,
        memory: "64Gi",
    }));
    return {
        "pulumi:disable-default-providers": JSON.stringify(["kubernetes"]),
        "meshstack:nodePool": JSON.stringify({ nodes, budget: { meshedPods: 0 } }),
        "meshstack:mesh": JSON.stringify({
            namespaces: namespaces.map((name) => ({ name, allowFrom: [{ namespace: name }] })),
            egress: [{ host: "api.stripe.com", port: 443, protocol: "TLS", reason: "payments" }],
        }),
        "meshstack:services": JSON.stringify(serviceList),
    };
}
