import type { CommandContext } from '../../commands/command';
import subscribe from '../../commands/subscribe';
import { loadConfig } from '../../src/config';
import { diffLists } from '../../src/domain/agreements/diff';
import { createLogger } from '../../src/logging/logger';
import { createBot } from '../../src/main';
import { startDiscordApi, type DiscordApi } from '../../stand-ins/discord-api';
import { alertsBetween, fixturePath, loadSnapshot } from '../helpers/fixtures';
import { startIceSite, type IceSite } from '../helpers/ice-site';
import { startSlackApi, type SlackStandIn } from '../../stand-ins/slack-api';

/** Discord channel ids are snowflakes. */
const TX = '1100000000000000001';
const FL = '1100000000000000002';
const OPS = '1100000000000000003';

/**
 * The whole bot on loopback: a local ICE site publishes the real workbooks one after
 * another; local stand-ins of Discord's REST API and Slack's Web API record what arrives.
 */
describe('alerts end to end', () => {
  let site: IceSite;
  let discord: DiscordApi;
  let slack: SlackStandIn;
  let bot: Awaited<ReturnType<typeof createBot>>;
  let clock: Date;
  let terminal: string;

  beforeAll(async () => {
    [site, discord, slack] = await Promise.all([startIceSite(), startDiscordApi(), startSlackApi()]);
    const config = loadConfig({
      STORE_URL: 'memory://',
      ICE_287G_PAGE_URL: site.pageUrl,
      DISCORD_TOKEN: 'discord-test-token',
      DISCORD_APP_ID: '4242',
      DISCORD_API_URL: discord.apiUrl,
      OPERATOR_DISCORD_CHANNEL: OPS,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: slack.apiUrl,
      FETCH_TIMEOUT_MS: '2000',
    });
    clock = new Date('2025-10-16T20:00:00Z');
    terminal = '';
    bot = await createBot(config, { logger: createLogger('silent'), now: () => clock, write: (s) => void (terminal += s) });

    const as = (platform: 'discord' | 'slack', workspaceId: string, channelId: string): CommandContext => ({
      channel: { platform, workspaceId, channelId, channelName: channelId },
      user: { id: 'U1', name: 'Editor', canManageChannel: true },
      services: { ...bot.stores, checkCanPost: async () => null },
      now: () => clock,
    });
    await subscribe.run(as('discord', 'G1', TX), { states: 'texas' });
    await subscribe.run(as('discord', 'G1', FL), { states: 'FL', kinds: 'agreements', models: 'tfm' });
    await subscribe.run(as('slack', 'T1', 'endings'), { states: 'all', kinds: 'endings' });
    await subscribe.run(as('slack', 'T1', 'tx-daily'), { states: 'tx', mode: 'daily' });
  });
  afterAll(async () => {
    await bot.stop();
    await Promise.all([site.close(), discord.close(), slack.close()]);
  });

  async function publishAndPoll(participating: string, at: string) {
    site.publish({
      participating: { file: fixturePath(participating), form: 'file-download' },
      pending: { file: fixturePath('pendingAgencies09222025am.xlsx'), form: 'doclib' },
    });
    clock = new Date(at);
    const results = await bot.jobDeps.pipelines.poll287g();
    if (!results) throw new Error('the poll was skipped (backing off), which no step here expects');
    for (const r of results) await bot.jobDeps.delivery.notifyOperators(r.notices);
    await bot.jobDeps.delivery.drain();
    return results;
  }
  const operatorTexts = () => discord.messages(OPS).map((m) => String((m.body as { content: string }).content));
  const embedTitle = (m: { body: unknown }) => (m.body as { embeds: Array<{ title: string }> }).embeds[0].title;

  test('1. the first poll is a baseline: nothing posted to subscribers, operators told', async () => {
    const results = await publishAndPoll('participatingAgencies10162025pm.xlsx', '2025-10-16T20:00:00Z');
    expect(results.map((r) => r.verdict)).toEqual(['baseline', 'baseline']);
    expect(discord.messages().filter((m) => m.channelId !== OPS)).toEqual([]);
    expect(slack.delivered()).toEqual([]);
    expect(operatorTexts().join('\n')).toMatch(/participating baseline: 1033 rows/);
  });

  test('2. the next publication lands exactly the right messages in exactly the right channels', async () => {
    await publishAndPoll('participatingAgencies10172025mid.xlsx', '2025-10-17T12:00:00Z');
    // Rockwall County's SIGNED date was corrected in this publication: channels that did not ask for corrections do not get it.
    const alerts = await alertsBetween('participatingAgencies10162025pm.xlsx', 'participatingAgencies10172025mid.xlsx', {
      leaveOut: ['agreement.corrected'],
    });
    const texas = alerts.find((x) => x.stateCode === 'TX')!;

    const tx = discord.messages(TX);
    expect(tx).toHaveLength(1);
    expect(embedTitle(tx[0])).toBe(texas.title);
    expect(tx[0].body).toMatchObject({ allowed_mentions: { parse: [] }, enforce_nonce: true });

    const fl = discord.messages(FL);
    const flTfmSignings = alerts
      .find((x) => x.stateCode === 'FL')!
      .events.filter((e) => e.type === 'agreement.signed' && e.model === 'TFM');
    if (flTfmSignings.length) {
      expect(fl).toHaveLength(1);
      expect(embedTitle(fl[0])).toBe(
        `${flTfmSignings.length} new 287(g) ${flTfmSignings.length === 1 ? 'agreement' : 'agreements'} in Florida`,
      );
    } else expect(fl).toEqual([]);

    expect(slack.delivered('endings')).toEqual([]); // 10-16 -> 10-17 ended nothing
    expect(slack.delivered('tx-daily')).toEqual([]); // digests wait for the day to end
  });

  test('3. the swapped file posts nothing to subscribers and tells operators', async () => {
    const before = discord.messages().filter((m) => m.channelId !== OPS).length + slack.delivered().length;
    const results = await publishAndPoll('participatingAgencies09222025pm.xlsx', '2025-10-17T13:00:00Z');
    expect(results[0]).toMatchObject({ verdict: 'rejected' });
    expect(discord.messages().filter((m) => m.channelId !== OPS).length + slack.delivered().length).toBe(before);
    expect(operatorTexts().at(-1)).toMatch(/rejected: .*looks like the pending list/);
  });

  test('4. after the swap, the next good file is diffed against the last good one; faults are survived', async () => {
    // Faults: Texas's channel answers 500 (more often than discord.js retries in place); the Florida
    // channel lost the bot's permission.
    discord.faultChannel(TX, { kind: 'serverError' }, 20);
    discord.faultChannel(FL, { kind: 'error', status: 403, code: 50013, message: 'Missing Permissions' });
    await publishAndPoll('participatingAgencies12122025pm.xlsx', '2025-12-12T20:00:00Z');
    const [a, b] = await Promise.all([
      loadSnapshot('participatingAgencies10172025mid.xlsx'),
      loadSnapshot('participatingAgencies12122025pm.xlsx'),
    ]);
    const ended = diffLists(a.rows, b.rows, 'participating').events.filter((e) => e.type === 'agreement.ended');

    // Endings reach the endings channel, one message per state, the cleared state said so.
    const posts = slack.delivered('endings');
    expect(posts).toHaveLength(new Set(ended.map((e) => e.state)).size);
    const maine = posts.find((p) => JSON.stringify(p.body).includes('Maine'))!;
    expect(JSON.stringify(maine.body)).toMatch(/Maine has no 287\(g\) agreement left on ICE's list \(\d+ agreements? no longer listed\)/);
    expect(JSON.stringify(maine.body)).toContain('Wells Police Department');

    // The permission loss paused that subscription alone, and operators heard how to fix it.
    expect((await bot.stores.subscriptions.get(`discord:G1:${FL}`))!.paused).not.toBeNull();
    expect((await bot.stores.subscriptions.get(`discord:G1:${TX}`))!.paused).toBeNull();
    expect(operatorTexts().join('\n')).toMatch(new RegExp(`Paused alerts for discord channel ${FL}.*50013`));

    // Texas's alert is still in the outbox; once the channel answers again it lands, once.
    expect(discord.messages(TX)).toHaveLength(1);
    expect((await bot.stores.outbox.depth()).pending).toBeGreaterThan(0);
    discord.clearFaults(TX);
    clock = new Date('2025-12-12T23:00:00Z');
    await bot.jobDeps.delivery.drain();
    expect(discord.messages(TX)).toHaveLength(2);
    expect(embedTitle(discord.messages(TX)[1])).toMatch(/^\d+ new(, \d+ \w+)* 287\(g\) agreements in Texas(; .+)?$/);
    await bot.jobDeps.delivery.drain();
    expect(discord.messages(TX)).toHaveLength(2);
    expect((await bot.stores.outbox.depth()).pending).toBe(0);
  });

  test('5. the daily digest goes out once the day is over, once', async () => {
    clock = new Date('2025-12-13T00:10:00Z');
    expect(await bot.jobDeps.delivery.router.flushDigests(clock)).toBe(2); // 2025-10-17 and 2025-12-12
    await bot.jobDeps.delivery.drain();
    const digests = slack.delivered('tx-daily');
    expect(digests).toHaveLength(2);
    expect(JSON.stringify(digests[0].body)).toContain('Daily 287(g) digest for 2025-10-17');
    expect(await bot.jobDeps.delivery.router.flushDigests(clock)).toBe(0);
  });
});
