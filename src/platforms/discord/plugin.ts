import type { PlatformPlugin } from '../plugin';
import type * as DiscordClient from './client';
import type * as DiscordCommandPayloads from './command-payloads';
import type * as DiscordShardMain from './shard-main';
import { createDiscordProbe } from './doctor';
import { DISCORD_WHO_MAY_MANAGE } from './wording';

// discord.js (some 40 MB) loads through these, on first use: only when DISCORD_TOKEN is set, or for the CLI's
// Discord commands; never for console mode, the other CLI commands or the doctor. (A loader, not import():
// tsx's CommonJS hook hands import() to Node's ESM loader, which cannot load TypeScript.)
const loadClient = (): typeof DiscordClient => require('./client');
/** A shard process's entry (`ice-watch discord-shard`). */
export const loadDiscordShard = (): typeof DiscordShardMain => require('./shard-main');
/** The slash commands' registration (`ice-watch register-commands`). */
export const loadDiscordCommandPayloads = (): typeof DiscordCommandPayloads => require('./command-payloads');

/** Discord: slash commands over the gateway (or shard processes), alerts over REST. */
export const discordPlatform: PlatformPlugin<'discord'> = {
  id: 'discord',
  name: 'Discord',
  configured: (config) => Boolean(config.DISCORD_TOKEN),
  whoMayManage: DISCORD_WHO_MAY_MANAGE,
  operatorChannel: (config) => config.OPERATOR_DISCORD_CHANNEL,
  doctor: {
    tokenSetting: 'DISCORD_TOKEN',
    describe: () => 'Discord',
    probe: (config) =>
      createDiscordProbe({ token: config.DISCORD_TOKEN ?? '', apiUrl: config.DISCORD_API_URL, timeoutMs: config.FETCH_TIMEOUT_MS }),
  },
  load: async (context) => loadClient().createDiscordPlatform(context),
};
