import agency, { MAX_NAME_CHARS } from '../../commands/agency';
import { UserError } from '../../src/domain/user-error';
import { findCommand, commands } from '../../commands/index';
import { parseCommandText } from '../../commands/parse-text';
import { lineText, type Reply } from '../../src/messages/reply';
import status from '../../commands/status';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { healthyState } from '../../src/domain/source-health';
import { renderReplyForDiscord } from '../../src/platforms/discord/render-reply';
import { renderReplyForSlack } from '../../src/platforms/slack/render-reply';
import { parseDetentionWorkbook } from '../../src/sources/detention-workbook';
import { agencyKey } from '../../src/domain/agreements/agency';
import { memoryStores } from '../helpers/stores';
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
    expect(
      items(await agency.run(world.ctx(), { name: 'rockwal county' })).some((l) => l.startsWith("Rockwall County Sheriff's Office")),
    ).toBe(true);
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
    await expect(agency.run(world.ctx(), { name: huge })).rejects.toThrow(
      `That name is ${huge.trim().length} characters long; give at most ${MAX_NAME_CHARS}`,
    );
    // The longest real name still works.
    const longest = (await world.snapshots.getState('participating'))!.view.rows.reduce((a, b) =>
      b.agency.length > a.agency.length ? b : a,
    );
    expect((await agency.run(world.ctx(), { name: longest.agency })).title).toMatch(/match/);
  });
});

