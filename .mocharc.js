// Tests run TypeScript through ts-node with their own tsconfig (module node16, so that `import()` of
// the ESM-only schema packages stays a real dynamic import). Type checking is `npm run typecheck`.
process.env.TS_NODE_PROJECT = "tests/tsconfig.json";
process.env.TS_NODE_TRANSPILE_ONLY = "true";

module.exports = {
    require: ["ts-node/register"],
    spec: ["tests/**/*.test.ts"],
    timeout: 20000,
};
