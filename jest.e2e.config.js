/** `npm run test:e2e`: the suites that spawn processes or need PostgreSQL and Redis (list: test/setup/jest-common.js). */
const { base, E2E_SUITES } = require('./test/setup/jest-common');

/** @type {import('jest').Config} */
module.exports = { ...base, testMatch: E2E_SUITES.map((path) => (path.endsWith('/') ? `${path}**/*.test.ts` : path)) };
