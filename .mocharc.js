// The tests run as JavaScript compiled by `scripts/build.js` (TypeScript 7, the same strict options as
// the program): `npm test` compiles, then runs mocha on .build/.
module.exports = {
    require: [".build/tests/defer-sdk-deps.js"],
    spec: [".build/tests/**/*.test.js"],
    timeout: 20000,
};
