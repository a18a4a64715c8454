import type { CommandContext } from '../../commands/command';
import subscribe from '../../commands/subscribe';
import poll287gJob from '../../jobs/poll-287g';
import { loadConfig } from '../../src/config';
import type { PlannedDelivery } from '../../src/domain/alerts/delivery-plan';
import { createLogger } from '../../src/logging/logger';
import { createBot } from '../../src/main';
import { createOpsRoutes, startOpsServer, type OpsServer } from '../../src/observability/http-server';
import { startDiscordApi, type DiscordApi } from '../../stand-ins/discord-api';
import { alertsBetween, fixturePath } from '../helpers/fixtures';
import { PAGE_287G_PATH, startIceSite, type IceSite } from '../helpers/ice-site';
import { openDatabase } from '../../src/store/db/database';
import { switchableDatabase, switchableKeyValues } from '../helpers/switchable-database';
import { startSlackApi, type SlackStandIn } from '../../stand-ins/slack-api';

const OPS = '1100000000000000003';
const LOST = '1100000000000000009';
const SLACK_OPS = 'C0OPS';
const MIN = 60_000;

/**
 * What operators hear, the whole bot on loopback: ICE's site, Discord's REST API and Slack's
 * Web API are stand-ins; the clock is the test's. Each problem is one episode: one notice
 * when it starts (at the time its kind deserves), one when it ends.
 */
