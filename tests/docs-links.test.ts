/**
 * The documents hold together: every relative link leads to a file (and a heading) that exists, every
 * `npm run` names a script of package.json, every `meshstack:` key a key of the schema, and every file a
 * command or a table names by path exists.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { configRows } from "../config/docs";
import { OUTPUT_NAMES } from "../contract/outputs";
import { PROJECT_ROOT, underMutationTesting } from "./harness";

/** The documents a user or contributor reads. */
function documents(): string[] {
    const inDocs = (dir: string): string[] =>
        fs.readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
            entry.isDirectory() ? inDocs(path.join(dir, entry.name)) : entry.name.endsWith(".md") ? [path.join(dir, entry.name)] : [],
        );
    return ["README.md", "CONTRIBUTING.md", "UPGRADING.md", "CHANGELOG.md", "examples/consumer/README.md", ...inDocs("docs")].sort();
}

const read = (file: string): string => fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8");

/** The text outside fenced code blocks. */
function prose(text: string): string {
    return text.replace(/^```[\s\S]*?^```/gm, "");
}

/** GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens. */
export function anchorOf(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9 _-]/g, "")
        .replace(/ /g, "-");
}

function anchorsIn(text: string): Set<string> {
    return new Set([...prose(text).matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1])));
}

describe("documents", () => {
    it("computes GitHub's anchors", () => {
        assert.deepStrictEqual(
            ["CI/CD", "Why `kubernetes.helm.v4.Chart`", "Roll out a new version: pods first, then weight", "Upgrade to a newer 1.31 patch"].map(anchorOf),
            ["cicd", "why-kuberneteshelmv4chart", "roll-out-a-new-version-pods-first-then-weight", "upgrade-to-a-newer-131-patch"],
        );
    });

    it("every relative link leads to a file that exists, and to a heading it has", () => {
        const broken: string[] = [];
        for (const file of documents()) {
            for (const match of prose(read(file)).matchAll(/\]\(([^)\s]+)\)/g)) {
                const target = match[1];
                if (/^[a-z]+:/.test(target)) continue;
                const [linked, anchor] = target.split("#");
                const resolved = linked === "" ? file : path.normalize(path.join(path.dirname(file), linked));
                if (!fs.existsSync(path.join(PROJECT_ROOT, resolved))) {
                    broken.push(`${file}: ${target} (no ${resolved})`);
                } else if (anchor !== undefined && resolved.endsWith(".md") && !anchorsIn(read(resolved)).has(anchor)) {
                    broken.push(`${file}: ${target} (no heading #${anchor} in ${resolved})`);
                }
            }
        }
        assert.deepStrictEqual(broken, []);
    });

    it("every `npm run` names a script package.json has", () => {
        const scripts = new Set(Object.keys((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts));
        const named = documents().flatMap((file) =>
            [...read(file).matchAll(/npm run (?:--silent )?([a-z0-9:-]+)/g)].map((match) => `${file}: ${match[1]}`),
        );
        assert.ok(named.length > 10, "the documents name npm scripts");
        assert.deepStrictEqual(
            named.filter((entry) => !scripts.has(entry.slice(entry.indexOf(": ") + 2))),
            [],
        );
    });

    it("every `meshstack:` key the documents name is a key of the schema (or a part of one)", () => {
        const rows = configRows();
        const keys = rows.map((row) => row.key);
        const maps = rows.filter((row) => row.type === "map").map((row) => row.key);
        const known = (mention: string): boolean => {
            const key = mention.replace(/\[\d*\]/g, "[]").replace(/\.$/, "");
            return (
                keys.some((candidate) => candidate === key || candidate.startsWith(`${key}.`) || candidate.startsWith(`${key}[]`)) ||
                maps.some((map) => key.startsWith(`${map}.`))
            );
        };
        // Other namespaces' keys (`meshstak:`, a typo the config catches) and the config namespace alone are not keys.
        const mentions = documents()
            .filter((file) => file !== "CHANGELOG.md")
            // Outside code blocks (an example error names a misspelt key on purpose), and not a type token (`meshstack:pool:NodePool`).
            .flatMap((file) =>
                [...prose(read(file)).matchAll(/meshstack:([A-Za-z][A-Za-z0-9_.]*(?:\[\d*\][A-Za-z0-9_.]*)*)(:?)/g)]
                    .filter((match) => match[2] === "")
                    .map((match) => [file, `meshstack:${match[1]}`]),
            );
        assert.ok(mentions.length > 50, "the documents name config keys");
        assert.deepStrictEqual(
            mentions.filter(([, mention]) => !known(mention)),
            [],
        );
    });

    it("every file the documents name in a `code` span by a path with a folder exists", () => {
        const missing = documents()
            .filter((file) => file !== "CHANGELOG.md")
            .flatMap((file) =>
                [...prose(read(file)).matchAll(/`((?:\.{0,2}\/)?(?:[\w.-]+\/)+[\w.-]+\.(?:ts|js|json|yaml|yml|md|sh))`/g)]
                    .map((match) => match[1])
                    .filter((named) => !/[<>*]/.test(named) && !named.startsWith("/"))
                    .filter((named) => !fs.existsSync(path.join(PROJECT_ROOT, named)))
                    .map((named) => `${file}: ${named}`),
            );
        assert.deepStrictEqual(missing, []);
    });
});

describe("documents that follow the code", () => {
    it("the architecture's component table has every component: its file, type token and each child it names", function () {
        // It reads the components' source as text, which Stryker has instrumented (a mutant of it can change no row).
        if (underMutationTesting()) this.skip();
        const table = read("docs/architecture.md");
        const rows = new Map(
            [...table.matchAll(/^\| `(\w+)` \| `(components\/[\w-]+\.ts)` \| `([\w:]+)` \| (.*) \|$/gm)].map((match) => [match[2], { name: match[1], token: match[3], children: match[4] }]),
        );
        const problems: string[] = [];
        const files = fs.readdirSync(path.join(PROJECT_ROOT, "components")).filter((file) => file.endsWith(".ts"));
        for (const file of files) {
            const source = read(path.join("components", file));
            const token = /super\("(meshstack:[\w:]+)"/.exec(source)?.[1];
            if (token === undefined) continue;
            const row = rows.get(`components/${file}`);
            if (row === undefined || row.token !== token || !new RegExp(`class ${row.name}\\b`).test(source)) {
                problems.push(`components/${file}: no row with its class and ${token}`);
                continue;
            }
            for (const match of source.matchAll(/`\$\{name\}-([^`]*)`/g)) {
                const pattern = match[1].split(/\$\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")).join("(?:<[^`]+>|[\\w.-]+)");
                if (!new RegExp("`<name>-" + pattern + "`").test(row.children)) problems.push(`components/${file}: child \`<name>-${match[1]}\` is not in its row`);
            }
        }
        assert.deepStrictEqual(problems, []);
        assert.strictEqual(rows.size, files.filter((file) => read(path.join("components", file)).includes('super("meshstack:')).length);
    });

    it("the outputs reference has a row for each output of the contract, in its order", () => {
        const names = [...read("docs/reference/outputs.md").matchAll(/^\| `(\w+)` \| /gm)].map((match) => match[1]);
        assert.deepStrictEqual(names, [...OUTPUT_NAMES]);
    });
});
