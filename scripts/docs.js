// Writes the documents generated from the config schema: the stack file JSON Schema and the README's
// config reference table; and the README's cost section (the cost report and each default's evidence). Run through `npm run docs` (which compiles first); the tests fail when the
// committed copies differ from what the schema renders.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const docs = require(path.join(root, ".build", "config", "docs.js"));
const cost = require(path.join(root, ".build", "bench", "cost.js"));

const schemaFile = path.join(root, docs.STACK_SCHEMA_FILE);
fs.mkdirSync(path.dirname(schemaFile), { recursive: true });
fs.writeFileSync(schemaFile, docs.renderStackFileSchema());

const readmeFile = path.join(root, "README.md");
fs.writeFileSync(readmeFile, cost.withCostSection(docs.withConfigTable(fs.readFileSync(readmeFile, "utf8"))));
console.log(`wrote ${docs.STACK_SCHEMA_FILE}, the config reference and the cost section in README.md`);
