import cron, { type ScheduledTask } from 'node-cron';
import type { Config } from '../src/config';
import type { Logger } from '../src/logging/logger';
import type { Job } from './job';

/** node-cron's logger port (its default writes coloured, non-JSON lines to the console). */
export interface CronLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error, err?: Error): void;
  debug(message: string | Error, err?: Error): void;
}

/**
 * node-cron's own messages ("missed execution at ...", "task still running, new execution
 * blocked by overlap prevention!") as JSON lines of our logger, with the job's name: a log
 * shipper or `jq` sees one format. Errors keep their stack under `err`.
 */
export function cronLoggerOf(logger: Logger): CronLogger {
  const log = (level: 'info' | 'warn' | 'error' | 'debug') => (message: string | Error, err?: Error) => {
    const error = err ?? (message instanceof Error ? message : undefined);
    const text = message instanceof Error ? message.message : message;
    if (error) logger[level]({ err: error }, `node-cron: ${text}`);
    else logger[level](`node-cron: ${text}`);
  };
  return { info: log('debug'), warn: log('warn'), error: log('error'), debug: log('debug') };
}

/**
 * Schedules every job with its cron expression, each with its own child logger for node-cron's
 * messages. `run` returns the run's promise: node-cron's noOverlap waits for it.
 */
export function scheduleJobs(jobs: readonly Job[], config: Config, run: (job: Job) => Promise<void>, logger: Logger): ScheduledTask[] {
  return jobs.map((job) =>
    cron.schedule(job.schedule(config), () => run(job), {
      name: job.name,
      noOverlap: true,
      logger: cronLoggerOf(logger.child({ job: job.name })),
    }),
  );
}

/**
 * The bot's schedule: built before anything runs (commands ask when a poll runs next), started
 * with the function that runs a job, stopped first when the bot stops.
 */
export function createSchedule(jobs: readonly Job[], config: Config, logger: Logger) {
  let tasks: ScheduledTask[] = [];
  return {
    /** When the named job runs next; null when it is not scheduled (before start, after stop). */
    nextRun: (name: string): Date | null => tasks.find((t) => t.name === name)?.getNextRun() ?? null,
    start(run: (job: Job) => Promise<void>): void {
      tasks = scheduleJobs(jobs, config, run, logger);
    },
    /** No new runs; a running one goes on (the runner waits for it). */
    async stop(): Promise<void> {
      await Promise.all(tasks.map((t) => t.stop()));
      tasks = [];
    },
  };
}
