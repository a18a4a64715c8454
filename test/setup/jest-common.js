/**
 * What jest.config.js (`npm test`) and jest.e2e.config.js (`npm run test:e2e`) share, and the
 * one list that splits the suites between them.
 */

/**
 * The suites that spawn the bot as processes or need PostgreSQL and Redis outright: everything
 * under test/e2e/, plus the process suites that sit beside the unit tests of what they spawn.
 * (cli.test.ts and sharding.test.ts spawn one process each among many in-process tests: they stay.)
 */
const E2E_SUITES = [
  '<rootDir>/test/e2e/',
  '<rootDir>/test/observability/process-guards.test.ts',
  '<rootDir>/test/platforms/discord/malformed-packet.test.ts',
  '<rootDir>/test/platforms/discord/sharding-processes.test.ts',
];

/** @type {import('jest').Config} */
const base = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 30000,
  // PostgreSQL and Redis are asked once per run; suites that need one that is down skip, and the
  // run ends with one line saying what to start (test/helpers/services.ts).
  globalSetup: '<rootDir>/test/setup/probe-services.ts',
  globalTeardown: '<rootDir>/test/setup/report-services.ts',
};

module.exports = { base, E2E_SUITES };
