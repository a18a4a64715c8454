import cron, { type ScheduledTask } from 'node-cron';
import { jobs } from '../jobs';
import type { Job, JobDeps } from '../jobs/job';
import { enabledPlatforms, type Config } from './config';
import { createAlertRouter } from './delivery/alert-router';
import { createOutboxWorker } from './delivery/outbox-worker';
import type { AlertSender } from './delivery/sender';
import { channelKey, DEFAULT_STATE_KINDS } from './domain/subscriptions';
import { createLogger } from './logger';
import { createConsoleAlertSender } from './platforms/console/console-alert-sender';
import { createConsoleSender } from './platforms/console/console-sender';
import { createDiscordBot } from './platforms/discord/client';
import { createSlackApp } from './platforms/slack/app';
import { createIngest287g } from './services/ingest-287g';
import { createPoll287g } from './services/poll-287g';
import { createDigestStore } from './store/digest-store';
import { createKeyvFactory } from './store/keyv-factory';
import { createOutboxStore } from './store/outbox-store';
import { createSnapshotStore } from './store/snapshot-store';
import { createSubscriptionStore, type SubscriptionStore } from './store/subscription-store';

const CONSOLE_KEY = channelKey('console', 'local', 'console');

/** Console mode: the terminal follows every state, unless someone changed that with `ice-watch subscribe`. */
async function ensureConsoleSubscription(subscriptions: SubscriptionStore, at: Date): Promise<void> {
  if (await subscriptions.get(CONSOLE_KEY)) return;
  const who = { id: 'ice-watch', name: 'ice-watch (console mode)' };
  await subscriptions.put({
    key: CONSOLE_KEY, platform: 'console', workspaceId: 'local', channelId: 'console', channelName: 'console',
    states: 'all', kinds: [...DEFAULT_STATE_KINDS], models: null, mode: 'instant',
    createdBy: who, createdAt: at.toISOString(), updatedBy: who, updatedAt: at.toISOString(), paused: null,
  });
}

/**
 * Composition root: config -> logger -> stores -> services -> platforms -> jobs.
 * Runs until SIGINT/SIGTERM, then stops the jobs, lets a running poll and in-flight sends
 * finish (what is not sent stays in the outbox), disconnects the platforms and closes the store.
 */
export async function startBot(config: Config): Promise<{ stop: () => Promise<void> }> {
  const logger = createLogger(config.LOG_LEVEL);
  const keyv = createKeyvFactory(config.STORE_URL);
  const snapshots = createSnapshotStore(keyv);
  const subscriptions = createSubscriptionStore(keyv);
  const outbox = createOutboxStore(keyv);
  const router = createAlertRouter({ subscriptions, outbox, digests: createDigestStore(keyv) });
  const guards = { massEndShare: config.MASS_END_SHARE, massEndMinRows: config.MASS_END_MIN_ROWS, confirmAfterMs: config.HOLD_CONFIRM_MINUTES * 60_000 };
  const ingest = createIngest287g({ snapshots, guards, logger, route: async (alerts, at) => void (await router.route(alerts, at)) });
  const poller = createPoll287g({
    pageUrl: config.ICE_287G_PAGE_URL,
    fetchOptions: { timeoutMs: config.FETCH_TIMEOUT_MS, maxBytes: config.FETCH_MAX_BYTES, ...(config.FETCH_USER_AGENT ? { userAgent: config.FETCH_USER_AGENT } : {}) },
    snapshots,
    ingest,
    logger,
  });

  const platforms = enabledPlatforms(config);
  const services = { snapshots, subscriptions };
  const discord = config.DISCORD_TOKEN ? createDiscordBot({ token: config.DISCORD_TOKEN, apiUrl: config.DISCORD_API_URL, services, logger }) : null;
  const slack = config.SLACK_BOT_TOKEN
    ? createSlackApp({
        botToken: config.SLACK_BOT_TOKEN, signingSecret: config.SLACK_SIGNING_SECRET, appToken: config.SLACK_APP_TOKEN,
        port: config.SLACK_PORT, apiUrl: config.SLACK_API_URL, services, logger, adminsOnly: config.SLACK_ADMINS_ONLY,
      })
    : null;
  const consoleOut = createConsoleSender();
  const senders: AlertSender[] = [createConsoleAlertSender()];
  if (!platforms.length) await ensureConsoleSubscription(subscriptions, new Date());
  const notifyOperators = async (notices: Parameters<JobDeps['notifyOperators']>[0]) => {
    for (const n of notices) logger.info({ notice: n.kind }, n.text);
    await consoleOut.notifyOperators(notices);
  };
  const worker = createOutboxWorker({ outbox, subscriptions, senders, notifyOperators, logger });
  const deps: JobDeps = { logger, poll287g: () => poller.poll(), drainOutbox: () => worker.drain(), flushDigests: () => router.flushDigests(new Date()), notifyOperators };

  const running = new Set<Promise<void>>();
  const runJob = (job: Job) => {
    const log = logger.child({ job: job.name });
    const p = job.run({ ...deps, logger: log }).catch(async (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      log.error({ err }, `${job.name} failed; it runs again at its next scheduled time`);
      await consoleOut.notifyOperators([
        { kind: 'rejected', text: `${job.name} failed: ${message}. The stored data still answers; next try at the next scheduled run (${job.schedule(config)}).` },
      ]);
    });
    running.add(p);
    void p.finally(() => running.delete(p));
    return p;
  };
  await Promise.all([discord?.start(), slack?.start()]);
  const tasks: ScheduledTask[] = jobs.map((job) => cron.schedule(job.schedule(config), () => runJob(job), { name: job.name, noOverlap: true }));
  logger.info({ store: keyv.description, platforms: platforms.length ? platforms : ['console'], jobs: jobs.map((j) => j.name) }, 'ice-watch ready');
  void runJob(jobs[0]);

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('stopping: no new jobs; waiting for running ones');
      await Promise.all(tasks.map((t) => t.stop()));
      await worker.stop();
      await Promise.all(running);
      await Promise.all([discord?.stop(), slack?.stop()]);
      await keyv.close();
      logger.info('stopped');
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop().then(() => process.exit(0)));
  return { stop };
}