describe('operator notices end to end', () => {
  let site: IceSite;
  let discord: DiscordApi;
  let slack: SlackStandIn;
  let bot: Awaited<ReturnType<typeof createBot>>;
  let ops: OpsServer;
  let clock: Date;
  let db: ReturnType<typeof switchableDatabase>;
  let kv: ReturnType<typeof switchableKeyValues>;

  beforeEach(async () => {
    db = switchableDatabase(openDatabase('memory://'));
    kv = switchableKeyValues();
    [site, discord, slack] = await Promise.all([startIceSite(), startDiscordApi(), startSlackApi()]);
    const config = loadConfig({
      STORE_URL: 'memory://',
      ICE_287G_PAGE_URL: site.pageUrl,
      // Yearly: the totals source is never overdue here (this test is about the 287(g) page).
      POLL_TOTALS_CRON: '0 0 1 1 *',
      DISCORD_TOKEN: 'discord-test-token',
      DISCORD_APP_ID: '4242',
      DISCORD_API_URL: discord.apiUrl,
      OPERATOR_DISCORD_CHANNEL: OPS,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: slack.apiUrl,
      OPERATOR_SLACK_CHANNEL: SLACK_OPS,
      FETCH_TIMEOUT_MS: '2000',
    });
    clock = new Date('2025-10-16T20:00:00Z');
    bot = await createBot(config, {
      logger: createLogger('silent'),
      now: () => clock,
      write: () => undefined,
      noticeRetryDelaysMs: [10, 20],
      db,
      kv,
    });
    ops = await startOpsServer(
      createOpsRoutes({ checkHealth: bot.ops.checkHealth, metrics: bot.ops.metrics, logger: createLogger('silent') }),
      0,
      '127.0.0.1',
    );
  });
  afterEach(async () => {
    await bot.stop();
    await Promise.all([ops.close(), site.close(), discord.close(), slack.close()]);
  });

  /** Each operator channel's notices, in order. */
  const told = () => ({
    discord: discord.messages(OPS).map((m) => String((m.body as { content: string }).content)),
    slack: slack.delivered(SLACK_OPS).map((p) => String(p.body.text)),
  });
  const labelled = (label: string) => {
    const { discord: d, slack: s } = told();
    return {
      discord: d.filter((t) => t.startsWith(`ice-watch · ${label}:`)),
      slack: s.filter((t) => t.startsWith(`ice-watch · ${label}:`)),
    };
  };
  const healthz = async () => {
    const res = await fetch(`http://127.0.0.1:${ops.port}/healthz`);
    return { status: res.status, body: (await res.json()) as { sources: Array<{ id: string; failing: boolean; reason: string | null }> } };
  };
  const publish = () =>
    site.publish({
      participating: { file: fixturePath('participatingAgencies10162025pm.xlsx'), form: 'file-download' },
      pending: { file: fixturePath('pendingAgencies09222025am.xlsx'), form: 'doclib' },
    });
  /** One scheduled run of the poll job at `at`, as the scheduler runs it. */
  const pollAt = async (at: Date) => {
    clock = at;
    await bot.runJob(poll287gJob);
  };

  test('ICE serves an HTML page for 10 polls, then the workbook again: one problem notice and one recovery per operator channel; /healthz 503 during, 200 after', async () => {
    const urls = publish();
    await pollAt(clock);
    expect(labelled('baseline stored').discord).toHaveLength(2);
    expect((await healthz()).status).toBe(200);

    site.fail(urls.participating!, { html: true }, 10);
    const start = clock.getTime();
    for (let i = 1; i <= 10; i++) {
      await pollAt(new Date(start + i * 15 * MIN));
      const health = await healthz();
      expect(health.status).toBe(503);
      expect(health.body.sources.find((s) => s.id === '287g')).toMatchObject({
        failing: true,
        reason: expect.stringMatching(/^287\(g\) participating list: .*is not a workbook/),
      });
    }
    expect(await bot.ops.metrics.render()).toMatch(/ice_watch_source_failing\{source="287g",reason="rejected"\} 1/);
    for (const platform of ['discord', 'slack'] as const) {
      expect(labelled('not a workbook')[platform]).toHaveLength(1);
      expect(labelled('not a workbook')[platform][0]).toMatch(
        /^ice-watch · not a workbook: the participating list was not read: .*is not a workbook.*Nothing is alerted and the last good list stands/,
      );
    }

    await pollAt(new Date(start + 11 * 15 * MIN));
    expect((await healthz()).status).toBe(200);
    expect(await bot.ops.metrics.render()).toMatch(/ice_watch_source_failing\{source="287g",reason="rejected"\} 0/);
    for (const platform of ['discord', 'slack'] as const) {
      expect(labelled('not a workbook')[platform]).toHaveLength(1);
      expect(labelled('recovered')[platform]).toEqual([
        `ice-watch · recovered: 287(g) participating list: a good file again; alerts resume from it (first told 2025-10-16 20:15 UTC)`,
      ]);
    }
    // Nothing else was said: two baselines, one problem, one recovery.
    expect(told().discord).toHaveLength(4);
    expect(told().slack).toHaveLength(4);
  });

  test('ICE answers 500 for two hours: one "source failing" notice at the hour (SOURCE_ALERT_AFTER_MINUTES), not before, and one recovery', async () => {
    publish();
    await pollAt(clock);
    const before = told().discord.length;
    site.fail(PAGE_287G_PATH, { status: 500 });
    const start = clock.getTime() + 15 * MIN;
    const heardAt: number[] = [];
    // The scheduler ticks every 15 minutes; the back-off (5, 10, 20, 40 min...) skips some ticks.
    for (let minute = 0; minute <= 120; minute += 15) {
      await pollAt(new Date(start + minute * MIN));
      if (labelled('source failing').discord.length > heardAt.length) heardAt.push(minute);
      if (minute > 0) expect((await healthz()).status).toBe(503);
    }
    expect(heardAt).toEqual([60]);
    for (const platform of ['discord', 'slack'] as const) {
      expect(labelled('source failing')[platform]).toHaveLength(1);
      expect(labelled('source failing')[platform][0]).toMatch(/has failed since 2025-10-16 20:15 UTC \(4 polls in a row\): .*500/);
    }
    expect(told().discord).toHaveLength(before + 1);

    site.heal(PAGE_287G_PATH);
    for (let minute = 135; minute <= 240; minute += 15) await pollAt(new Date(start + minute * MIN));
    expect((await healthz()).status).toBe(200);
    for (const platform of ['discord', 'slack'] as const) {
      expect(labelled('source failing')[platform]).toHaveLength(1);
      expect(labelled('recovered')[platform]).toHaveLength(1);
      expect(labelled('recovered')[platform][0]).toMatch(
        /answers again after 5 failed polls since 2025-10-16 20:15 UTC \(first told 2025-10-16 21:15 UTC\)$/,
      );
    }
  });

  test('a Slack channel archived and a Discord channel deleted, 30 alerts queued for each: one notice per lost channel on each operator channel, with the count kept', async () => {
    const as = (platform: 'discord' | 'slack', workspaceId: string, channelId: string): CommandContext => ({
      channel: { platform, workspaceId, channelId, channelName: channelId },
      user: { id: 'U1', name: 'Editor', canManageChannel: true },
      services: { ...bot.stores, checkCanPost: async () => null },
      now: () => clock,
    });
    await subscribe.run(as('discord', 'G1', LOST), { states: 'all' });
    await subscribe.run(as('slack', 'T1', 'C0ARCH'), { states: 'all' });
    const [alert] = await alertsBetween('participatingAgencies10162025pm.xlsx', 'participatingAgencies10172025mid.xlsx');
    const queued = (platform: 'discord' | 'slack', workspaceId: string, channelId: string): PlannedDelivery[] =>
      Array.from({ length: 30 }, (_, i) => ({
        id: `${alert.id}:${i}:${channelId}`,
        subscriptionKey: `${platform}:${workspaceId}:${channelId}`,
        platform,
        workspaceId,
        channelId,
        mode: 'instant',
        alert,
      }));
    await bot.stores.outbox.enqueue([...queued('discord', 'G1', LOST), ...queued('slack', 'T1', 'C0ARCH')], clock);
    slack.scriptPosts('C0ARCH', { error: 'is_archived' });
    discord.faultChannel(LOST, { kind: 'error', status: 404, code: 10003, message: 'Unknown Channel' });

    await bot.jobDeps.delivery.drain();
    expect((await bot.stores.outbox.depth()).pending).toBe(0);
    await bot.jobDeps.delivery.drain();
    for (const platform of ['discord', 'slack'] as const) {
      const paused = labelled('channel paused')[platform];
      expect(paused).toHaveLength(2);
      expect(
        paused.filter(
          (t) => /slack channel C0ARCH: the channel was archived \(is\\?_archived\)/.test(t) && t.includes('30 alerts were kept for it'),
        ),
      ).toHaveLength(1);
      expect(
        paused.filter((t) => t.includes(`discord channel ${LOST}:`) && t.includes('(10003)') && t.includes('30 alerts were kept for it')),
      ).toHaveLength(1);
    }
    // Each lost channel was asked a few times at most (one batch in flight), not once per queued alert.
    expect(discord.requestsTo('POST', `/channels/${LOST}/messages`).length).toBeLessThanOrEqual(8 + 1);
    expect(slack.posts.filter((p) => p.channel === 'C0ARCH').length).toBeLessThanOrEqual(8 + 1);
    expect((await bot.stores.subscriptions.get('slack:T1:C0ARCH'))!.paused).not.toBeNull();
    expect((await bot.stores.subscriptions.get(`discord:G1:${LOST}`))!.paused).not.toBeNull();
  });

  test('the store stops answering for an hour: one "job failed" notice per operator channel, not one per poll; /healthz 503 at once; one recovery', async () => {
    publish();
    await pollAt(clock);
    const before = told().discord.length;
    db.fail('connect ECONNREFUSED 127.0.0.1:5432');
    kv.fail('connect ECONNREFUSED 127.0.0.1:5432');
    const start = clock.getTime();
    for (let minute = 15; minute <= 60; minute += 15) {
      await pollAt(new Date(start + minute * MIN));
      const health = await healthz();
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ store: { reachable: false, error: 'connect ECONNREFUSED 127.0.0.1:5432' } });
    }
    for (const platform of ['discord', 'slack'] as const) {
      expect(labelled('job failed')[platform]).toEqual([
        expect.stringMatching(
          /^ice-watch · job failed: poll-287g failed: connect ECONNREFUSED 127\.0\.0\.1:5432\. It runs again at its next scheduled time/,
        ),
      ]);
    }
    expect(told().discord).toHaveLength(before + 1);

    db.heal();
    kv.heal();
    await pollAt(new Date(start + 75 * MIN));
    expect((await healthz()).status).toBe(200);
    for (const platform of ['discord', 'slack'] as const) {
      expect(labelled('recovered')[platform]).toEqual(['ice-watch · recovered: poll-287g runs again (first told 2025-10-16 20:15 UTC)']);
    }
  });
});
