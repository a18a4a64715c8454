/**
 * `npm test`: the whole test suite (SPEC section 7), on loopback; PostgreSQL and Redis suites skip
 * when those are down, with one line saying what to start. Two halves run alone:
 * `npm run test:unit` (jest.unit.config.js: in process, fast) and `npm run test:e2e`
 * (jest.e2e.config.js: the suites that spawn the bot or need the servers outright); `.ci/run`
 * runs the two halves. The split: test/setup/jest-common.js.
 */
const { base } = require('./test/setup/jest-common');

/** @type {import('jest').Config} */
module.exports = { ...base, testMatch: ['**/*.test.ts'] };
