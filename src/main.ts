import { sourceSettingsOf } from '../commands/services';
import { jobs, watchedSources } from '../jobs';
import type { JobDeps } from '../jobs/job';
import { createJobRunner } from '../jobs/runner';
import { createSchedule } from '../jobs/schedule';
import type { Config } from './config';
import { createCoordination } from './coordination/coordination';
import { createDelivery } from './delivery/delivery';
import { createLogger, type Logger } from './logging/logger';
import { secretValuesOf } from './logging/redact';
import { createOpsEndpoints } from './observability/endpoints';
import { installProcessGuards } from './observability/process-guards';
import { createPolls } from './pipelines/polls';
import { hostingServerOf, loadPlatforms } from './platforms';
import { requireReachable, type StoreDb } from './store/db/database';
import type { KeyValueStores } from './store/key-value';
import { openStores } from './store/open-stores';
import { createWebRoutes } from './web';
import { importTargetOf } from './store/legacy/import-legacy';
import { migrateLegacyInstall, refuseRedisStore } from './store/legacy/migrate-legacy';

export interface BotOverrides {
  logger?: Logger;
  /** Where console alerts and operator notices are written (default: stdout). */
  write?: (s: string) => void;
  now?: () => Date;
  /** The outbox's bound on one send (default DEFAULT_SEND_TIMEOUT_MS); tests shorten it. */
  sendTimeoutMs?: number;
  /** A claim's margin over the send timeout (default CLAIM_MARGIN_MS); tests shorten it. */
  claimMarginMs?: number;
  /** The waits before an operator notice's retries (default 1 s, 4 s); tests shorten them. */
  noticeRetryDelaysMs?: readonly number[];
  /** The relational database and its key-value side (default: STORE_URL's); tests pass ones that can stop answering. */
  db?: StoreDb;
  kv?: KeyValueStores;
}

/**
 * Composition root: config -> logger -> stores -> pipelines -> delivery -> platforms -> jobs.
 * Builds everything and connects nothing: `start()` logs the platforms in and schedules the
 * jobs; `jobDeps` is what a job's run gets (tests and the CLI run one by hand). `stop()` stops
 * the jobs, lets a running poll and in-flight sends finish (what is not sent stays in the
 * outbox), disconnects the platforms and closes the store.
 */
