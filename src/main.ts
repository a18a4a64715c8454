import type { ScheduledTask } from 'node-cron';
import { POLL_SOURCE, TOTALS_SOURCE } from '../commands/status';
import type { SourceSettings } from '../commands/services';
import { jobs } from '../jobs';
import type { Job, JobDeps } from '../jobs/job';
import { scheduleJobs } from '../jobs/schedule';
import { describeJobFailure } from '../jobs/job-failure';
import { enabledPlatforms, type Config } from './config';
import { createAlertRouter } from './delivery/alert-router';
import { createOperatorNotifier } from './delivery/operator-notifier';
import { createOutboxWorker } from './delivery/outbox-worker';
import type { AlertSender, SendResult } from './delivery/sender';
import type { GuardSettings } from './domain/agreements/guards';
import { channelKey, CONSOLE_DEFAULT_HOLDER, DEFAULT_STATE_KINDS } from './domain/alerts/subscriptions';
import { createLogger, type Logger } from './logging/logger';
import { createOpsEndpoints } from './observability/endpoints';
import { installProcessGuards } from './observability/process-guards';
import { summarize287gPoll, summarizeTotalsPoll } from './pipelines/poll-summary';
import { secretValuesOf } from './logging/redact';
import { createConsoleAlertSender } from './platforms/console/console-alert-sender';
import { createConsoleSender } from './platforms/console/console-sender';
import type * as DiscordAlerts from './platforms/discord/alert-sender';
import type * as DiscordClient from './platforms/discord/client';
import type * as SlackAlerts from './platforms/slack/alert-sender';
import type * as SlackApp from './platforms/slack/app';
import { createGuardedPoll, SourceFailingError } from './pipelines/guarded-poll';
import { createIngest287g } from './pipelines/ingest-287g';
import { createPoll287g, partsOf287gPoll } from './pipelines/poll-287g';
import { createCoordination, newInstanceId } from './coordination/coordination';
import { createPollTotals } from './pipelines/poll-totals';
import type { WorkbookLimits } from './sources/errors';
import { requireReachable, type KeyvFactory } from './store/keyv-factory';
import { openStores } from './store/open-stores';
import type { SubscriptionStore } from './store/subscription-store';

const CONSOLE_KEY = channelKey('console', 'local', 'console');
/** Finished outbox entries are kept two weeks: long past any resend they could dedupe. */
const OUTBOX_RETENTION_MS = 14 * 24 * 3_600_000;

/** Console mode: the terminal follows every state, unless someone changed that with `ice-watch subscribe`. */
async function ensureConsoleSubscription(subscriptions: SubscriptionStore, at: Date): Promise<void> {
  const who = { ...CONSOLE_DEFAULT_HOLDER };
  await subscriptions.update(CONSOLE_KEY, (old) => old ?? {
    key: CONSOLE_KEY, platform: 'console', workspaceId: 'local', channelId: 'console', channelName: 'console',
    states: 'all', kinds: [...DEFAULT_STATE_KINDS], models: null, mode: 'instant',
    createdBy: who, createdAt: at.toISOString(), updatedBy: who, updatedAt: at.toISOString(), paused: null,
  });
}

/** The guards' settings from the configuration. */
export function guardSettingsOf(config: Config): GuardSettings {
  return {
    massEndShare: config.MASS_END_SHARE,
    massEndMinRows: config.MASS_END_MIN_ROWS,
    confirmAfterMs: config.HOLD_CONFIRM_MINUTES * 60_000,
    endingConfirmMs: config.ENDING_CONFIRM_HOURS === undefined ? null : config.ENDING_CONFIRM_HOURS * 3_600_000,
    massAddShare: config.MASS_ADD_SHARE,
    massAddMinRows: config.MASS_ADD_MIN_ROWS,
  };
}

/** The parse caps every workbook read is held to. */
export function workbookLimitsOf(config: Config): WorkbookLimits {
  return { maxInflatedBytes: config.WORKBOOK_MAX_INFLATED_BYTES, maxRows: config.WORKBOOK_MAX_ROWS };
}

export interface BotOverrides {
  logger?: Logger;
  /** Where console alerts and operator notices are written (default: stdout). */
  write?: (s: string) => void;
  now?: () => Date;
  /** The outbox's bound on one send (default DEFAULT_SEND_TIMEOUT_MS); tests shorten it. */
  sendTimeoutMs?: number;
  /** The waits before an operator notice's retries (default 1 s, 4 s); tests shorten them. */
  noticeRetryDelaysMs?: readonly number[];
  /** The store (default: STORE_URL's); tests pass one that can stop answering. */
  keyv?: KeyvFactory;
}

