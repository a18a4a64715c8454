import type { CommandContext } from '../../commands/command';
import subscribe from '../../commands/subscribe';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logging/logger';
import { createBot } from '../../src/main';
import { startDiscordApi, type DiscordApi } from '../../stand-ins/discord-api';
import { fixturePath } from '../helpers/fixtures';
import { startIceSite, type IceSite } from '../helpers/ice-site';
import { startSlackApi, type SlackStandIn } from '../../stand-ins/slack-api';
import { waitUntil } from '../helpers/wait';

/** Discord channels following Texas (snowflakes), and Slack channels following every state's signings. */
const DISCORD_TX = ['1100000000000000011', '1100000000000000012', '1100000000000000013', '1100000000000000014'];
const SLACK_ALL = ['C0ALL1', 'C0ALL2', 'C0ALL3'];
/** Slack's answer in the incident: 429 with Retry-After: 20. */
const RETRY_AFTER_S = 20;

/**
 * Platforms deliver independently (issue 13, item 5): the whole bot (createBot) on loopback
 * stand-ins of ICE's site, Discord's REST and Slack's Web API. One platform's 429 or hang
 * must delay only its own messages.
 */
describe('one platform in trouble does not stall the other', () => {
  let site: IceSite;
  let discord: DiscordApi;
  let slack: SlackStandIn;
  let bot: Awaited<ReturnType<typeof createBot>>;
  let clock: Date;

  beforeEach(async () => {
    [site, discord, slack] = await Promise.all([startIceSite(), startDiscordApi(), startSlackApi()]);
    const config = loadConfig({
      STORE_URL: 'memory://',
      ICE_287G_PAGE_URL: site.pageUrl,
      DISCORD_TOKEN: 'discord-test-token',
      DISCORD_APP_ID: '4242',
      DISCORD_API_URL: discord.apiUrl,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: slack.apiUrl,
      FETCH_TIMEOUT_MS: '5000',
    });
    clock = new Date('2025-10-16T20:00:00Z');
    // A 3 s bound on one send, so that the hang below ends within the test.
    bot = await createBot(config, { logger: createLogger('silent'), now: () => clock, write: () => undefined, sendTimeoutMs: 3_000 });
    const as = (platform: 'discord' | 'slack', channelId: string): CommandContext => ({
      channel: { platform, workspaceId: platform === 'discord' ? 'G1' : 'T1', channelId, channelName: channelId },
      user: { id: 'U1', name: 'Editor', canManageChannel: true },
      services: { ...bot.stores, checkCanPost: async () => null },
      now: () => clock,
    });
    for (const id of DISCORD_TX) await subscribe.run(as('discord', id), { states: 'texas' });
    for (const id of SLACK_ALL) await subscribe.run(as('slack', id), { states: 'all', kinds: 'agreements' });
    await publishAndPoll('participatingAgencies10162025pm.xlsx', '2025-10-16T20:00:00Z'); // the baseline: no alerts
  });
  afterEach(async () => {
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
    expect(results?.[0]?.verdict).toMatch(/baseline|accepted/);
  }
  const pendingOf = async (platform: string) =>
    (await bot.stores.outbox.due(new Date(8.64e15), 10_000)).filter((e) => e.delivery.platform === platform).length;

  test(`Slack answering 429 (Retry-After: ${RETRY_AFTER_S}) for ${RETRY_AFTER_S} s: Discord's alerts keep landing meanwhile; Slack's follow once the limit is over`, async () => {
    for (const id of SLACK_ALL) slack.scriptPosts(id, { status: 429, retryAfter: RETRY_AFTER_S });
    const limitedSince = Date.now();

    // First publication in the window: every Discord channel gets its Texas alert.
    await publishAndPoll('participatingAgencies10172025mid.xlsx', '2025-10-17T12:00:00Z');
    const slackPlanned = await pendingOf('slack');
    expect(slackPlanned).toBeGreaterThan(DISCORD_TX.length); // enough Slack entries to fill the send slots ahead of Discord's
    await bot.jobDeps.delivery.drain();
    for (const id of DISCORD_TX) expect(discord.messages(id)).toHaveLength(1);
    expect(slack.delivered()).toEqual([]);
    // Slack's lane tried one batch, heard 429 and stopped: no message hammered the limit again.
    const attempts = slack.posts.length;
    expect(attempts).toBeGreaterThan(0);
    expect(slack.posts.every((p) => p.answer === 'HTTP 429')).toBe(true);

    // Ten seconds later (still inside the limit) another publication: Discord's alerts flow again, Slack stays paused.
    await publishAndPoll('participatingAgencies12122025pm.xlsx', '2025-10-17T12:00:10Z');
    await bot.jobDeps.delivery.drain();
    for (const id of DISCORD_TX) expect(discord.messages(id)).toHaveLength(2);
    expect(slack.posts).toHaveLength(attempts);
    // Both Discord waves landed while Slack was still refusing: well inside the real 20 s of the limit.
    expect(Math.max(...discord.messages().map((m) => m.at))).toBeLessThan(limitedSince + RETRY_AFTER_S * 1000);
    expect(await pendingOf('discord')).toBe(0);

    // The limit is over (Slack answers again, and the bot's clock has passed the Retry-After): everything Slack had waits for lands.
    for (const id of SLACK_ALL) slack.scriptPosts(id);
    clock = new Date(Date.parse('2025-10-17T12:00:00Z') + (RETRY_AFTER_S + 1) * 1000);
    await bot.jobDeps.delivery.drain();
    expect(await pendingOf('slack')).toBe(0);
    expect(slack.delivered().length).toBeGreaterThanOrEqual(slackPlanned);
    for (const id of SLACK_ALL) expect(slack.delivered(id).length).toBeGreaterThan(0);
  }, 30_000);

  test("a hung Discord REST holds only Discord's sends, each for at most the send timeout", async () => {
    // Discord takes 30 s to answer any alert (discord.js's own timeout is 15 s): a hang.
    for (const id of DISCORD_TX) discord.faultChannel(id, { kind: 'delay', ms: 30_000 }, 1);
    await publishAndPoll('participatingAgencies10172025mid.xlsx', '2025-10-17T12:00:00Z');
    const slackPlanned = await pendingOf('slack');
    const started = Date.now();
    const draining = bot.jobDeps.delivery.drain();
    // Slack's alerts all land while Discord's are still hanging.
    await waitUntil(async () => slack.delivered().length >= slackPlanned, "Slack's alerts", 10_000);
    expect(discord.messages(DISCORD_TX[0])).toEqual([]);
    // The hung sends give up after the 3 s bound and go back to the outbox for a retry.
    await draining;
    expect(Date.now() - started).toBeLessThan(25_000); // bounded by our timeout, not by the 30 s hang or discord.js's retries
    expect(await pendingOf('discord')).toBe(DISCORD_TX.length);
    const [entry] = (await bot.stores.outbox.due(new Date(8.64e15), 10)).filter((e) => e.delivery.platform === 'discord');
    expect(entry.lastError).toMatch(/discord did not answer within 3 s/);
  }, 30_000);
});
