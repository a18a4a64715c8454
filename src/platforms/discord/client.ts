import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { Config } from '../../config';
import type { Logger } from '../../logging/logger';
import type { Metrics } from '../../observability/metrics';
import type { PlatformContext, RunningPlatform } from '../plugin';
import type { SharedServices } from './command-context';
import { createDiscordAlertSender, notifyOperatorChannel, rejectLongMessageRateLimits } from './alert-sender';
import { createInteractionHandler } from './interactions';
import { guardPacketHandling } from './packet-guard';
import { createDiscordShards, settingsAsEnvironment, type DiscordShards, type DiscordShardsOptions } from './sharding';

/** What the Discord bot needs, from config and the composition root. */
export interface DiscordBotOptions {
  token: string;
  /** Discord's REST base without the version (DISCORD_API_URL, `https://discord.com/api`). */
  apiUrl: string;
  services: SharedServices;
  logger: Logger;
  now?: () => Date;
  /** Command latency (the /metrics histogram); absent: not measured. */
  metrics?: Pick<Metrics, 'commandFinished'>;
  /**
   * DISCORD_SHARDS: when set, `start()` does not log this client in; it spawns shard processes
   * (sharding.ts) that each log in their own client and answer their guilds' interactions.
   * This client then only lends its REST to the alert sender, so alerts go out once, from here.
   * `settings` is the configuration the shard processes load (the parent's).
   */
  sharding?: { shards: 'auto' | number; settings: Config; launcher?: DiscordShardsOptions['launcher'] };
}

/** The running Discord side, started and stopped by main.ts. */
export interface DiscordBot {
  /**
   * Logs in (the gateway URL comes from `GET /gateway/bot` on apiUrl) and answers interactions;
   * sharded, spawns the shard processes instead.
   */
  start(): Promise<void>;
  /** Closes the gateway connection and drops the client's caches; safe to call twice. */
  stop(): Promise<void>;
  /** The discord.js client, for a sender that posts alerts through the same REST queue. */
  readonly client: Client;
  /** The shard processes when sharded (`sharding`), else null. */
  readonly shards: DiscordShards | null;
}

/**
 * The Discord side of the bot: a discord.js client with only the Guilds intent (slash
 * commands need no message content), REST pointed at `apiUrl`, interactions handled by
 * createInteractionHandler. Nothing connects until `start()`.
 */
export function createDiscordBot(options: DiscordBotOptions): DiscordBot {
  const log = options.logger.child({ platform: 'discord' });
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    // Long rate-limit waits on message posts go back to the outbox instead of holding a send slot.
    rest: { api: options.apiUrl, rejectOnRateLimit: rejectLongMessageRateLimits() },
    allowedMentions: { parse: [] },
  });
  // A malformed packet (e.g. member.permissions "abc") is refused, not fatal to the process.
  guardPacketHandling(client, options.logger);
  const handle = createInteractionHandler({
    services: options.services,
    logger: options.logger,
    now: options.now,
    metrics: options.metrics,
  });
  client.on(Events.InteractionCreate, (interaction) => void handle(interaction));
  client.once(Events.ClientReady, (ready) => log.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, 'discord ready'));
  client.on(Events.Error, (err) => log.error({ err }, 'discord client error'));
  client.on(Events.Warn, (message) => log.warn({ message }, 'discord client warning'));
  let started = false;
  const shards = options.sharding
    ? createDiscordShards({
        token: options.token,
        rest: client.rest.setToken(options.token),
        shards: options.sharding.shards,
        environment: settingsAsEnvironment(options.sharding.settings),
        logger: options.logger,
        launcher: options.sharding.launcher,
      })
    : null;

  return {
    client,
    shards,
    async start() {
      if (started) return;
      started = true;
      if (shards) await shards.start();
      else await client.login(options.token);
    },
    async stop() {
      if (!started) return;
      started = false;
      if (shards) await shards.stop();
      await client.destroy();
      log.info('discord stopped');
    },
  };
}

/**
 * Discord as the bot runs it (src/platforms/discord/plugin.ts loads this): the client, whose
 * REST also posts alerts and operator notices (one rate-limit state per token; its token is
 * set now, so that the outbox can send before, or without, the gateway connection). With
 * DISCORD_SHARDS, `start` spawns shard processes instead of logging this client in; with
 * DISCORD_GATEWAY=false it opens no gateway at all (another instance answers commands).
 */
export function createDiscordPlatform({ config, services, logger, now, metrics }: PlatformContext): RunningPlatform {
  const token = config.DISCORD_TOKEN;
  if (!token) throw new Error('Discord needs DISCORD_TOKEN');
  const sharding = config.DISCORD_SHARDS === undefined ? undefined : { shards: config.DISCORD_SHARDS, settings: config };
  const bot = createDiscordBot({ token, apiUrl: config.DISCORD_API_URL, services, logger, now, sharding, metrics });
  const rest = bot.client.rest.setToken(token);
  const channel = config.OPERATOR_DISCORD_CHANNEL;
  return {
    sender: createDiscordAlertSender({ rest, logger }),
    operatorChannel: channel ? (text) => notifyOperatorChannel(rest, channel, text) : undefined,
    start: async () => {
      if (config.DISCORD_GATEWAY) await bot.start();
      return undefined;
    },
    stop: () => bot.stop(),
  };
}
