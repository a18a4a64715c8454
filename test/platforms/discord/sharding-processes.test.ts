import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { CommandContext } from '../../../commands/command';
import subscribe from '../../../commands/subscribe';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logging/logger';
import { createBot } from '../../../src/main';
import { startDiscordApi, type DiscordApi } from '../../../stand-ins/discord-api';
import { startDiscordGateway, type DiscordGateway, type GatewayConnection } from '../../../stand-ins/discord-gateway';
import { fixturePath } from '../../helpers/fixtures';
import { startIceSite, type IceSite } from '../../helpers/ice-site';
import { APP_ID, rawCommand } from './harness';
import { canReadProcesses, killLeftoverShards, pidHoldingPort, shardChildren, type ShardChild } from './sharding-helpers';

/**
 * Discord sharding end to end, with real processes (SPEC issue 6: "commands answered by the
 * shard that owns the guild, alerts sent once, not once per shard"). The bot is built by
 * createBot with DISCORD_SHARDS=2 on a SQLite store; its start() forks two shard processes
 * through discord.js's ShardingManager (bin/ice-watch.js discord-shard), which log in to a
 * gateway stand-in on loopback. Which process holds which gateway connection is read from
 * /proc (the connection's socket, and the SHARDS variable the manager gave the process).
 */

const TOKEN = 'sharded-bot-token';
const BOT_ID = '1000000000000000042';
/** Guild ids whose `id >> 22` is even (shard 0 of 2) and odd (shard 1 of 2). */
const GUILD_ON_0 = String((262_000_000_000n << 22n) | 5n);
const GUILD_ON_1 = String((262_000_000_001n << 22n) | 7n);
const TX_CHANNEL = '1100000000000000001';
const silent = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
const bodyText = (body: unknown) => (typeof body === 'string' ? body : JSON.stringify(body));

