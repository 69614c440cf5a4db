// The tests run as JavaScript compiled by `scripts/build.js` (TypeScript 7, the same strict options as
// the program): `npm test` (scripts/test.js) compiles, then runs mocha on .build/ with these settings.
// `npx mocha` reads them too, to run the tests of the last build.
module.exports = {
    require: [".build/runner/defer-sdk-deps.js"],
    spec: [".build/tests/**/*.test.js"],
    timeout: 20000,
};
