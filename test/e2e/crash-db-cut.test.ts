/**
 * The database connection cut and restored mid-delivery (issue 16): one instance on
 * PostgreSQL reached through a TCP proxy (stand-ins/tcp-proxy.ts). Slack holds the first post
 * of each channel a moment, the proxy is cut while those posts are in flight, so Slack accepts
 * messages the outbox cannot record. While the database is gone /healthz must answer 503
 * within 2 s; once it is back, nothing may be lost and no Slack message sent twice (Slack has
 * no idempotency key: the worker keeps the outcomes it could not write and writes them before
 * it sends anything else).
 *
 * Before: /healthz hung until the client gave up, and Slack got 3 duplicates after the
 * connection came back.
 */
import { URL } from 'node:url';
import { channelKey, type Subscription } from '../../src/domain/alerts/subscriptions';
import { openStores, type Stores } from '../../src/store/open-stores';
import { startDiscordApi, type DiscordApi } from '../../stand-ins/discord-api';
import { startSlackApi, type SlackStandIn } from '../../stand-ins/slack-api';
import { dropSchemaOfPrefix, TEST_POSTGRES_URL } from '../../stand-ins/store-servers';
import { startTcpProxy, type TcpProxy } from '../../stand-ins/tcp-proxy';
import { fixturePath } from '../helpers/fixtures';
import { startIceSite, type IceSite } from '../helpers/ice-site';
import { describeWith } from '../helpers/services';
import { waitUntil } from '../helpers/wait';
import { discordSubscription, expectedPerChannel, instances } from './scale-out-instances';

jest.setTimeout(180_000);

const BASELINE = 'participatingAgencies05162025am.xlsx';
const NEXT = 'participatingAgencies05192025pm.xlsx';
/** How long Slack holds each channel's first post: the cut falls inside it. */
const SLACK_DELAY_MS = 1_500;
/** How long the database stays cut: past the lease (the instance stops leading), within the claim. */
const DOWN_MS = 6_000;
const HEALTH_BOUND_MS = 2_000;
const prefix = `dbcut${process.pid}x${Date.now().toString(36)}:`;

const until = (check: () => Promise<boolean> | boolean, what: string, ms = 60_000) => waitUntil(check, what, ms, 50);

function slackSubscription(channelId: string, states: string[] | 'all'): Subscription {
  return { ...discordSubscription(channelId, states), key: channelKey('slack', 'T1', channelId), platform: 'slack', workspaceId: 'T1' };
}

/**
 * GET /healthz: its status, whether it found the store reachable, and how long the answer took
 * (a client that gives up after 10 s says status 0). The detention source is not published here,
 * so the status is 503 for that alone: the store's part is what this test follows.
 */
async function health(port: number): Promise<{ status: number; store: boolean | null; ms: number }> {
  const began = Date.now();
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as { store?: { reachable?: boolean } };
    return { status: res.status, store: body.store?.reachable ?? null, ms: Date.now() - began };
  } catch {
    return { status: 0, store: null, ms: Date.now() - began };
  }
}

