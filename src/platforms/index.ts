import type { Config } from '../config';
import type { Platform } from '../domain/platforms';
import type { HostingServer } from '../observability/endpoints';
import { consolePlatform } from './console/plugin';
import { discordPlatform } from './discord/plugin';
import type { PlatformContext, PlatformPlugin, RunningPlatform } from './plugin';
import { slackPlatform } from './slack/plugin';
import { webhookAdminOf, webhookPlatform } from './webhook/plugin';

/**
 * Every platform, the one list (in the order they start and are told operator notices). Adding
 * a platform is its folder (with a plugin.ts, src/platforms/plugin.ts), its id in
 * src/domain/platforms.ts, its settings in src/config.ts, and one line here.
 */
export const PLATFORMS: { readonly [P in Platform]: PlatformPlugin<P> } = {
  discord: discordPlatform,
  slack: slackPlatform,
  webhook: webhookPlatform,
  console: consolePlatform,
};

const all = (): PlatformPlugin[] => Object.values(PLATFORMS);

/** The platforms these settings turn on, the terminal included. */
export function configuredPlatforms(config: Config): PlatformPlugin[] {
  return all().filter((p) => p.configured(config));
}

/** A chat platform: neither the terminal nor one that only delivers (webhooks). */
const isChat = (p: PlatformPlugin) => !p.terminal && !p.deliversOnly;

/** The configured chat platforms; none means console mode. */
export function enabledPlatforms(config: Config): Platform[] {
  return configuredPlatforms(config)
    .filter(isChat)
    .map((p) => p.id);
}

/** The platforms `ice-watch doctor` checks (those with channels to post in), configured or not. */
export function doctorPlatforms(): Array<PlatformPlugin & { doctor: NonNullable<PlatformPlugin['doctor']> }> {
  return all().flatMap((p) => (p.doctor ? [{ ...p, doctor: p.doctor }] : []));
}

/** The HTTP server a configured platform opens itself (Slack in HTTP mode), which carries /healthz and /metrics; null: none. */
export function hostingServerOf(config: Config): HostingServer | null {
  for (const p of configuredPlatforms(config)) {
    const server = p.httpServer?.(config);
    if (server) return { platform: p.id, name: p.name, ...server };
  }
  return null;
}

/** The configured platforms, built: what they give delivery, and their start and stop together. */
export interface LoadedPlatforms {
  list: RunningPlatform[];
  /** The platforms running, for the log: the configured ones, or `console` in console mode. */
  names: Platform[];
  /** Starts every listener at once; resolves with the port of a platform's HTTP server, if one opened (it carries /healthz). */
  start(): Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Whether a channel of this platform is its operators' channel (operator-only commands): the terminal
 * always is; else the channel OPERATOR_<PLATFORM>_CHANNEL names, by id unless the platform says how.
 */
export function operatorChannelCheckOf(p: PlatformPlugin, config: Config) {
  const setting = p.operatorChannel?.(config);
  return (c: { channelId: string; channelName?: string }): boolean =>
    Boolean(p.terminal) || (setting !== undefined && (p.isOperatorChannel ? p.isOperatorChannel(setting, c) : c.channelId === setting));
}

/**
 * Loads every configured platform (its SDK only now) with the context it needs: its own
 * permission wording in its commands' services, and /healthz and /metrics when its HTTP server
 * carries them.
 */
export async function loadPlatforms(config: Config, context: Omit<PlatformContext, 'alone' | 'config'>): Promise<LoadedPlatforms> {
  const on = configuredPlatforms(config);
  const alone = !on.some(isChat);
  const host = hostingServerOf(config);
  // Webhooks are managed from any platform's operators' channel (and the terminal): one admin for all.
  const webhooks = webhookAdminOf(context.stores, config, context.now);
  const list: RunningPlatform[] = [];
  for (const p of on) {
    const services = {
      ...context.services,
      whoMayManage: p.whoMayManage,
      webhookAdmin: webhooks,
      isOperatorChannel: operatorChannelCheckOf(p, config),
    };
    list.push(await p.load({ ...context, config, alone, services, routes: host?.platform === p.id ? context.routes : undefined }));
  }
  return {
    list,
    names: alone ? ['console'] : enabledPlatforms(config),
    async start() {
      const started = await Promise.all(list.map((p) => p.start()));
      return started.find((s) => s && s.httpPort !== null)?.httpPort ?? null;
    },
    stop: async () => void (await Promise.all(list.map((p) => p.stop()))),
  };
}