describe('/status', () => {
  /** The items of the reply's list under `heading`, as text. */
  const sectionOf = (reply: Reply, heading: string) => {
    const block = reply.blocks.find((b) => b.kind === 'list' && b.heading === heading);
    if (block?.kind !== 'list')
      throw new Error(`no section "${heading}" in ${reply.blocks.map((b) => (b.kind === 'list' ? b.heading : b.kind)).join(', ')}`);
    return block.items.map(lineText);
  };

  test('each list with its current file, last judgement and held endings', async () => {
    const world = await commandWorld();
    const state = (await world.snapshots.getState('participating'))!;
    await world.snapshots.saveState(
      'participating',
      { ...state, held: [{ row: state.view.rows[0], since: '2025-12-12T20:00:00.000Z' }] },
      'held',
    );
    await world.snapshots.recordJudgement('participating', {
      verdict: 'rejected',
      reason: 'the list is empty',
      fileName: 'bad.xlsx',
      sha256: 'x',
      at: '2025-12-12T21:00:00.000Z',
      eventCount: 0,
      notices: [],
    });
    const reply = await status.run(world.ctx());
    const participating = sectionOf(reply, '287(g) participating agencies');
    expect(participating).toContain('Current list: 1245 rows, participatingAgencies12122025pm.xlsx, fetched 2025-12-12 18:00 UTC');
    expect(participating).toContain(
      '1 ending held as suspect since 2025-12-12 20:00 UTC: confirmed by a publication an hour later, or an operator decides',
    );
    expect(participating).toContain('Last rejected file: 2025-12-12 21:00 UTC, bad.xlsx: the list is empty');
    expect(reply.tone).toBe('error');
    expect(sectionOf(reply, '287(g) pending requests')).toContain(
      'Current list: 39 rows, pendingAgencies09222025am.xlsx, fetched 2025-12-12 18:00 UTC',
    );
    await world.close();
  });

  test('every source with last success, last publication, back-off and next poll; no pending list linked is said so; the configured (mirror) pages are linked', async () => {
    const world = await commandWorld(undefined, null);
    const { health, totals } = memoryStores();
    await world.snapshots.setPageLinks({ at: '2025-12-12T18:00:00.000Z', participating: 'http://mirror.test/p.xlsx', pending: null });
    await health.set({ ...healthyState('287g'), lastSuccessAt: '2025-12-12T18:00:00.000Z' });
    await health.set({
      ...healthyState('totals'),
      consecutiveFailures: 1,
      firstFailureAt: '2025-12-12T18:07:00.000Z',
      lastFailureAt: '2025-12-12T18:07:00.000Z',
      lastError: 'detention statistics: GET http://mirror.test/detain answered 500 Internal Server Error',
      nextAttemptAt: '2025-12-12T19:12:00.000Z',
    });
    const release = await parseDetentionWorkbook(
      await readFile(join(__dirname, '../fixtures/detention/2026-01-09_FY26_detentionStats01082026.xlsx')),
    );
    await totals.addRelease({
      release,
      fileName: 'FY26_detentionStats01082026.xlsx',
      sha256: 'a',
      url: 'http://mirror.test/d.xlsx',
      fetchedAt: '2026-01-09T10:00:00.000Z',
    });
    const base = world.ctx();
    const next = { 'poll-287g': new Date('2025-12-12T19:15:00.000Z'), 'poll-totals': new Date('2025-12-12T19:07:00.000Z') };
    const reply = await status.run({
      ...base,
      services: {
        ...base.services,
        health,
        totals,
        sources: { page287g: 'http://mirror.test/287g', detentionPage: 'http://mirror.test/detain', nextPoll: (job) => next[job] },
      },
    });
    expect(sectionOf(reply, '287(g) page')).toEqual(['Last successful poll: 2025-12-12 18:00 UTC', 'Next poll: 2025-12-12 19:15 UTC']);
    expect(sectionOf(reply, '287(g) pending requests')).toEqual(['No pending list linked on the 287(g) page at its last read']);
    expect(sectionOf(reply, 'Detention statistics')).toEqual([
      `Last publication: FY26_detentionStats01082026.xlsx, as of ${release.asOf}, fetched 2026-01-09 10:00 UTC`,
      '1 failed poll in a row since 2025-12-12 18:07 UTC: detention statistics: GET http://mirror.test/detain answered 500 Internal Server Error',
      'Backing off: next try after 2025-12-12 19:12 UTC',
    ]);
    expect(sectionOf(reply, 'Daily counts feed')).toEqual(['Not configured (set DAILY_TOTALS_URL)']);
    expect(sectionOf(reply, 'Sources')).toEqual([
      '287(g) page: http://mirror.test/287g',
      'Detention statistics page: http://mirror.test/detain',
    ]);
    expect(JSON.stringify(reply)).not.toContain('ice.gov');
    expect(reply.tone).toBe('error');

    // One line per fact on every platform: Discord's description and Slack's sections keep the line breaks.
    const discord = renderReplyForDiscord(reply).embeds[0].description!.split('\n');
    expect(discord).toContain('**287(g) pending requests**');
    expect(discord).toContain('• No pending list linked on the 287(g) page at its last read');
    expect(discord).toContain('• Backing off: next try after 2025-12-12 19:12 UTC');
    const slack = renderReplyForSlack(reply).blocks.flatMap((b) => (b.type === 'section' && b.text ? b.text.text.split('\n') : []));
    expect(slack).toContain('• Backing off: next try after 2025-12-12 19:12 UTC');
    expect(slack).toContain('• Next poll: 2025-12-12 19:15 UTC');
    await world.close();
  });

  test('deliveries: what waits, dead letters and the polling instance', async () => {
    const world = await commandWorld();
    const base = world.ctx();
    const ctx = {
      ...base,
      services: {
        ...base.services,
        delivery: async () => ({
          mode: 'several instances' as const,
          pending: 3,
          oldestPendingAt: '2025-12-12T20:00:00.000Z',
          poller: 'host-a:4242:ab12cd',
          deadLetters: [
            { id: 'x', lastError: 'Gave up after 12 attempts: 500', createdAt: '2025-12-12T19:00:00.000Z', channel: 'discord 1400' },
          ],
        }),
      },
    };
    expect(sectionOf(await status.run(ctx), 'Deliveries (several instances)')).toEqual([
      '3 waiting to be sent (oldest planned 2025-12-12 20:00 UTC)',
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
    expect(parseCommandText(findCommand('agreements')!, 'new york since:2025-03-01 model=jem page:2')).toEqual({
      state: 'new york',
      since: '2025-03-01',
      model: 'jem',
      page: '2',
    });
  });

  test('an unknown option is a user error naming the options', () => {
    expect(() => parseCommandText(findCommand('agreements')!, 'tx color:red')).toThrow(
      '/agreements has no option "color:". Options: state:, model:, county:, since:.',
    );
    expect(() => parseCommandText(findCommand('status')!, 'anything')).toThrow('/status takes no arguments.');
  });

  test('the registry holds the SPEC section 5 commands, and every command once', () => {
    const names = commands.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining(['agency', 'agreements', 'status', 'subscribe', 'subscriptions', 'totals', 'unsubscribe']),
    );
    expect(new Set(names).size).toBe(names.length);
  });
});
