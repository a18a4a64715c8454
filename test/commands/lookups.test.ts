import agency, { MAX_NAME_CHARS } from '../../commands/agency';
import { UserError } from '../../src/domain/user-error';
import { findCommand, commands } from '../../commands/index';
import { parseCommandText } from '../../commands/parse-text';
import { lineText, type Reply } from '../../commands/reply';
import status from '../../commands/status';
import { agencyKey } from '../../src/domain/agency';
import { commandWorld, type CommandWorld } from '../helpers/command-context';

const items = (reply: Reply) => reply.blocks.flatMap((b) => (b.kind === 'list' ? b.items.map(lineText) : []));

describe('/agency', () => {
  let world: CommandWorld;
  const hostile = '**Evil** @everyone <@123> County Sheriff';
  beforeAll(async () => {
    world = await commandWorld(undefined, undefined, (rows) => [...rows, { ...rows[0], agency: hostile, agencyKey: agencyKey(hostile) }]);
  });
  afterAll(() => world.close());

  test('finds agencies across states by words of their name, exact words first', async () => {
    const reply = await agency.run(world.ctx(), { name: 'harrison county' });
    const list = items(reply);
    expect(list.length).toBeGreaterThanOrEqual(4);
    expect(list.every((l) => l.startsWith('Harrison County'))).toBe(true);
    expect(new Set(list.map((l) => /\(.*, (.*)\)/.exec(l)![1])).size).toBeGreaterThan(2); // several states
  });

  test('tolerates a typo in a long word', async () => {
    expect(items(await agency.run(world.ctx(), { name: 'rockwal county' })).some((l) => l.startsWith("Rockwall County Sheriff's Office"))).toBe(true);
  });

  test('an agency name with markdown and mentions stays one untrusted text span', async () => {
    const reply = await agency.run(world.ctx(), { name: 'evil everyone' });
    const item = reply.blocks.find((b) => b.kind === 'list')!;
    expect(item.kind === 'list' && item.items[0][0]).toEqual({ bold: hostile });
  });

  test('nothing found, or nothing asked, is said plainly', async () => {
    await expect(agency.run(world.ctx(), { name: 'zzzz qqqq' })).rejects.toThrow(`No agency in ICE's 287(g) lists matches "zzzz qqqq"`);
    await expect(agency.run(world.ctx(), { name: ' ' })).rejects.toThrow('Give part of an agency name');
  });

  test('a 10 KB name is refused with a message that says why (the answer showed "• ..." with the name gone)', async () => {
    const huge = 'Harris County Sheriff '.repeat(500);
    const run = agency.run(world.ctx(), { name: huge });
    await expect(run).rejects.toThrow(UserError);
    await expect(agency.run(world.ctx(), { name: huge })).rejects.toThrow(`That name is ${huge.trim().length} characters long; give at most ${MAX_NAME_CHARS}`);
    // The longest real name still works.
    const longest = (await world.snapshots.getState('participating'))!.view.rows.reduce((a, b) => (b.agency.length > a.agency.length ? b : a));
    expect((await agency.run(world.ctx(), { name: longest.agency })).title).toMatch(/match/);
  });
});

describe('/status', () => {
  test('each source with its current file, last judgement and held endings', async () => {
    const world = await commandWorld();
    const state = (await world.snapshots.getState('participating'))!;
    await world.snapshots.saveState('participating', { ...state, held: [{ row: state.view.rows[0], since: '2025-12-12T20:00:00.000Z' }] }, 'held');
    await world.snapshots.recordJudgement('participating', { verdict: 'rejected', reason: 'the list is empty', fileName: 'bad.xlsx', sha256: 'x', at: '2025-12-12T21:00:00.000Z', eventCount: 0, notices: [] });
    const reply = await status.run(world.ctx());
    const fields = reply.blocks.flatMap((b) => (b.kind === 'fields' ? b.fields : []));
    const participating = lineText(fields.find((f) => f.name === 'Participating agencies')!.value);
    expect(participating).toContain('Current list: 1245 rows, participatingAgencies12122025pm.xlsx');
    expect(participating).toContain('1 endings held as suspect');
    expect(participating).toContain('Last rejected file: 2025-12-12 21:00 UTC, bad.xlsx: the list is empty');
    expect(reply.tone).toBe('error');
    expect(lineText(fields.find((f) => f.name === 'Pending agencies')!.value)).toContain('Current list: 39 rows');
    await world.close();
  });

  test('deliveries: what waits, the shared queue per platform, dead letters and the polling instance', async () => {
    const world = await commandWorld();
    const base = world.ctx();
    const ctx = {
      ...base,
      services: {
        ...base.services,
        delivery: async () => ({
          mode: 'shared queue' as const, pending: 3, oldestPendingAt: '2025-12-12T20:00:00.000Z', poller: 'host-a:4242:ab12cd',
          queue: [{ platform: 'discord', waiting: 2, active: 1, delayed: 0, failed: 0 }],
          deadLetters: [{ id: 'x', lastError: 'Gave up after 12 attempts: 500', createdAt: '2025-12-12T19:00:00.000Z', channel: 'discord 1400' }],
        }),
      },
    };
    const fields = (await status.run(ctx)).blocks.flatMap((b) => (b.kind === 'fields' ? b.fields : []));
    expect(lineText(fields.find((f) => f.name === 'Deliveries (shared queue)')!.value).split('\n')).toEqual([
      '3 waiting to be sent (oldest planned 2025-12-12 20:00 UTC)',
      'Shared queue, discord: 2 queued, 1 sending, 0 retrying later, 0 failed jobs',
      '1 alert given up (latest: discord 1400: Gave up after 12 attempts: 500)',
      'Polling instance: host-a:4242:ab12cd',
    ]);
    await world.close();
  });
});

describe('free-text arguments (Slack, terminal)', () => {
  const subscribe = findCommand('subscribe')!;
  test.each([
    ['tx ok models:tfm daily', { states: 'tx ok', models: 'tfm', mode: 'daily' }],
    ['TX,OK kinds:agreements,endings', { states: 'TX,OK', kinds: 'agreements,endings' }],
    ['new york weekly tfm', { states: 'new york', mode: 'weekly', models: 'tfm' }],
    ['totals', { states: 'totals' }],
    ['tx totals', { states: 'tx', kinds: 'totals' }],
  ])('/subscribe %s', (input, expected) => expect(parseCommandText(subscribe, input)).toEqual(expected));

  test('/agreements new york since:2025-03-01 model=jem page:2', () => {
    expect(parseCommandText(findCommand('agreements')!, 'new york since:2025-03-01 model=jem page:2')).toEqual({ state: 'new york', since: '2025-03-01', model: 'jem', page: '2' });
  });

  test('an unknown option is a user error naming the options', () => {
    expect(() => parseCommandText(findCommand('agreements')!, 'tx color:red')).toThrow('/agreements has no option "color:". Options: state:, model:, county:, since:.');
    expect(() => parseCommandText(findCommand('status')!, 'anything')).toThrow('/status takes no arguments.');
  });

  test('the registry holds the SPEC commands once each', () => {
    expect(commands.map((c) => c.name).sort()).toEqual(['agency', 'agreements', 'status', 'subscribe', 'subscriptions', 'totals', 'unsubscribe']);
  });
});
