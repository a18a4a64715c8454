import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { Logger } from '../../logger';
import type { SharedServices } from './command-context';
import { rejectLongMessageRateLimits } from './alert-sender';
import { createInteractionHandler } from './interactions';

/** What the Discord bot needs, from config and the composition root. */
export interface DiscordBotOptions {
  token: string;
  /** Discord's REST base without the version (DISCORD_API_URL, `https://discord.com/api`). */
  apiUrl: string;
  services: SharedServices;
  logger: Logger;
  now?: () => Date;
}

/** The running Discord side, started and stopped by main.ts. */
export interface DiscordBot {
  /** Logs in (the gateway URL comes from `GET /gateway/bot` on apiUrl) and answers interactions. */
  start(): Promise<void>;
  /** Closes the gateway connection and drops the client's caches; safe to call twice. */
  stop(): Promise<void>;
  /** The discord.js client, for a sender that posts alerts through the same REST queue. */
  readonly client: Client;
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
  const handle = createInteractionHandler({ services: options.services, logger: options.logger, now: options.now });
  client.on(Events.InteractionCreate, (interaction) => void handle(interaction));
  client.once(Events.ClientReady, (ready) => log.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, 'discord ready'));
  client.on(Events.Error, (err) => log.error({ err }, 'discord client error'));
  client.on(Events.Warn, (message) => log.warn({ message }, 'discord client warning'));
  let started = false;

  return {
    client,
    async start() {
      if (started) return;
      started = true;
      await client.login(options.token);
    },
    async stop() {
      if (!started) return;
      started = false;
      await client.destroy();
      log.info('discord stopped');
    },
  };
}
