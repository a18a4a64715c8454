import { Writable } from 'node:stream';
import type { Command, CommandContext } from '../../commands/command';
import { runCommand, unexpectedErrorText } from '../../commands/run-command';
import { UserError } from '../../src/domain/user-error';
import { createLogger } from '../../src/logging/logger';
import { errorReply } from '../../src/messages/reply';

const context = (canManageChannel: boolean): CommandContext => ({
  channel: { platform: 'slack', workspaceId: 'T1', channelId: 'C1' },
  user: { id: 'U1', name: 'Ana', canManageChannel },
  services: { checkCanPost: async () => null } as unknown as CommandContext['services'],
  now: () => new Date(),
});

/** A command that records its runs and does what `behave` says. */
function probe(permission: Command['permission'], behave: () => Promise<void> = async () => undefined) {
  const runs: unknown[] = [];
  const command: Command = {
    name: 'probe',
    description: 'A probe',
    permission,
    options: [],
    run: async (_ctx, args) => {
      runs.push(args);
      await behave();
      return { tone: 'success', title: 'Done', blocks: [] };
    },
  };
  return { command, runs };
}

function recorder() {
  const logs: Array<Record<string, unknown>> = [];
  const timed: Array<[string, string, number]> = [];
  const log = createLogger(
    'info',
    new Writable({
      write: (c, _e, done) =>
        void (String(c)
          .split('\n')
          .filter(Boolean)
          .forEach((l) => {
            logs.push(JSON.parse(l));
          }),
        done()),
    }),
  );
  return { logs, timed, log, metrics: { commandFinished: (p: string, c: string, s: number) => void timed.push([p, c, s]) } };
}

describe('runCommand: the one way every surface runs a command', () => {
  test("a manage-channel command refuses a user the platform did not allow, in the platform's words, without running or timing it", async () => {
    const { command, runs } = probe('manage-channel');
    const r = recorder();
    const outcome = await runCommand({
      command,
      context: context(false),
      args: {},
      log: r.log,
      refusal: 'Only admins here.',
      metrics: r.metrics,
    });
    expect(outcome).toEqual({ ok: false, reply: errorReply('Only admins here.'), failure: 'refused' });
    expect(runs).toEqual([]);
    expect(r.timed).toEqual([]);
  });

  test('allowed: the command runs with its arguments and is timed under its platform and name', async () => {
    const { command, runs } = probe('manage-channel');
    const r = recorder();
    const outcome = await runCommand({
      command,
      context: async () => context(true),
      args: () => ({ states: 'tx' }),
      log: r.log,
      refusal: 'no',
      metrics: r.metrics,
    });
    expect(outcome).toEqual({ ok: true, reply: { tone: 'success', title: 'Done', blocks: [] } });
    expect(runs).toEqual([{ states: 'tx' }]);
    expect(r.timed.map(([p, c]) => [p, c])).toEqual([['slack', 'probe']]);
    expect(r.timed[0][2]).toBeGreaterThanOrEqual(0);
  });

  test('a UserError, from the arguments or the run, is answered in its own words and not logged', async () => {
    const r = recorder();
    const badArgs = await runCommand({
      command: probe('anyone').command,
      context: context(true),
      args: () => {
        throw new UserError('/probe has no option "x:".');
      },
      log: r.log,
      refusal: 'no',
    });
    expect(badArgs).toMatchObject({ ok: false, failure: 'mistake', reply: errorReply('/probe has no option "x:".') });
    const failing = probe('anyone', async () => {
      throw new UserError('Nothing matches "x".');
    });
    expect(
      await runCommand({ command: failing.command, context: context(true), args: {}, log: r.log, refusal: 'no', metrics: r.metrics }),
    ).toMatchObject({ failure: 'mistake', reply: errorReply('Nothing matches "x".') });
    expect(r.logs).toEqual([]);
    expect(r.timed).toHaveLength(1);
  });

  test('anything else is logged with the error and answered with one generic sentence naming the command; it is still timed', async () => {
    const r = recorder();
    const broken = probe('anyone', async () => {
      throw new TypeError('x is undefined');
    });
    const outcome = await runCommand({
      command: broken.command,
      context: context(true),
      args: {},
      log: r.log.child({ command: 'probe', team: 'T1' }),
      refusal: 'no',
      metrics: r.metrics,
    });
    expect(outcome).toMatchObject({
      ok: false,
      failure: 'bug',
      reply: errorReply('Something went wrong answering /probe. It has been logged; please try again later.'),
    });
    expect(unexpectedErrorText('probe')).toBe('Something went wrong answering /probe. It has been logged; please try again later.');
    expect(r.logs).toEqual([
      expect.objectContaining({
        level: 50,
        msg: 'command failed',
        command: 'probe',
        team: 'T1',
        err: expect.objectContaining({ message: 'x is undefined' }),
      }),
    ]);
    expect(r.timed).toHaveLength(1);
  });

  test("a context that cannot be built (the platform's API failed) is a logged failure too, never a throw", async () => {
    const r = recorder();
    const { command, runs } = probe('anyone');
    const outcome = await runCommand({
      command,
      context: async () => {
        throw new Error('users.info: ratelimited');
      },
      args: {},
      log: r.log,
      refusal: 'no',
    });
    expect(outcome).toMatchObject({ ok: false, failure: 'bug' });
    expect(runs).toEqual([]);
    expect(r.logs[0]).toMatchObject({ msg: 'command failed', err: { message: 'users.info: ratelimited' } });
  });
});
