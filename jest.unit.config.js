/** `npm run test:unit`: every suite but the end-to-end ones (list: test/setup/jest-common.js). */
const { base, E2E_SUITES } = require('./test/setup/jest-common');

/** @type {import('jest').Config} */
module.exports = { ...base, testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', ...E2E_SUITES] };