/**
 * Composition root: config -> logger -> stores -> services -> platforms -> jobs. Builds
 * everything and connects nothing: `start()` logs the platforms in and schedules the jobs;
 * `jobDeps` runs a job's work by hand (tests, the CLI). `stop()` stops the jobs, lets a
 * running poll and in-flight sends finish (what is not sent stays in the outbox),
 * disconnects the platforms and closes the store.
 */
export async function createBot(config: Config, overrides: BotOverrides = {}) {
  const logger = overrides.logger ?? createLogger(config.LOG_LEVEL, undefined, { secrets: secretValuesOf(config) });
  const now = overrides.now ?? (() => new Date());
  const stores = openStores(overrides.keyv ?? config, {
    onCorruptSubscription: (key, problem) => logger.error({ subscription: key, problem }, 'a stored subscription cannot be read; it is skipped until the channel subscribes again'),
  });
  const { keyv, snapshots, subscriptions, outbox, health, totals } = stores;
  // /healthz and /metrics: served on Slack's port in Slack HTTP mode, else on HTTP_PORT, else off.
  const ops = createOpsEndpoints(config, {
    health, outboxDepth: () => outbox.depth(), logger, now,
    sources: [{ id: '287g', healthKey: POLL_SOURCE, schedule: config.POLL_287G_CRON }, { id: 'totals', healthKey: TOTALS_SOURCE, schedule: config.POLL_TOTALS_CRON }],
  });
  const router = createAlertRouter({ subscriptions, outbox, digests: stores.digests });
  const guards = guardSettingsOf(config);
  const fetchOptions = { timeoutMs: config.FETCH_TIMEOUT_MS, maxBytes: config.FETCH_MAX_BYTES, now, ...(config.FETCH_USER_AGENT ? { userAgent: config.FETCH_USER_AGENT } : {}) };
  const parseLimits = workbookLimitsOf(config);
  const ingest = createIngest287g({ snapshots, guards, logger, now, parseLimits, route: async (alerts, at) => void (await router.route(alerts, at)) });
  const poller = createPoll287g({
    pageUrl: config.ICE_287G_PAGE_URL,
    fetchOptions,
    snapshots,
    ingest,
    logger,
  });

  const platforms = enabledPlatforms(config);
  const sources: SourceSettings = {
    page287g: config.ICE_287G_PAGE_URL,
    detentionPage: config.ICE_DETENTION_PAGE_URL,
    dailyFeed: config.DAILY_TOTALS_URL,
    nextPoll: (job) => tasks.find((t) => t.name === job)?.getNextRun() ?? null,
  };
  const services = { snapshots, subscriptions, health, totals, sources, delivery: () => coordination!.status() };
  const consoleOut = createConsoleSender(overrides.write);
  const senders: AlertSender[] = [createConsoleAlertSender(overrides.write, { dir: config.CHARTS_DIR, logger })];
  const operatorOutputs: Array<(text: string) => Promise<SendResult>> = [];

  // DISCORD_SHARDS: start() spawns shard processes for the gateway; this client only lends its REST to the alert sender.
  const sharding = config.DISCORD_SHARDS === undefined ? undefined : { shards: config.DISCORD_SHARDS, settings: config };
  // A platform's SDK loads only when its token is set (discord.js and Bolt weigh some 40 and 30 MB;
  // console mode and the CLI need neither).
  const discord = config.DISCORD_TOKEN
    ? (require('./platforms/discord/client') as typeof DiscordClient).createDiscordBot({ token: config.DISCORD_TOKEN, apiUrl: config.DISCORD_API_URL, services, logger, now, sharding, metrics: ops.metrics })
    : null;
  if (discord && config.DISCORD_TOKEN) {
    // Alerts go through the client's own REST (one rate-limit state per token); its token is set now so that
    // the outbox can send before (or without) the gateway connection.
    const rest = discord.client.rest.setToken(config.DISCORD_TOKEN);
    const { createDiscordAlertSender, notifyOperatorChannel: notifyDiscordOperators } = require('./platforms/discord/alert-sender') as typeof DiscordAlerts;
    senders.push(createDiscordAlertSender({ rest, logger }));
    const channel = config.OPERATOR_DISCORD_CHANNEL;
    if (channel) operatorOutputs.push((text) => notifyDiscordOperators(rest, channel, text));
  }
  const slack = config.SLACK_BOT_TOKEN
    ? (require('./platforms/slack/app') as typeof SlackApp).createSlackApp({
        botToken: config.SLACK_BOT_TOKEN, signingSecret: config.SLACK_SIGNING_SECRET, appToken: config.SLACK_APP_TOKEN,
        port: config.SLACK_PORT, apiUrl: config.SLACK_API_URL, services, replayLeases: keyv.leases, logger, adminsOnly: config.SLACK_ADMINS_ONLY, now,
        routes: ops.slackRoutes, metrics: ops.metrics,
      })
    : null;
  if (config.SLACK_BOT_TOKEN) {
    // A client of its own for alerts: modest retries and a timeout (Bolt's client retries for half an hour).
    const { createSlackAlertSender, createSlackWebClient, notifyOperatorChannel: notifySlackOperators } = require('./platforms/slack/alert-sender') as typeof SlackAlerts;
    // A 429 comes back at once (a transient result with its Retry-After): the outbox pauses Slack's lane
    // only, instead of the client sitting out the limit in a send slot.
    const client = createSlackWebClient(config.SLACK_BOT_TOKEN, config.SLACK_API_URL, { logger, rejectRateLimitedCalls: true });
    senders.push(createSlackAlertSender({ client, logger }));
    const channel = config.OPERATOR_SLACK_CHANNEL;
    if (channel) {
      const notices = createSlackWebClient(config.SLACK_BOT_TOKEN, config.SLACK_API_URL, { logger });
      operatorOutputs.push((text) => notifySlackOperators(notices, channel, text, logger));
    }
  }
  if (!platforms.length) {
    await requireReachable('STORE_URL', keyv);
    await ensureConsoleSubscription(subscriptions, now());
  }

  // Episodes (told once, repeated at growing intervals, one "recovered"), kept in the store and in memory.
  const notifyOperators = createOperatorNotifier({
    outputs: operatorOutputs, terminal: (notices) => consoleOut.notifyOperators(notices), episodes: stores.episodes, logger, now,
    retryDelaysMs: overrides.noticeRetryDelaysMs,
  });
  const instanceId = newInstanceId();
  // The worker tells the coordination about 429s, and the coordination sends through the worker.
  let coordination: ReturnType<typeof createCoordination> | undefined;
  const worker = createOutboxWorker({
    outbox, subscriptions, senders, notifyOperators, logger, now, metrics: ops.metrics,
    // One instance: a restart after a crash is the same sender and takes its claims back at once.
    // Several: claims are per instance and lapse when their holder dies.
    owner: config.REDIS_URL ? instanceId : 'one-instance',
    onRetryAfter: (platform, ms) => coordination?.pause(platform, ms),
    sendTimeoutMs: overrides.sendTimeoutMs,
  });
  // With REDIS_URL: one poller at a time (a lease) and a shared delivery queue; else this process does both.
  coordination = createCoordination({
    config, instanceId, outbox, worker, logger, now, platforms: senders.map((s) => s.platform),
    onGained: () => jobs.filter((j) => j.leader && j.runAtStart).forEach((j) => void runJob(j)),
  });
  const failingAfterMs = config.SOURCE_ALERT_AFTER_MINUTES * 60_000;
  const poll287g = createGuardedPoll({
    source: POLL_SOURCE, id: '287g', poll: () => poller.poll(), health, notifyOperators, logger, now, summarize: summarize287gPoll, metrics: ops.metrics,
    failingAfterMs, partsOf: partsOf287gPoll,
  });
  const totalsPoller = createPollTotals({
    detentionPageUrl: config.ICE_DETENTION_PAGE_URL,
    parseLimits,
    dailyUrl: config.DAILY_TOTALS_URL,
    fetchOptions,
    totals,
    logger,
    now,
    route: async (alerts, at) => void (await router.routeTotals(alerts, at)),
  });
  const pollTotals = createGuardedPoll({
    source: TOTALS_SOURCE,
    id: 'totals',
    summarize: summarizeTotalsPoll,
    metrics: ops.metrics,
    poll: async () => {
      const result = await totalsPoller.poll();
      if (result.errors.length) {
        // What did work is reported before the failure counts toward the back-off.
        await notifyOperators(result.notices);
        throw new AggregateError(result.causes, result.errors.join('; '));
      }
      return result;
    },
    health,
    notifyOperators,
    logger,
    now,
    failingAfterMs,
    partsOf: (result) => result.parts ?? [],
  });
  const jobDeps: JobDeps = { logger, poll287g, pollTotals, drainOutbox: () => coordination.drainOutbox(), flushDigests: () => router.flushDigests(now()),
    pruneOutbox: () => outbox.prune(new Date(now().getTime() - OUTBOX_RETENTION_MS)), notifyOperators };

  const running = new Set<Promise<void>>();
  const runJob = (job: Job) => {
    const log = logger.child({ job: job.name });
    const lead = async () => (!job.leader || (await coordination.mayLead()) ? job.run({ ...jobDeps, logger: log }) : undefined);
    const p = lead().then(
      // A job that runs again ends its "job failed" episode (told only if one was told).
      () => notifyOperators([{ kind: 'recovered', subject: `job ${job.name}`, text: `${job.name} runs again` }]),
      async (err: unknown) => {
        // A failing source was logged once at warn by its guarded poll: its stack is for debugging only.
        const failure = describeJobFailure(job.name, job.schedule(config), err);
        if (failure.expected) log.debug({ err }, `${job.name} failed`);
        else log.error({ err }, `${job.name} failed; it runs again at its next scheduled time`);
        // A failing source has its own notices (after SOURCE_ALERT_AFTER_MINUTES): the terminal hears each failure, the channels that.
        if (err instanceof SourceFailingError) await consoleOut.notifyOperators([{ kind: 'failing', text: failure.text }]);
        else await notifyOperators([{ kind: 'job-failed', subject: `job ${job.name}`, text: failure.text }]);
      },
    ).catch((err: unknown) => log.error({ err }, 'operator notice failed'));
    running.add(p);
    void p.finally(() => running.delete(p));
    return p;
  };
  let tasks: ScheduledTask[] = [];
  let stopping: Promise<void> | null = null;

  return {
    jobDeps,
    runJob,
    stores: { snapshots, subscriptions, outbox, health, totals },
    instanceId,
    coordination,
    /** The metrics registry and the health check behind /metrics and /healthz. */
    ops,
    async start() {
      // What the bot cannot run without is asked first: a store or a Redis that does not answer fails the
      // start with the reason (and `ice-watch start` exits non-zero), never a bot that looks alive and does nothing.
      await Promise.all([requireReachable('STORE_URL', keyv), coordination.ready()]);
      const [, slackListening] = await Promise.all([config.DISCORD_GATEWAY ? discord?.start() : undefined, slack?.start()]);
      await ops.start(slackListening?.port);
      await coordination.start();
      tasks = scheduleJobs(jobs, config, runJob, logger);
      logger.info({ store: keyv.description, platforms: platforms.length ? platforms : ['console'], jobs: jobs.map((j) => j.name) }, 'ice-watch ready');
      for (const job of jobs) if (job.runAtStart) void runJob(job);
    },
    stop: () =>
      (stopping ??= (async () => {
        logger.info('stopping: no new jobs; waiting for running ones');
        await Promise.all(tasks.map((t) => t.stop()));
        await worker.stop();
        await Promise.all(running);
        await coordination.stop();
        await Promise.all([discord?.stop(), slack?.stop()]);
        await ops.stop();
        await keyv.close();
        logger.info('stopped');
      })()),
  };
}

