import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { REST } from 'discord.js';
import { ConfigError, loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logging/logger';
import { createDiscordShards, fetchGatewayBot, settingsAsEnvironment, SHARD_LAUNCHER } from '../../../src/platforms/discord/sharding';
import { startDiscordShard, type DiscordShardProcess } from '../../../src/platforms/discord/shard-main';
import { startDiscordApi, type DiscordApi } from '../../../stand-ins/discord-api';
import { startDiscordGateway, type DiscordGateway } from '../../../stand-ins/discord-gateway';
import { rawCommand, seedParticipating } from './harness';
import { openStores } from '../../../src/store/open-stores';
import { canReadProcesses, killLeftoverShards, shardChildren, waitUntil } from './sharding-helpers';

const silent = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
/** A guild id whose `id >> 22` is n: on shard `n % count`. */
/** A callback's body as text, JSON or multipart alike. */
const bodyText = (body: unknown) => (typeof body === 'string' ? body : JSON.stringify(body));
const guildOn = (n: bigint) => String((n << 22n) | 5n);

describe('DISCORD_SHARDS setting', () => {
  const base = { DISCORD_TOKEN: 't', DISCORD_APP_ID: '1' };
  test('auto, a positive whole number, or unset when empty', () => {
    expect(loadConfig({ ...base, DISCORD_SHARDS: 'auto' }).DISCORD_SHARDS).toBe('auto');
    expect(loadConfig({ ...base, DISCORD_SHARDS: ' AUTO ' }).DISCORD_SHARDS).toBe('auto');
    expect(loadConfig({ ...base, DISCORD_SHARDS: '4' }).DISCORD_SHARDS).toBe(4);
    expect(loadConfig({ ...base, DISCORD_SHARDS: '' }).DISCORD_SHARDS).toBeUndefined();
    expect(loadConfig(base).DISCORD_SHARDS).toBeUndefined();
  });
  test.each(['0', '-1', '2.5', 'many'])('"%s" is refused with the key named', (value) => {
    expect(() => loadConfig({ ...base, DISCORD_SHARDS: value })).toThrow(/DISCORD_SHARDS: must be auto or a positive whole number/);
  });
  test('sharding without a Discord token is a configuration problem', () => {
    expect(() => loadConfig({ DISCORD_SHARDS: '2' })).toThrow(ConfigError);
    expect(() => loadConfig({ DISCORD_SHARDS: '2' })).toThrow(/DISCORD_SHARDS is set: also set DISCORD_TOKEN/);
  });
  test("a shard process's settings read back as the parent's configuration, unset ones included", () => {
    const parent = loadConfig({
      ...base,
      DISCORD_SHARDS: '2',
      STORE_URL: 'sqlite:///tmp/x.sqlite',
      SLACK_ADMINS_ONLY: 'true',
      MASS_END_SHARE: '0.1',
    });
    const env = settingsAsEnvironment(parent);
    expect(env.HTTP_PORT).toBe('');
    // What the child sees: its own environment (here a stray HTTP_PORT) overridden by the parent's settings.
    expect(loadConfig({ HTTP_PORT: '9999', ...env })).toEqual(parent);
  });
});

describe('fetchGatewayBot', () => {
  test("asks DISCORD_API_URL's /gateway/bot with the bot token for the recommended count and concurrency", async () => {
    const api = await startDiscordApi({ gateway: { shards: 3, maxConcurrency: 4 } });
    try {
      const rest = new REST({ api: api.apiUrl }).setToken('shard-token');
      await expect(fetchGatewayBot(rest)).resolves.toEqual({ recommendedShards: 3, maxConcurrency: 4 });
      expect(api.requestsTo('GET', '/gateway/bot').map((r) => r.headers.authorization)).toEqual(['Bot shard-token']);
    } finally {
      await api.close();
    }
  });
  test('a refused token rejects', async () => {
    const api = await startDiscordApi({ acceptTokens: ['good'] });
    try {
      await expect(fetchGatewayBot(new REST({ api: api.apiUrl, retries: 0 }).setToken('bad'))).rejects.toThrow(/Unauthorized/);
    } finally {
      await api.close();
    }
  });
});

describe('shard entry, in process, against the gateway stand-in', () => {
  let dir: string;
  let api: DiscordApi;
  let gateway: DiscordGateway;
  let shard: DiscordShardProcess | null = null;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ice-watch-shard-'));
    gateway = await startDiscordGateway({ guilds: [{ id: guildOn(262_000_000_000n), name: 'Newsroom' }], acceptTokens: ['shard-token'] });
    api = await startDiscordApi({ gateway: { url: gateway.url } });
  });
  afterEach(async () => {
    await shard?.stop();
    shard = null;
    await Promise.all([api.close(), gateway.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('logs in as the only shard, and answers an interaction from the store it shares with the main process', async () => {
    const storeUrl = `sqlite://${join(dir, 'store.sqlite')}`;
    const seeding = openStores({ url: storeUrl });
    await seedParticipating(seeding.snapshots);
    await seeding.close();
    const config = loadConfig({
      STORE_URL: storeUrl,
      DISCORD_TOKEN: 'shard-token',
      DISCORD_APP_ID: '1000000000000000042',
      DISCORD_API_URL: api.apiUrl,
      LOG_LEVEL: 'silent',
    });
    shard = await startDiscordShard(config, { logger: silent });

    const [conn] = await gateway.waitForReady(1);
    expect(conn.shard).toEqual([0, 1]);
    expect(conn.identify).toMatchObject({ token: 'shard-token', intents: 1 });
    const raw = rawCommand('agreements', { state: 'tx' }, { guildId: guildOn(262_000_000_000n) });
    gateway.dispatchInteraction(raw);
    const [callback] = await api.waitFor('POST', `/interactions/${raw.id}/${raw.token}/callback`, 1, 20_000);
    // The answer is JSON, or multipart when it carries a chart; a deferred one (a slow machine) comes as an edit.
    const edit =
      (callback.body as { type?: number }).type === 5 ? (await api.waitFor('PATCH', /\/messages\/@original$/, 1, 20_000))[0] : null;
    expect(bodyText((edit ?? callback).body)).toMatch(/Texas: \d+ active 287\(g\) agreements/);

    await shard.stop();
    expect(conn.closed).toBe(true);
  });
});

(canReadProcesses ? describe : describe.skip)('createDiscordShards (with a stand-in shard script)', () => {
  const FAKE_SHARD = join(__dirname, 'sharding-fake-shard.js');
  afterEach(() => killLeftoverShards());

  test("auto spawns Discord's recommended count, each process with its shard's environment; a dead one is respawned; stop ends them all", async () => {
    const api = await startDiscordApi({ acceptTokens: ['tok'], gateway: { shards: 3, maxConcurrency: 3 } });
    const shards = createDiscordShards({
      token: 'tok',
      rest: new REST({ api: api.apiUrl }).setToken('tok'),
      shards: 'auto',
      environment: { STORE_URL: 'sqlite:///tmp/shared.sqlite', DISCORD_SHARDS: 'auto' },
      logger: silent,
      launcher: { file: FAKE_SHARD, args: ['discord-shard'] },
    });
    try {
      await expect(shards.start()).resolves.toBe(3);
      await shards.spawned();
      expect(api.requestsTo('GET', '/gateway/bot')).toHaveLength(1);
      const children = shardChildren();
      expect(children.map((c) => c.env.SHARDS).sort()).toEqual(['0', '1', '2']);
      for (const child of children) {
        expect(child.env).toMatchObject({
          SHARD_COUNT: '3',
          SHARDING_MANAGER: 'true',
          SHARDING_MANAGER_MODE: 'process',
          DISCORD_TOKEN: 'tok',
          STORE_URL: 'sqlite:///tmp/shared.sqlite',
        });
      }
      // The manager's constructor writes these into process.env; this process gets its own back.
      expect(process.env.SHARDING_MANAGER).toBeUndefined();
      expect(process.env.SHARDING_MANAGER_MODE).toBeUndefined();

      const victim = children.find((c) => c.env.SHARDS === '1')!;
      process.kill(victim.pid, 'SIGKILL');
      const replacement = await waitUntil('a new process for shard 1', () =>
        shardChildren().find((c) => c.env.SHARDS === '1' && c.pid !== victim.pid),
      );
      expect(replacement.env.SHARD_COUNT).toBe('3');

      await shards.stop();
      expect(shardChildren()).toEqual([]);
    } finally {
      await shards.stop();
      await api.close();
    }
  }, 30_000);

  test('a refused token rejects start() and spawns nothing', async () => {
    const api = await startDiscordApi({ acceptTokens: ['good'] });
    const shards = createDiscordShards({
      token: 'revoked',
      rest: new REST({ api: api.apiUrl, retries: 0 }).setToken('revoked'),
      shards: 2,
      environment: {},
      logger: silent,
      launcher: { file: FAKE_SHARD, args: ['discord-shard'] },
    });
    try {
      await expect(shards.start()).rejects.toThrow(/Unauthorized/);
      expect(shardChildren()).toEqual([]);
    } finally {
      await shards.stop();
      await api.close();
    }
  });
});

describe('the discord-shard process (ice-watch discord-shard, forked as the manager does)', () => {
  // The launcher a bot running from the sources forks (SHARD_LAUNCHER): the TypeScript, never a build that may be stale.
  const BIN = join(__dirname, '..', '..', '..', 'bin', 'ice-watch-ts.js');
  let child: ChildProcess | null = null;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = null;
  });
  const forkShard = (env: Record<string, string>) => {
    const settings = settingsAsEnvironment(
      loadConfig({ STORE_URL: 'memory://', DISCORD_APP_ID: '1000000000000000042', LOG_LEVEL: 'error', ...env }),
    );
    const forked = fork(BIN, ['discord-shard'], { env: { ...process.env, ...settings }, execArgv: [], silent: true });
    let stderr = '';
    forked.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; stderr: string }>((resolve) =>
      forked.once('exit', (code) => resolve({ code, stderr })),
    );
    child = forked;
    return { forked, exited };
  };

  test('a main process running from the sources forks its shards from the sources (the default launcher)', () => {
    expect(SHARD_LAUNCHER).toEqual({ file: BIN, args: ['discord-shard'] });
    expect(existsSync(BIN)).toBe(true);
  });

  test('a shard that cannot log in exits with 1 and says why, instead of idling on its IPC channel', async () => {
    const api = await startDiscordApi({ acceptTokens: ['good'] });
    try {
      const { exited } = forkShard({ DISCORD_TOKEN: 'revoked', DISCORD_API_URL: api.apiUrl });
      const { code, stderr } = await exited;
      expect(code).toBe(1);
      expect(stderr).toContain('discord shard failed to start');
      expect(stderr).not.toContain('revoked');
    } finally {
      await api.close();
    }
  }, 30_000);

  test('a shard whose main process goes away (its IPC channel closes) leaves the gateway and exits', async () => {
    const gateway = await startDiscordGateway({ guilds: [] });
    const api = await startDiscordApi({ gateway: { url: gateway.url } });
    try {
      const { forked, exited } = forkShard({ DISCORD_TOKEN: 'tok', DISCORD_API_URL: api.apiUrl });
      const [conn] = await gateway.waitForReady(1, 20_000);
      forked.disconnect();
      expect((await exited).code).toBe(0);
      expect(conn.closed).toBe(true);
    } finally {
      await Promise.all([api.close(), gateway.close()]);
    }
  }, 30_000);
});
