import type { Config } from '../../config';
import { createLogger, type Logger } from '../../logging/logger';
import { installProcessGuards } from '../../observability/process-guards';
import { secretValuesOf } from '../../logging/redact';
import { openStores } from '../../store/open-stores';
import { createDiscordBot, type DiscordBot } from './client';
import { DISCORD_WHO_MAY_MANAGE } from './wording';

/** The main process's logger: JSON lines on stderr (inherited from it), secrets scrubbed. */
const loggerFor = (config: Config) => createLogger(config.LOG_LEVEL, undefined, { secrets: secretValuesOf(config) });

/** A running shard: its client and how to stop it. */
export interface DiscordShardProcess {
  readonly bot: DiscordBot;
  stop(): Promise<void>;
}

/**
 * One shard of a sharded Discord bot (DISCORD_SHARDS), in a process forked by the main
 * process's ShardingManager (sharding.ts). It opens the same store (STORE_URL, STORE_PREFIX)
 * and answers the interactions of its own guilds with the same handler as an unsharded bot;
 * discord.js reads the shard id and count (SHARDS, SHARD_COUNT) from the environment the
 * manager set.
 * It runs no jobs, no polls and no outbox: alerts are the main process's, sent once.
 */
export async function startDiscordShard(config: Config, overrides: { logger?: Logger } = {}): Promise<DiscordShardProcess> {
  if (!config.DISCORD_TOKEN) throw new Error('a Discord shard needs DISCORD_TOKEN');
  const logger = overrides.logger ?? loggerFor(config);
  const stores = openStores(config);
  const services = {
    snapshots: stores.snapshots,
    subscriptions: stores.subscriptions,
    health: stores.health,
    totals: stores.totals,
    whoMayManage: DISCORD_WHO_MAY_MANAGE,
  };
  // No `sharding` here: this client is the shard (the parent's DISCORD_SHARDS is in our settings too).
  const bot = createDiscordBot({ token: config.DISCORD_TOKEN, apiUrl: config.DISCORD_API_URL, services, logger });
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      await bot.stop();
      await stores.close();
    })());
  try {
    await bot.start();
  } catch (err) {
    await stop();
    throw err;
  }
  logger.info(
    { platform: 'discord', shards: bot.client.shard?.ids ?? null, shardCount: bot.client.shard?.count ?? null },
    'discord shard started',
  );
  return { bot, stop };
}

/**
 * `ice-watch discord-shard` (internal: the ShardingManager's launcher): runs one shard until
 * SIGTERM/SIGINT, or until the main process goes away (its IPC channel closes), then stops
 * it cleanly and exits; exits with 1 when the shard cannot start.
 */
export async function runDiscordShardProcess(config: Config): Promise<void> {
  const logger = loggerFor(config);
  // A shard has no operator channel of its own: the log is where it tells; the manager respawns it after a crash exit.
  installProcessGuards({ logger, notifyOperators: async () => undefined });
  let shard: DiscordShardProcess | null = null;
  // Installed first: a shard told to stop while it still connects stops too.
  const exit = () =>
    void (shard?.stop() ?? Promise.resolve()).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, exit);
  process.once('disconnect', exit);
  try {
    shard = await startDiscordShard(config, { logger });
  } catch (err) {
    // Exit, or the IPC channel keeps this process alive doing nothing; the manager respawns it with back-off.
    logger.error({ err, platform: 'discord' }, 'discord shard failed to start');
    process.exit(1);
  }
}
