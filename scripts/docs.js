// Writes the generated documents: the stack file JSON Schema and the config reference table
// (docs/reference/configuration.md), from the config schema; and the cost section of
// docs/cost-and-capacity.md (the cost report and each default's evidence). Run through `npm run docs`
// (which compiles first); the tests fail when the committed copies differ from what the code renders.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const docs = require(path.join(root, ".build", "config", "docs.js"));
const cost = require(path.join(root, ".build", "bench", "cost.js"));

const schemaFile = path.join(root, docs.STACK_SCHEMA_FILE);
fs.mkdirSync(path.dirname(schemaFile), { recursive: true });
fs.writeFileSync(schemaFile, docs.renderStackFileSchema());

const configFile = path.join(root, docs.CONFIG_REFERENCE_FILE);
fs.writeFileSync(configFile, docs.withConfigTable(fs.readFileSync(configFile, "utf8")));
const costFile = path.join(root, cost.COST_FILE);
fs.writeFileSync(costFile, cost.withCostSection(fs.readFileSync(costFile, "utf8")));
console.log(`wrote ${docs.STACK_SCHEMA_FILE}, ${docs.CONFIG_REFERENCE_FILE} and the cost section of ${cost.COST_FILE}`);