export async function createBot(config: Config, overrides: BotOverrides = {}) {
  const logger = overrides.logger ?? createLogger(config.LOG_LEVEL, undefined, { secrets: secretValuesOf(config) });
  const now = overrides.now ?? (() => new Date());
  // STORE_URL=redis:// is no longer a store: refused with the command that moves it.
  refuseRedisStore(config);
  const stores = openStores(
    {
      ...config,
      ...(overrides.db ? { db: overrides.db } : {}),
      ...(overrides.kv ? { kv: overrides.kv } : {}),
    },
    {
      onCorruptSubscription: (key, problem) =>
        logger.error(
          { subscription: key, problem },
          'a stored subscription cannot be read; it is skipped until the channel subscribes again',
        ),
    },
  );
  // /healthz, /metrics and the web surface: on a platform's own HTTP server (Slack HTTP mode), else on HTTP_PORT, else off.
  const ops = createOpsEndpoints(config, {
    health: stores.health,
    outboxDepth: () => stores.outbox.depth(),
    sources: watchedSources(config),
    logger,
    now,
    hostedBy: hostingServerOf(config),
    extraRoutes: createWebRoutes({ config, stores, logger, now }),
  });
  // One leader polls and sends: the holder of a lease row on PostgreSQL, the owner of the file on SQLite.
  const coordination = createCoordination({ config, db: stores.db, outbox: stores.outbox, logger });
  if (config.REDIS_URL)
    logger.warn(
      'REDIS_URL is set but no longer used: several instances need only STORE_URL=postgres://... (they coordinate through the database); unset REDIS_URL',
    );
  const schedule = createSchedule(jobs, config, logger);
  const services = {
    snapshots: stores.snapshots,
    subscriptions: stores.subscriptions,
    health: stores.health,
    totals: stores.totals,
    delivery: coordination.status,
    sources: sourceSettingsOf(config, schedule.nextRun),
  };
  // A store of the former key-value layout is moved into the schema once, before anything opens the database
  // (the former SQLite layout is read with another SQLite library: the two never hold one file at once) and
  // before console mode writes its default subscription (the import fills only an empty schema).
  // PostgreSQL is asked first, so a server that does not answer is named as STORE_URL (a SQLite file is local).
  if (stores.db.dialect === 'postgres') await requireReachable('STORE_URL', stores.db);
  await migrateLegacyInstall(config, importTargetOf(stores), { logger });
  const platforms = await loadPlatforms(config, {
    services,
    stores,
    metrics: ops.metrics,
    routes: ops.hostedRoutes,
    logger,
    now,
    write: overrides.write,
  });
  const delivery = createDelivery({
    stores,
    platforms: platforms.list,
    owner: coordination.owner,
    logger,
    now,
    metrics: ops.metrics,
    sendTimeoutMs: overrides.sendTimeoutMs,
    claimMarginMs: overrides.claimMarginMs,
    noticeRetryDelaysMs: overrides.noticeRetryDelaysMs,
  });
  const pipelines = createPolls({
    config,
    stores,
    router: delivery.router,
    notifyOperators: delivery.notifyOperators,
    logger,
    now,
    metrics: ops.metrics,
  });
  const jobDeps: JobDeps = { logger, now, pipelines, delivery };
  const runner = createJobRunner({ jobs, config, deps: jobDeps, mayLead: coordination.mayLead });
  // Taking the lease over (another instance died) runs the leader's jobs at once: the polls and the outbox drain.
  // The new sender first frees the former one's claims, so what it claimed is sent now, not when the claims lapse.
  const lead = async (which?: 'leaders') => {
    await stores.outbox
      .releaseAllClaims()
      .then((n) => n && logger.info({ claims: n }, "a former sender's claims were freed: their alerts are sent now"))
      .catch((err: unknown) => logger.warn({ err }, "the former sender's claims could not be freed; they lapse by themselves"));
    runner.runStartJobs(which);
  };
  const role = { onGained: () => void lead('leaders') };
  let stopping: Promise<void> | null = null;

  return {
    jobDeps,
    runJob: runner.run,
    stores,
    instanceId: coordination.instanceId,
    coordination: { ...coordination, start: () => coordination.start(role) },
    /** The metrics registry and the health check behind /metrics and /healthz. */
    ops,
    async start() {
      // What the bot cannot run without is asked first: a store that does not answer fails the start with
      // the reason (and `ice-watch start` exits non-zero), never a bot that looks alive and does nothing.
      await requireReachable('STORE_URL', stores.db);
      // Before any listener: a second bot on one SQLite file is refused here (FileOwnedError).
      await coordination.start(role);
      await ops.start(await platforms.start());
      schedule.start(runner.run);
      logger.info({ store: stores.db.description, platforms: platforms.names, jobs: jobs.map((j) => j.name) }, 'ice-watch ready');
      if (await coordination.mayLead()) await lead();
      else runner.runStartJobs();
    },
    stop: () =>
      (stopping ??= (async () => {
        logger.info('stopping: no new jobs; waiting for running ones');
        // Each wait is bounded: a database or a platform that hangs delays the stop, never blocks it.
        await boundedStep(schedule.stop(), STOP_STEP_MS);
        await delivery.stop(STOP_SENDS_MS);
        await boundedStep(runner.idle(), STOP_STEP_MS);
        await coordination.stop();
        await boundedStep(platforms.stop(), STOP_STEP_MS);
        await boundedStep(ops.stop(), STOP_STEP_MS);
        await boundedStep(stores.close(), STOP_STEP_MS);
        logger.info('stopped');
      })()),
  };
}

/** How long stopping waits for in-flight sends (their outcomes recorded), and for each other step. */
const STOP_SENDS_MS = 10_000;
const STOP_STEP_MS = 5_000;
/** After SIGTERM, the process exits by this time whatever still hangs. */
const STOP_LIMIT_MS = 30_000;

/** Waits for `step`, at most `ms`; its failure is not the stop's. */
async function boundedStep(step: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([step.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
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
  installProcessGuards({ logger: started.jobDeps.logger, notifyOperators: started.jobDeps.delivery.notifyOperators });
  stopOnSignals(started.stop, started.jobDeps.logger);
  return { stop: started.stop };
}

/**
 * SIGINT/SIGTERM stop the bot and end the process: with code 0 once `stop` is done, or with
 * code 1 after STOP_LIMIT_MS whatever still hangs (a database that accepts and never answers).
 */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      setTimeout(() => {
        logger.error(`still stopping after ${STOP_LIMIT_MS / 1000} s; exiting anyway`);
        process.exit(1);
      }, STOP_LIMIT_MS).unref();
      void stop().then(() => process.exit(0));
    });
}
