import type { CommandServices } from '../../commands/services';
import type { Config } from '../config';
import type { PlatformDelivery } from '../delivery/delivery';
import type { DoctorCheck } from '../doctor/doctor-report';
import type { Platform } from '../domain/platforms';
import type { Logger } from '../logging/logger';
import type { HostingServer } from '../observability/endpoints';
import type { OpsRoute } from '../observability/http-server';
import type { Metrics } from '../observability/metrics';
import type { Stores } from '../store/open-stores';

/**
 * What a platform contributes to the bot, the contract of src/platforms/<name>/plugin.ts:
 * the settings that turn it on, its wording, its operators' channel, its send rate, an HTTP
 * server of its own, its doctor checks, and, when configured, the running platform (sender,
 * listener). The list of platforms is src/platforms/index.ts. A descriptor loads no SDK:
 * `load` does, so a platform that is not configured costs nothing.
 */
export interface PlatformPlugin<P extends Platform = Platform> {
  id: P;
  /** As people name it: `Discord`. */
  name: string;
  /** Whether these settings turn it on (its token is set). */
  configured(config: Config): boolean;
  /** The terminal (console): it runs whatever else is configured, and alone it is console mode. */
  terminal?: true;
  /**
   * It only delivers (webhooks): no listener, no commands, no token. It is no chat platform:
   * it neither ends console mode nor counts among the platforms a bot runs on.
   */
  deliversOnly?: true;
  /** Who may change a channel's subscriptions here, in the platform's words ("Only <this> can change..."). */
  whoMayManage: string;
  /** Its operators' channel from the settings, if any. */
  operatorChannel?(config: Config): string | undefined;
  /**
   * Whether a channel a command runs in is the operators' channel the setting names (operator-only
   * commands, /webhook). Default: its id, the one thing no one else can choose (on Discord anyone
   * with Manage Channels in any server can name a channel after the operators' channel id).
   */
  isOperatorChannel?(setting: string, channel: { channelId: string; channelName?: string }): boolean;
  /** An HTTP server it opens itself, which then carries /healthz and /metrics too; null when it opens none with these settings. */
  httpServer?(config: Config): Omit<HostingServer, 'platform' | 'name'> | null;
  /** What `ice-watch doctor` checks of it (platforms with channels to post in). */
  doctor?: PlatformDoctor;
  /** Loads its SDK and builds the running platform; nothing connects until `start`. */
  load(context: PlatformContext): Promise<RunningPlatform>;
}

/** What a platform is built with (src/main.ts). */
export interface PlatformContext {
  config: Config;
  logger: Logger;
  now: () => Date;
  /** What its commands use; the platform adds its own `checkCanPost` per command. */
  services: Omit<CommandServices, 'checkCanPost'>;
  stores: Stores;
  metrics: Metrics;
  /** /healthz and /metrics, when this platform's HTTP server carries them (`httpServer`); else undefined. */
  routes?: OpsRoute[];
  /** No other platform is configured: console mode. */
  alone: boolean;
  /** Where the terminal writes (default: stdout); tests capture it. */
  write?: (s: string) => void;
}

/** A platform built and ready to start: what it gives delivery, and its listener's start and stop. */
export interface RunningPlatform extends PlatformDelivery {
  /** Connects and answers commands; resolves with the port of the HTTP server it opened, if any. */
  start(): Promise<{ httpPort: number | null } | undefined>;
  /** Disconnects; safe when it never started. */
  stop(): Promise<void>;
}

/** The doctor's part of a platform, over plain HTTP (no SDK). */
export interface PlatformDoctor {
  /** The setting whose absence means nothing is delivered here (`DISCORD_TOKEN`). */
  tokenSetting: string;
  /** How it runs with these settings, for the configuration check (`Slack (Socket Mode)`). */
  describe(config: Config): string;
  /** Settings that look wrong (a token of the wrong kind). */
  warnings?(config: Config): string[];
  /** Checks the token, then whether the bot can post in each channel. */
  probe(config: Config): PlatformProbe;
}

export interface PlatformProbe {
  /** The token: who the bot is, or why the platform refuses it. */
  checkToken(): Promise<DoctorCheck>;
  /** Null when the bot can post in the channel, else why not, in words an operator can act on. */
  cannotPost(channelId: string): Promise<string | null>;
}
