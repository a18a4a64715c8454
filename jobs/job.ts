import type { Config } from '../src/config';
import type { Delivery } from '../src/delivery/delivery';
import type { SourceId } from '../src/domain/source-health';
import type { Logger } from '../src/logging/logger';
import type { Polls } from '../src/pipelines/polls';

/** What a job may use: the pipelines and delivery themselves (src/main.ts builds them once). */
export interface JobDeps {
  logger: Logger;
  now: () => Date;
  /** The polls, each guarded by its source's health: what a poll found, or null while the source backs off. */
  pipelines: Polls;
  /** The outbox and its sending (`drain`: here, or through the shared queue), the router's digests, the operators. */
  delivery: Delivery;
}

/** A scheduled job: a name, its cron expression from config, and one run. */
export interface Job {
  name: string;
  schedule: (config: Config) => string;
  /** The source this job polls: /healthz judges the source overdue against this job's schedule. */
  source?: SourceId;
  /** Also run once when the bot starts (the polls: a restart should not wait for the next tick). */
  runAtStart?: boolean;
  /**
   * Runs only on the instance holding the poll lease when several share REDIS_URL (polls,
   * digests, housekeeping, handing the outbox to the shared queue); one instance: always.
   */
  leader?: boolean;
  run: (deps: JobDeps) => Promise<void>;
}
