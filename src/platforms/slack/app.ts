import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { App, HTTPReceiver, SocketModeReceiver, type CustomRoute } from '@slack/bolt';
import type { Command } from '../../../commands/command';
import type { CommandServices } from '../../../commands/services';
import type { Logger } from '../../logging/logger';
import type { Metrics } from '../../observability/metrics';
import { createDbLeases, type Leases } from '../../store/leases';
import type { PlatformContext, RunningPlatform } from '../plugin';
import { createSlackAlertSender, createSlackWebClient, notifyOperatorChannel } from './alert-sender';
import { createBoltLogger } from './bolt-logger';
import { guardAgainstReplays } from './replay-guard';
import { registerSlackCommands } from './commands';

/** Settings of the Slack app (SLACK_* in src/config.ts) and what its commands use. */
export interface SlackAppOptions {
  /** SLACK_BOT_TOKEN (xoxb-...). */
  botToken: string;
  /** SLACK_SIGNING_SECRET: required for HTTP mode, where every request's signature is verified. */
  signingSecret?: string;
  /** SLACK_APP_TOKEN (xapp-...): Socket Mode when set. */
  appToken?: string;
  /** SLACK_PORT: where the HTTP receiver listens (0: any free port). Unused in Socket Mode. */
  port: number;
  /** Interface to listen on in HTTP mode (default: all; tests use 127.0.0.1). */
  host?: string;
  /** SLACK_API_URL: Slack's Web API base, e.g. `https://slack.com/api/`. */
  apiUrl: string;
  services: Omit<CommandServices, 'checkCanPost'>;
  /**
   * The store's leases (STORE_URL), where HTTP mode remembers the request signatures it has
   * run: shared by every instance and kept across restarts, so a captured request replayed
   * later, or to another instance, is refused.
   */
  replayLeases: Leases;
  logger: Logger;
  /** SLACK_ADMINS_ONLY */
  adminsOnly: boolean;
  now?: () => Date;
  /** The commands to answer (default: the registry). */
  commands?: readonly Command[];
  /** Extra GET routes served by the HTTP receiver (/healthz, /metrics: one port, not two). Unused in Socket Mode. */
  routes?: CustomRoute[];
  /** Command latency; absent: not measured. */
  metrics?: Pick<Metrics, 'commandFinished'>;
}

/** A built Slack app: started and stopped by the composition root. */
export interface SlackApp {
  /** Verifies the bot token (auth.test), then listens: HTTP on `port`, or connects in Socket Mode. */
  start(): Promise<{ mode: 'http' | 'socket'; port: number | null }>;
  stop(): Promise<void>;
  /** The receiver, for operators' health checks and tests. */
  receiver: HTTPReceiver | SocketModeReceiver;
  app: App;
}

/**
 * Builds the Slack app. Nothing happens until `start()`: no connection, no API call
 * (Bolt's auth.test is deferred with `deferInitialization`). Socket Mode when an app token
 * is given, else Bolt's HTTPReceiver on `port`, which checks every request's v0 signature
 * with the signing secret and refuses (401) a bad one or a timestamp over five minutes
 * old. `processBeforeResponse` stays false: the ack answers Slack's HTTP request at once
 * and the command runs after it, answering through the response_url (that flag is for
 * FaaS hosts, which freeze a function once it has answered).
 *
 * The tokens and the secret go to Bolt only; they are never logged.
 */
export function createSlackApp(options: SlackAppOptions): SlackApp {
  const boltLogger = createBoltLogger(options.logger);
  const clientOptions = { slackApiUrl: options.apiUrl };
  let receiver: HTTPReceiver | SocketModeReceiver;
  let remember: ((req: IncomingMessage) => Record<string, unknown>) | undefined;
  if (options.appToken) {
    receiver = new SocketModeReceiver({ appToken: options.appToken, logger: boltLogger, installerOptions: { clientOptions } });
  } else if (options.signingSecret) {
    receiver = new HTTPReceiver({
      signingSecret: options.signingSecret,
      port: options.port,
      logger: boltLogger,
      processBeforeResponse: false,
      customRoutes: options.routes ?? [],
      customPropertiesExtractor: (req) => remember?.(req) ?? {},
    });
  } else {
    throw new Error('Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)');
  }
  const app = new App({ token: options.botToken, receiver, logger: boltLogger, clientOptions, deferInitialization: true });
  const log = options.logger.child({ platform: 'slack' });
  // Before the commands' listeners: a replayed signature never reaches them.
  if (receiver instanceof HTTPReceiver) remember = guardAgainstReplays(receiver, app, log, { leases: options.replayLeases }).remember;
  app.error(async (err) => {
    log.error({ err }, 'slack: unhandled error in Bolt');
  });
  registerSlackCommands(app, {
    services: options.services,
    logger: options.logger,
    adminsOnly: options.adminsOnly,
    now: options.now,
    commands: options.commands,
    metrics: options.metrics,
  });

  let started = false;
  return {
    receiver,
    app,
    async start() {
      started = true;
      await app.init();
      if (receiver instanceof SocketModeReceiver) {
        await app.start();
        log.info({ mode: 'socket' }, 'slack: connected in Socket Mode');
        return { mode: 'socket', port: null };
      }
      const server = await app.start({ port: options.port, host: options.host });
      const port = (server.address() as AddressInfo).port;
      log.info({ mode: 'http', port }, 'slack: listening for commands over HTTP');
      return { mode: 'http', port };
    },
    /** Stops listening; a no-op when it never started (the bot may be built without connecting). */
    async stop() {
      if (!started) return;
      started = false;
      await app.stop();
    },
  };
}

/**
 * Slack as the bot runs it (src/platforms/slack/plugin.ts loads this): the Bolt app for
 * commands (Socket Mode, or HTTP on SLACK_PORT carrying /healthz and /metrics too), and
 * clients of its own for alerts and operator notices.
 */
export function createSlackPlatform({ config, services, stores, logger, now, metrics, routes }: PlatformContext): RunningPlatform {
  const token = config.SLACK_BOT_TOKEN;
  if (!token) throw new Error('Slack needs SLACK_BOT_TOKEN');
  const app = createSlackApp({
    botToken: token,
    signingSecret: config.SLACK_SIGNING_SECRET,
    appToken: config.SLACK_APP_TOKEN,
    port: config.SLACK_PORT,
    apiUrl: config.SLACK_API_URL,
    services,
    replayLeases: createDbLeases(stores.db),
    logger,
    adminsOnly: config.SLACK_ADMINS_ONLY,
    now,
    routes,
    metrics,
  });
  // Alerts: modest retries and a timeout (Bolt's client retries for half an hour), and a 429 back at once (a
  // transient result with its Retry-After): the outbox pauses Slack's lane only, instead of a send slot sitting out the limit.
  const alerts = createSlackWebClient(token, config.SLACK_API_URL, { logger, rejectRateLimitedCalls: true });
  const channel = config.OPERATOR_SLACK_CHANNEL;
  const notices = channel ? createSlackWebClient(token, config.SLACK_API_URL, { logger }) : null;
  return {
    sender: createSlackAlertSender({ client: alerts, logger }),
    operatorChannel: channel && notices ? (text) => notifyOperatorChannel(notices, channel, text, logger) : undefined,
    start: async () => ({ httpPort: (await app.start()).port }),
    stop: () => app.stop(),
  };
}
