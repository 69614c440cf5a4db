export type { ResourceQuantities, ResourceRequirements } from "../model/resources";
/**
 * Kubernetes resource quantities (`500m`, `2`, `128Mi`, `1G`), parsed to plain numbers so that
 * config validation can compare a request with its limit. Only the forms meshstack accepts in its
 * config are parsed: CPU as cores or millicores, memory as bytes with a decimal or binary suffix.
 */

const CPU = /^(\d+(?:\.\d+)?)(m?)$/;
const MEMORY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

const MEMORY_FACTORS: Readonly<Record<string, number>> = {
    "": 1,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};

/** Millicores of a CPU quantity (`"500m"` → 500, `"2"` → 2000), or `undefined` if it is not one. */
export function parseCpu(quantity: string): number | undefined {
    const match = CPU.exec(quantity);
    if (!match) {
        return undefined;
    }
    const value = Number(match[1]);
    return match[2] === "m" ? value : value * 1000;
}

/** Bytes of a memory quantity (`"128Mi"` → 134217728), or `undefined` if it is not one. */
export function parseMemory(quantity: string): number | undefined {
    const match = MEMORY.exec(quantity);
    if (!match) {
        return undefined;
    }
    return Number(match[1]) * MEMORY_FACTORS[match[2] ?? ""];
}
