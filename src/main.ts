import cron, { type ScheduledTask } from 'node-cron';
import { jobs } from '../jobs';
import type { JobDeps } from '../jobs/job';
import { enabledPlatforms, type Config } from './config';
import { createLogger } from './logger';
import { createConsoleSender } from './platforms/console/console-sender';
import { createIngest287g } from './services/ingest-287g';
import { createPoll287g } from './services/poll-287g';
import { createKeyvFactory } from './store/keyv-factory';
import { createSnapshotStore } from './store/snapshot-store';

/**
 * Composition root: config -> logger -> stores -> services -> platforms -> jobs.
 * Runs until SIGINT/SIGTERM, then stops the jobs, lets a running poll finish and closes the store.
 */
export async function startBot(config: Config): Promise<{ stop: () => Promise<void> }> {
  const logger = createLogger(config.LOG_LEVEL);
  const keyv = createKeyvFactory(config.STORE_URL);
  const snapshots = createSnapshotStore(keyv);
  const guards = { massEndShare: config.MASS_END_SHARE, massEndMinRows: config.MASS_END_MIN_ROWS, confirmAfterMs: config.HOLD_CONFIRM_MINUTES * 60_000 };
  const ingest = createIngest287g({ snapshots, guards, logger });
  const poller = createPoll287g({
    pageUrl: config.ICE_287G_PAGE_URL,
    fetchOptions: { timeoutMs: config.FETCH_TIMEOUT_MS, maxBytes: config.FETCH_MAX_BYTES, ...(config.FETCH_USER_AGENT ? { userAgent: config.FETCH_USER_AGENT } : {}) },
    snapshots,
    ingest,
    logger,
  });
  const platforms = enabledPlatforms(config);
  if (platforms.length) logger.warn({ platforms }, 'platform credentials are set, but only console delivery is built so far; alerts go to the terminal');
  const sender = createConsoleSender();
  const deps: JobDeps = { logger, poll287g: () => poller.poll(), ...sender };

  const running = new Set<Promise<void>>();
  const runJob = (job: (typeof jobs)[number]) => {
    const log = logger.child({ job: job.name });
    const p = job.run({ ...deps, logger: log }).catch(async (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      log.error({ err }, `${job.name} failed; it runs again at its next scheduled time`);
      await sender.notifyOperators([
        { kind: 'rejected', text: `${job.name} failed: ${message}. The stored data still answers; next try at the next scheduled run (${job.schedule(config)}).` },
      ]);
    });
    running.add(p);
    void p.finally(() => running.delete(p));
    return p;
  };
  const tasks: ScheduledTask[] = jobs.map((job) => cron.schedule(job.schedule(config), () => runJob(job), { name: job.name, noOverlap: true }));
  logger.info({ store: keyv.description, mode: 'console', jobs: jobs.map((j) => j.name) }, 'ice-watch ready');
  void runJob(jobs[0]);

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('stopping: no new jobs; waiting for running ones');
      await Promise.all(tasks.map((t) => t.stop()));
      await Promise.all(running);
      await keyv.close();
      logger.info('stopped');
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop().then(() => process.exit(0)));
  return { stop };
}
