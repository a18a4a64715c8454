import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { OperatorNotice } from '../../src/domain/agreements/guards';
import { createLogger } from '../../src/logging/logger';
import { CRASH_EXIT_CODE, installProcessGuards, type GuardedProcess } from '../../src/observability/process-guards';

const ROOT = join(__dirname, '..', '..');

function setup(notify: (n: OperatorNotice[]) => Promise<void> = async () => undefined) {
  const target = new EventEmitter();
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger(
    'info',
    new Writable({
      write: (c, _e, done) => (
        logs.push(
          ...String(c)
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l)),
        ),
        done()
      ),
    }),
  );
  const notices: OperatorNotice[] = [];
  const exits: number[] = [];
  let exited: () => void = () => undefined;
  const exit = new Promise<void>((resolve) => (exited = resolve));
  const remove = installProcessGuards({
    logger,
    target: target as unknown as GuardedProcess,
    noticeTimeoutMs: 300,
    rejectionNoticeEveryMs: 60_000,
    notifyOperators: async (n) => (notices.push(...n), notify(n)),
    exit: (code) => (exits.push(code), exited()),
  });
  return { target, logs, notices, exits, exit, remove };
}

describe('installProcessGuards', () => {
  test('an uncaught exception is logged as fatal, told to operators, and exits non-zero once the notice is out', async () => {
    const g = setup();
    g.target.emit('uncaughtException', new RangeError('Invalid bitfield flag or number: abc.'), 'uncaughtException');
    await g.exit;
    expect(g.exits).toEqual([CRASH_EXIT_CODE]);
    expect(g.notices).toEqual([
      {
        kind: 'failing',
        text: expect.stringMatching(
          /uncaught error and is exiting \(RangeError: Invalid bitfield flag or number: abc\.\); its supervisor should restart it/,
        ),
      },
    ]);
    expect(g.logs.find((l) => l.level === 60)).toMatchObject({
      msg: expect.stringMatching(/state of the process is unknown/),
      err: { message: 'Invalid bitfield flag or number: abc.' },
    });
    g.remove();
  });

  test("a notice that hangs (the failing platform is the operators' channel) does not keep the process from exiting", async () => {
    const g = setup(() => new Promise(() => undefined));
    const started = Date.now();
    g.target.emit('uncaughtException', new Error('boom'));
    await g.exit;
    expect(g.exits).toEqual([CRASH_EXIT_CODE]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    g.remove();
  });

  test('an unhandled rejection is logged and told (at most one notice a minute); the process keeps running', async () => {
    const g = setup();
    g.target.emit('unhandledRejection', new Error('first'));
    g.target.emit('unhandledRejection', new Error('second'));
    await new Promise((r) => setTimeout(r, 20));
    expect(g.exits).toEqual([]);
    expect(g.notices.map((n) => n.text)).toEqual([
      expect.stringMatching(/a background task failed unhandled \(Error: first\); the bot keeps running/),
    ]);
    expect(g.logs.filter((l) => l.msg === 'unhandled promise rejection: that work failed; the bot keeps running')).toHaveLength(2);
    g.remove();
    expect(g.target.listenerCount('uncaughtException') + g.target.listenerCount('unhandledRejection')).toBe(0);
  });

  test.each([
    ['throw', CRASH_EXIT_CODE, /NOTICE failing: ice-watch hit an uncaught error and is exiting \(RangeError: half-done state\)/, false],
    ['reject', 0, /NOTICE failing: ice-watch: a background task failed unhandled \(Error: nobody awaited this\)/, true],
  ])(
    'in a real process that fails by %s: the exit code, the notice to operators, and whether it lives on',
    (how, code, notice, survives) => {
      const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'run-ts.js'), join(__dirname, 'process-guards-child.ts'), how], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(run.status).toBe(code);
      expect(run.stdout).toMatch(notice);
      expect(run.stdout.includes('STILL RUNNING')).toBe(survives);
    },
  );
});