describeWith(['postgres'])('the database connection cut and restored mid-delivery', () => {
  let site: IceSite;
  let discord: DiscordApi;
  let slack: SlackStandIn;
  let proxy: TcpProxy;
  let stores: Stores;
  const bots = instances(() => {
    const url = new URL(TEST_POSTGRES_URL);
    url.host = `127.0.0.1:${proxy.port}`;
    return {
      STORE_URL: url.toString(),
      STORE_PREFIX: prefix,
      POLL_LEASE_SECONDS: '3',
      HTTP_PORT: String(40_000 + (process.pid % 20_000)),
      ICE_287G_PAGE_URL: site.pageUrl,
      ICE_DETENTION_PAGE_URL: site.detentionPageUrl,
      DISCORD_TOKEN: 'db-cut-token',
      DISCORD_APP_ID: '4242',
      DISCORD_API_URL: discord.apiUrl,
      SLACK_BOT_TOKEN: 'xoxb-db-cut',
      SLACK_APP_TOKEN: 'xapp-db-cut', // Socket Mode: /healthz on HTTP_PORT (the receiver is never started here)
      SLACK_SIGNING_SECRET: 'db-cut-secret',
      SLACK_API_URL: slack.apiUrl,
      SCALE_OUT_SEND_TIMEOUT_MS: '5000',
      SCALE_OUT_CLAIM_MARGIN_MS: '10000',
    };
  });

  beforeAll(async () => {
    site = await startIceSite();
    discord = await startDiscordApi({ channelBucket: null });
    slack = await startSlackApi();
    const target = new URL(TEST_POSTGRES_URL);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    stores = openStores({ url: TEST_POSTGRES_URL, prefix }); // the test's own view, not through the proxy
    await stores.db.ready();
  });
  afterAll(async () => {
    if (process.env.SCALE_OUT_DEBUG) process.stderr.write(`${bots.logs()}\n`);
    bots.killAll();
    await Promise.all([stores?.close(), site?.close(), discord?.close(), slack?.close(), proxy?.close()]);
    await dropSchemaOfPrefix(TEST_POSTGRES_URL, prefix);
  });

  test('/healthz answers 503 within 2 s while it is down; afterwards nothing is lost and no Slack message is sent twice', async () => {
    const slackChannels = ['C0FLORIDA', 'C0TEXAS', 'C0SOUTH', 'C0ALL'];
    const subs = [
      slackSubscription('C0FLORIDA', ['FL']),
      slackSubscription('C0TEXAS', ['TX']),
      slackSubscription('C0SOUTH', ['GA', 'LA', 'AL', 'NC', 'OK', 'AZ']),
      slackSubscription('C0ALL', 'all'),
      discordSubscription('1420000000000000101', 'all'),
    ];
    for (const s of subs) await stores.subscriptions.put(s);

    site.publish({ participating: { file: fixturePath(BASELINE), form: 'doclib' } });
    const bot = await bots.start(0);
    expect(bot.healthPort).not.toBeNull();
    await until(async () => (await stores.snapshots.getState('participating')) !== null, 'the baseline');
    expect((await health(bot.healthPort!)).store).toBe(true);

    for (const c of slackChannels) slack.scriptPosts(c, { delayMs: SLACK_DELAY_MS }, { ok: true });
    site.publish({ participating: { file: fixturePath(NEXT), form: 'doclib' } });
    const want = await expectedPerChannel(BASELINE, NEXT, subs);
    const total = [...want.values()].reduce((a, b) => a + b, 0);

    // Slack has the first posts (it will accept them); the database goes away before the bot hears back.
    await until(() => slack.posts.length > 0, 'the first Slack post');
    proxy.cut();
    const cutAt = Date.now();
    const inFlight = slack.posts.length;

    const probes: Array<Awaited<ReturnType<typeof health>>> = [];
    while (Date.now() - cutAt < DOWN_MS) {
      probes.push(await health(bot.healthPort!));
      await new Promise((r) => setTimeout(r, 500));
    }
    // Slack did accept what was in flight while the database was gone.
    expect(slack.posts.slice(0, inFlight).every((p) => p.answer === 'ok')).toBe(true);
    // The instance lived through the cut (@keyv/postgres's pool, with no error listener, ended the process here).
    expect(bot.child.exitCode).toBeNull();
    proxy.restore();

    await until(() => slack.delivered().length + discord.messages().length >= total, `${total} messages`);
    await until(async () => (await stores.outbox.depth()).pending === 0, 'the outbox to empty');
    await new Promise((r) => setTimeout(r, 2_000)); // a duplicate, if any, would come now
    expect((await health(bot.healthPort!)).store).toBe(true);

    // /healthz: 503 every time while the database was down, each within 2 s.
    expect(probes.length).toBeGreaterThanOrEqual(3);
    expect(probes.map((p) => [p.status, p.store])).toEqual(probes.map(() => [503, false]));
    expect(Math.max(...probes.map((p) => p.ms))).toBeLessThan(HEALTH_BOUND_MS);

    // Nothing lost, nothing twice: each Slack channel got each of its alerts once; Discord one message per nonce.
    for (const c of slackChannels) {
      const texts = slack.delivered(c).map((p) => String(p.body.text));
      expect({ channel: c, n: texts.length, distinct: new Set(texts).size }).toEqual({ channel: c, n: want.get(c), distinct: want.get(c) });
    }
    const nonces = discord.messages().map((m) => String((m.body as { nonce?: string }).nonce));
    expect(nonces.length).toBe(want.get('1420000000000000101'));
    expect(new Set(nonces).size).toBe(nonces.length);
    expect(await stores.outbox.deadLetters(10)).toEqual([]);
    // The window was exercised: the bot could not record what Slack had accepted, and kept it.
    expect(bot.stderr.join('')).toMatch(/the outcome of a send could not be recorded; kept in memory/);

    if (process.env.SCALE_OUT_DEBUG)
      process.stderr.write(`healthz while down: ${JSON.stringify(probes)}; Slack posts in flight at the cut: ${inFlight}\n`);
    bot.child.kill('SIGTERM');
  });

  test('a database that accepts and never answers: /healthz still answers 503 within 2 s, and SIGTERM ends the instance in bounded time', async () => {
    const bot = await bots.start(1);
    await until(async () => (await health(bot.healthPort!)).store === true, 'the instance to reach the database');
    proxy.hang();
    const probes: Array<Awaited<ReturnType<typeof health>>> = [];
    for (let i = 0; i < 3; i++) {
      probes.push(await health(bot.healthPort!));
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(probes.map((p) => [p.status, p.store])).toEqual(probes.map(() => [503, false]));
    expect(Math.max(...probes.map((p) => p.ms))).toBeLessThan(HEALTH_BOUND_MS);

    const stoppedAt = Date.now();
    const exited = new Promise<number | null>((resolve) => bot.child.once('exit', (code) => resolve(code)));
    bot.child.kill('SIGTERM');
    const code = await exited;
    const stopMs = Date.now() - stoppedAt;
    proxy.restore();
    // main.ts: each stop step is bounded, and the process exits by 30 s whatever still hangs.
    expect(stopMs).toBeLessThan(35_000);
    expect([0, 1]).toContain(code);
    if (process.env.SCALE_OUT_DEBUG)
      process.stderr.write(`database hanging: healthz ${JSON.stringify(probes)}; SIGTERM to exit ${stopMs} ms (code ${code})\n`);
  });
});