/** After a failed start, how long stopping what did start may take before the process exits anyway. */
const STOP_AFTER_FAILED_START_MS = 5_000;

/**
 * `npm start`: builds the bot, starts it, and stops it cleanly on SIGINT/SIGTERM. A start
 * that fails (a store or Redis that cannot be reached, a platform token refused) stops
 * what did start, within STOP_AFTER_FAILED_START_MS, and rejects with the reason:
 * `ice-watch start` then exits non-zero for a supervisor to restart it. Once started, an
 * uncaught exception is logged, told to operators and ends the process with a non-zero code
 * (for the supervisor, see the README); an unhandled rejection is logged and told, and the
 * bot runs on.
 */
export async function startBot(config: Config): Promise<{ stop: () => Promise<void> }> {
  let bot: Awaited<ReturnType<typeof createBot>> | undefined;
  try {
    bot = await createBot(config);
    await bot.start();
  } catch (err) {
    const stopped = bot?.stop().catch(() => undefined);
    await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, STOP_AFTER_FAILED_START_MS).unref())]);
    throw err;
  }
  const started = bot;
  installProcessGuards({ logger: started.jobDeps.logger, notifyOperators: started.jobDeps.notifyOperators });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void started.stop().then(() => process.exit(0)));
  return { stop: started.stop };
}
