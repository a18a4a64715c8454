import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Routes, ShardingManager, type REST, type Shard } from 'discord.js';
import { SETTING_NAMES, type Config } from '../../config';
import type { Logger } from '../../logging/logger';

/** Discord lets each identify bucket start one session per 5 s; discord.js's manager waits 5.5 s. */
const IDENTIFY_SPACING_MS = 5_500;
/** How long a shard process has to connect before the next group is spawned anyway. */
const DEFAULT_READY_TIMEOUT_MS = 30_000;
/** How long a shard process has to close its gateway connection and store after SIGTERM. */
const STOP_GRACE_MS = 10_000;
/**
 * A shard process that exits is respawned after 1 s, doubling up to 5 min while it keeps
 * failing (every identify counts against Discord's daily session-start limit).
 */
const RESPAWN_FIRST_MS = 1_000;
const RESPAWN_MAX_MS = 300_000;

/** What `GET /gateway/bot` says about this bot. */
export interface GatewayBotInfo {
  /** The shard count Discord recommends (about one per 1,000 guilds). */
  recommendedShards: number;
  /** How many shards may identify at once (Discord's `session_start_limit.max_concurrency`). */
  maxConcurrency: number;
}

/**
 * Asks Discord (through `rest`, so DISCORD_API_URL is honoured: discord.js's own
 * fetchRecommendedShardCount always asks discord.com) for the recommended shard count and
 * the identify concurrency. A refused token rejects, as a login would.
 */
export async function fetchGatewayBot(rest: REST): Promise<GatewayBotInfo> {
  const body = (await rest.get(Routes.gatewayBot())) as { shards?: number; session_start_limit?: { max_concurrency?: number } };
  return { recommendedShards: Math.max(1, body.shards ?? 1), maxConcurrency: Math.max(1, body.session_start_limit?.max_concurrency ?? 1) };
}

/**
 * The settings as environment variables for a child process, so that its `loadConfig()`
 * reads exactly the parent's configuration (an unset setting becomes '', which loadConfig
 * reads as unset and which overrides a `.env` file).
 */
export function settingsAsEnvironment(config: Config): Record<string, string> {
  return Object.fromEntries(SETTING_NAMES.map((key) => [key, config[key] === undefined ? '' : String(config[key])]));
}

export interface DiscordShardsOptions {
  token: string;
  /** A REST with the token set, pointed at DISCORD_API_URL. */
  rest: REST;
  /** DISCORD_SHARDS: `auto` (Discord's recommended count) or a count. */
  shards: 'auto' | number;
  /** What each shard process's environment adds (the parent's settings: settingsAsEnvironment). */
  environment: Record<string, string>;
  logger: Logger;
  /** The script forked for each shard and its arguments (default: SHARD_LAUNCHER). */
  launcher?: { file: string; args: string[] };
  readyTimeoutMs?: number;
}

/** The shard processes of a sharded Discord bot, run by discord.js's ShardingManager. */
export interface DiscordShards {
  /**
   * Asks Discord for the gateway (which also checks the token) and starts spawning the shard
   * processes, in groups of `max_concurrency` 5.5 s apart as Discord's identify limit asks.
   * Resolves with the shard count once spawning has begun: a large bot takes minutes to
   * connect every shard, and nothing in the main process waits for them.
   */
  start(): Promise<number>;
  /** Resolves once every shard was spawned and reported ready, or timed out (logged). */
  spawned(): Promise<void>;
  /** Stops spawning, SIGTERMs every shard process (no respawn) and waits for each to exit. */
  stop(): Promise<void>;
}

/**
 * The default shard launcher: the CLI's internal `discord-shard` command, running the same code
 * as this process. Compiled (dist/src/platforms/discord/sharding.js) it is bin/ice-watch.js, which
 * runs dist/; from the sources (ts-jest, tsx) it is bin/ice-watch-ts.js, which runs them through
 * tsx.
 */
const compiled = __filename.endsWith('.js');
export const SHARD_LAUNCHER = {
  file: compiled
    ? join(__dirname, '..', '..', '..', '..', 'bin', 'ice-watch.js')
    : join(__dirname, '..', '..', '..', 'bin', 'ice-watch-ts.js'),
  args: ['discord-shard'],
};

/**
 * Discord sharding for large installs: a ShardingManager forks one process per shard; each
 * runs shard-main.ts (a discord.js Client for its shard id, reading SHARDS and SHARD_COUNT
 * from the environment the manager sets) and answers its guilds' interactions. A shard process
 * that exits is respawned with back-off. Nothing connects until `start()`.
 */
