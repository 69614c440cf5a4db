/**
 * `npm run cost`: the mesh's declared cost for the guides' 20 services × 2 replicas, for Istio's chart
 * defaults, the dev and prod stacks, and the guides' tuned sidecars, by the capacity budget's arithmetic.
 */
import { configFromPulumi } from "../config";
import { addonDemand } from "../lib/addons";
import { CHART_DEFAULTS, CostLine, costReport, CostScenario, withGuidesSidecars } from "./cost-report";
import { stackConfig } from "../runner/program";

/** A shipped stack's scenario, from its resolved config. */
export function stackScenario(stack: string): CostScenario {
    const config = configFromPulumi(stackConfig(stack), stack);
    return { name: `meshstack ${stack}`, istio: config.istio, addons: addonDemand(config.observability) };
}

/** The report's scenarios. */
export function scenarios(): CostScenario[] {
    const prod = stackScenario("prod");
    return [
        CHART_DEFAULTS,
        withGuidesSidecars(CHART_DEFAULTS, "Istio's defaults, the guides' sidecars"),
        stackScenario("dev"),
        prod,
        withGuidesSidecars(prod, "meshstack prod, the guides' sidecars"),
    ];
}

/** The report as a Markdown table. */
export function costTable(lines: readonly CostLine[]): string {
    const gib = (mib: number): string => `${(mib / 1024).toFixed(2)} GiB`;
    return [
        "| scenario | at rest: CPU | at rest: memory | at most: CPU | at most: memory | at rest vs defaults |",
        "|---|---|---|---|---|---|",
        ...lines.map(
            (line) =>
                `| ${line.name} | ${line.rest.cpuMillicores}m | ${gib(line.rest.memoryMiB)} | ${line.max.cpuMillicores}m | ` +
                `${gib(line.max.memoryMiB)} | CPU × ${line.ratio.cpu}, memory × ${line.ratio.memory} |`,
        ),
    ].join("\n");
}

if (require.main === module) {
    process.stdout.write(`${costTable(costReport(scenarios()))}\n`);
}
