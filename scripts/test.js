// `npm test`: build (type-check and compile, scripts/build.js), then run mocha on .build/ in this same
// process, with the settings of .mocharc.js (which `npx mocha` also reads).
"use strict";
const fs = require("fs");
const path = require("path");
const { build } = require("./build");

const status = build();
if (status !== 0) {
    process.exit(status);
}

const root = path.resolve(__dirname, "..");
const settings = require(path.join(root, ".mocharc.js"));
for (const file of settings.require) {
    require(path.join(root, file));
}
const Mocha = require("mocha");
const mocha = new Mocha({ timeout: settings.timeout });
/** Every `*.test.js` below `dir`, sorted (as .mocharc.js's `spec` glob finds them). */
function testFiles(dir) {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((entry) => {
            const file = path.join(dir, entry.name);
            return entry.isDirectory() ? testFiles(file) : entry.name.endsWith(".test.js") ? [file] : [];
        })
        .sort();
}
for (const file of testFiles(path.join(root, ".build", "tests"))) {
    mocha.addFile(file);
}
mocha.run((failures) => {
    process.exitCode = failures > 0 ? 1 : 0;
});
