/**
 * A process for process-guards.test.ts: installs the guards (operator notices go to stdout),
 * then fails the way its first argument says: `reject` (an unhandled rejection, then a line
 * on stdout once it has lived on) or `throw` (an uncaught exception from a timer).
 */
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging/logger';
import { installProcessGuards } from '../../src/observability/process-guards';

const logger = createLogger('info', new Writable({ write: (c, _e, done) => void process.stderr.write(c, () => done()) }));
installProcessGuards({
  logger,
  notifyOperators: async (notices) => {
    for (const n of notices) process.stdout.write(`NOTICE ${n.kind}: ${n.text}\n`);
  },
});
if (process.argv.includes('reject')) {
  void Promise.reject(new Error('nobody awaited this'));
  setTimeout(() => process.stdout.write('STILL RUNNING\n'), 200);
} else {
  setTimeout(() => {
    throw new RangeError('half-done state');
  }, 10);
  setTimeout(() => process.stdout.write('STILL RUNNING\n'), 2_000);
}
