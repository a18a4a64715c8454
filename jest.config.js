/**
 * `npm test`: the unit and integration suites, in process, on loopback; PostgreSQL and Redis
 * suites skip when those are down. `npm run test:e2e` (jest.e2e.config.js) runs the suites that
 * spawn processes or need the servers outright; `.ci/run` runs both. The split: test/setup/jest-common.js.
 */
const { base, E2E_SUITES } = require('./test/setup/jest-common');

/** @type {import('jest').Config} */
module.exports = { ...base, testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', ...E2E_SUITES] };