export function createDiscordShards(options: DiscordShardsOptions): DiscordShards {
  const log = options.logger.child({ platform: 'discord', sharding: true });
  const launcher = options.launcher ?? SHARD_LAUNCHER;
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const aborted = new AbortController();
  let manager: ShardingManager | null = null;
  let spawning: Promise<void> = Promise.resolve();
  let stopping: Promise<void> | null = null;
  const respawns = new Set<NodeJS.Timeout>();

  function createManager(totalShards: number): ShardingManager {
    // The manager's constructor writes these into process.env for its children; they get them
    // through each shard's own env below instead, so that this process's environment (and any
    // discord.js Client built here later) is left as it was.
    const saved = ['SHARDING_MANAGER', 'SHARDING_MANAGER_MODE', 'DISCORD_TOKEN'].map((key) => [key, process.env[key]] as const);
    const created = new ShardingManager(launcher.file, {
      totalShards,
      token: options.token,
      shardArgs: launcher.args,
      execArgv: [],
      mode: 'process',
      respawn: false,
    });
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    created.on('shardCreate', (shard: Shard) => {
      Object.assign(shard.env as Record<string, string>, options.environment, { SHARDING_MANAGER_MODE: 'process' });
      const shardLog = log.child({ shard: shard.id });
      shard.on('spawn', (child) => shardLog.info({ pid: 'pid' in child ? child.pid : undefined }, 'discord shard process spawned'));
      let failures = 0;
      shard.on('ready', () => {
        failures = 0;
        shardLog.info('discord shard ready');
      });
      // The manager's own respawn is immediate and endless; this one backs off.
      shard.on('death', () => {
        if (aborted.signal.aborted) return;
        const delayMs = Math.min(RESPAWN_MAX_MS, RESPAWN_FIRST_MS * 2 ** failures++);
        shardLog.warn({ delayMs }, 'discord shard process exited; respawning it');
        const timer = setTimeout(() => {
          respawns.delete(timer);
          if (aborted.signal.aborted) return;
          shard.spawn(readyTimeoutMs).catch((err: unknown) => {
            if (!aborted.signal.aborted) shardLog.error({ err }, 'respawned discord shard did not become ready');
          });
        }, delayMs);
        respawns.add(timer);
      });
      shard.on('error', (err: unknown) => shardLog.error({ err }, 'discord shard error'));
    });
    return created;
  }

  async function spawnAll(target: ShardingManager, count: number, perGroup: number) {
    for (let first = 0; first < count && !aborted.signal.aborted; first += perGroup) {
      const ids = Array.from({ length: Math.min(perGroup, count - first) }, (_, i) => first + i);
      const waits: Array<Promise<unknown>> = ids.map((id) =>
        target
          .createShard(id)
          .spawn(readyTimeoutMs)
          .catch((err: unknown) => {
            if (!aborted.signal.aborted)
              log.error({ err, shard: id }, 'discord shard did not become ready (respawned if its process exited)');
          }),
      );
      if (first + perGroup < count) waits.push(sleep(IDENTIFY_SPACING_MS, undefined, { signal: aborted.signal }).catch(() => undefined));
      await Promise.all(waits);
    }
  }

  async function stopShard(shard: Shard) {
    const child = shard.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    shard.kill();
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(killer);
  }

  return {
    async start() {
      if (manager) return manager.totalShards as number;
      const gateway = await fetchGatewayBot(options.rest);
      const count = options.shards === 'auto' ? gateway.recommendedShards : options.shards;
      if (aborted.signal.aborted) return count;
      manager = createManager(count);
      log.info(
        { shards: count, recommended: gateway.recommendedShards, maxConcurrency: gateway.maxConcurrency },
        'spawning discord shard processes',
      );
      spawning = spawnAll(manager, count, gateway.maxConcurrency).then(
        () => {
          if (!aborted.signal.aborted) log.info({ shards: count }, 'every discord shard spawned');
        },
        (err: unknown) => log.error({ err }, 'spawning discord shards failed'),
      );
      return count;
    },
    spawned: () => spawning,
    stop: () =>
      (stopping ??= (async () => {
        aborted.abort();
        for (const timer of respawns) clearTimeout(timer);
        respawns.clear();
        if (!manager) return;
        // A shard still being spawned is in manager.shards already: kill() settles its spawn.
        await Promise.all([...manager.shards.values()].map(stopShard));
        await spawning;
        await Promise.all([...manager.shards.values()].map(stopShard));
        log.info('discord shard processes stopped');
      })()),
  };
}