(canReadProcesses ? describe : describe.skip)('Discord sharding with shard processes', () => {
  let dir: string;
  let site: IceSite;
  let gateway: DiscordGateway;
  let api: DiscordApi;
  let bot: Awaited<ReturnType<typeof createBot>> | null = null;
  let clock = new Date('2025-10-16T20:00:00Z');
  let connections: GatewayConnection[] = [];
  let children: ShardChild[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ice-watch-sharding-'));
    [site, gateway] = await Promise.all([
      startIceSite(),
      startDiscordGateway({
        botId: BOT_ID,
        appId: APP_ID,
        acceptTokens: [TOKEN],
        guilds: [
          { id: GUILD_ON_0, name: 'Even newsroom', channels: [TX_CHANNEL] },
          { id: GUILD_ON_1, name: 'Odd legal aid' },
        ],
      }),
    ]);
    // Discord would recommend 1 shard: DISCORD_SHARDS=2 wins. max_concurrency 2 lets both identify at once.
    api = await startDiscordApi({ acceptTokens: [TOKEN], gateway: { url: gateway.url, shards: 1, maxConcurrency: 2 } });
    const config = loadConfig({
      STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
      ICE_287G_PAGE_URL: site.pageUrl,
      ICE_DETENTION_PAGE_URL: site.detentionPageUrl,
      DISCORD_TOKEN: TOKEN,
      DISCORD_APP_ID: BOT_ID,
      DISCORD_API_URL: api.apiUrl,
      DISCORD_SHARDS: '2',
      LOG_LEVEL: 'silent',
      FETCH_TIMEOUT_MS: '5000',
      // The polls here are the test's own: the scheduled ones wait for New Year's (the start-up ones run, on an unchanged page).
      POLL_287G_CRON: '0 0 1 1 *',
      POLL_TOTALS_CRON: '0 0 1 1 *',
    });
    bot = await createBot(config, { logger: silent, now: () => clock, write: () => undefined });
    const ctx: CommandContext = {
      channel: { platform: 'discord', workspaceId: GUILD_ON_0, channelId: TX_CHANNEL, channelName: 'texas' },
      user: { id: 'U1', name: 'Editor', canManageChannel: true },
      services: { ...bot.stores, checkCanPost: async () => null },
      now: () => clock,
    };
    await subscribe.run(ctx, { states: 'texas' });
    // The baseline publication, before any shard exists.
    site.publish({
      participating: { file: fixturePath('participatingAgencies10162025pm.xlsx'), form: 'file-download' },
      pending: { file: fixturePath('pendingAgencies09222025am.xlsx'), form: 'doclib' },
    });
    await bot.jobDeps.pipelines.poll287g();

    await bot.start();
    connections = await gateway.waitForReady(2, 60_000);
    children = shardChildren();
  }, 90_000);

  afterAll(async () => {
    await bot?.stop();
    // Safety net if stop() failed: no shard process outlives the test.
    killLeftoverShards();
    await Promise.all([site?.close(), gateway?.close(), api?.close()]);
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  /** The text of the answer to an interaction: its callback, or the edit of a deferred one (JSON, or multipart with a chart). */
  async function answerTo(raw: { id: string; token: string }): Promise<string> {
    const [callback] = await api.waitFor('POST', `/interactions/${raw.id}/${raw.token}/callback`, 1, 20_000);
    if ((callback.body as { type?: number } | undefined)?.type !== 5) return bodyText(callback.body);
    const [edit] = await api.waitFor('PATCH', new RegExp(`^/webhooks/[^/]+/${raw.token}/messages/@original$`), 1, 20_000);
    return bodyText(edit.body);
  }

  test('the main process connects nothing; each of two shard processes identified with its own shard pair', () => {
    expect(gateway.connections).toHaveLength(2);
    expect(gateway.identified().sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(children.map((c) => c.env.SHARDS).sort()).toEqual(['0', '1']);
    for (const child of children)
      expect(child.env).toMatchObject({ SHARD_COUNT: '2', SHARDING_MANAGER_MODE: 'process', DISCORD_SHARDS: '2' });
    for (const conn of connections) {
      const holder = pidHoldingPort(
        conn.remotePort,
        children.map((c) => c.pid),
      );
      expect(holder).not.toBeNull();
      expect(holder).not.toBe(process.pid);
      // The process holding the connection is the one the manager spawned as that shard.
      expect(children.find((c) => c.pid === holder)!.env.SHARDS).toBe(String(conn.shard![0]));
    }
    expect(connections.map((c) => c.identify!.token)).toEqual([TOKEN, TOKEN]);
  });

  test.each([
    ['1', GUILD_ON_1],
    ['0', GUILD_ON_0],
  ])("a command in a guild of shard %s is answered once, by that shard's process", async (shard, guildId) => {
    expect(gateway.shardOf(guildId, 2)).toBe(Number(shard));
    const raw = rawCommand('agreements', { state: 'tx' }, { guildId });
    const owner = gateway.dispatchInteraction(raw);
    expect(owner.shard).toEqual([Number(shard), 2]);
    const holder = pidHoldingPort(
      owner.remotePort,
      children.map((c) => c.pid),
    );
    expect(children.find((c) => c.pid === holder)?.env.SHARDS).toBe(shard);

    // Answered from the store the main process polled into.
    expect(await answerTo(raw)).toMatch(/Texas: \d+ active 287\(g\) agreements/);
    // The other shard never saw it; one answer only (a follow-up edit of a deferred reply is no second answer).
    const other = connections.find((c) => c !== owner)!;
    expect(owner.interactions).toContain(raw.id);
    expect(other.interactions).not.toContain(raw.id);
    expect(api.callbacks().filter((c) => c.path.includes(`/interactions/${raw.id}/`))).toHaveLength(1);
    expect(api.requestsTo('POST', new RegExp(`^/webhooks/[^/]+/${raw.token}$`))).toEqual([]);
  });

  test('an alert goes out once, from the main process through the outbox, not once per shard', async () => {
    site.publish({ participating: { file: fixturePath('participatingAgencies10172025mid.xlsx'), form: 'file-download' } });
    clock = new Date('2025-10-17T12:00:00Z');
    const results = await bot!.jobDeps.pipelines.poll287g();
    expect(results?.[0]).toMatchObject({ verdict: 'accepted' });
    await bot!.jobDeps.delivery.drain();
    // Both shards are alive and served a command after the outbox was filled...
    for (const guildId of [GUILD_ON_0, GUILD_ON_1]) {
      const raw = rawCommand('status', {}, { guildId });
      gateway.dispatchInteraction(raw);
      expect(await answerTo(raw)).toMatch(/participating/i);
    }
    await bot!.jobDeps.delivery.drain();
    // ...and the channel got exactly one post attempt: no shard drained the outbox or polled its own.
    const posts = api.requestsTo('POST', `/channels/${TX_CHANNEL}/messages`);
    expect(posts).toHaveLength(1);
    expect(api.messages(TX_CHANNEL)).toHaveLength(1);
    expect(JSON.stringify(posts[0].body)).toMatch(/in Texas/);
    expect(api.duplicates).toEqual([]);
    expect((await bot!.stores.outbox.depth()).pending).toBe(0);
  });

  test('stop() ends both shard processes and their gateway connections', async () => {
    const pids = children.map((c) => c.pid);
    await bot!.stop();
    bot = null;
    expect(gateway.connections.every((c) => c.closed)).toBe(true);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    expect(shardChildren()).toEqual([]);
  }, 30_000);
});
