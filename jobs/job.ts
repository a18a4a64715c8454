import type { Config } from '../src/config';
import type { Logger } from '../src/logging/logger';
import type { OperatorNotice } from '../src/domain/agreements/guards';
import type { IngestResult } from '../src/pipelines/ingest-287g';
import type { TotalsPollResult } from '../src/pipelines/poll-totals';

/** What a job may use; wired once in src/main.ts. */
export interface JobDeps {
  logger: Logger;
  /** One poll of the 287(g) page (null while it backs off after failures); alerts are planned into the outbox as part of it. */
  poll287g: () => Promise<IngestResult[] | null>;
  /** One poll of the enforcement totals (null while it backs off after failures). */
  pollTotals: () => Promise<TotalsPollResult | null>;
  /** Sends what the outbox holds that is due. */
  drainOutbox: () => Promise<number>;
  /** Queues the digests whose period is over. */
  flushDigests: () => Promise<number>;
  /** Forgets finished outbox entries past their retention; returns how many. */
  pruneOutbox: () => Promise<number>;
  notifyOperators: (notices: OperatorNotice[]) => Promise<void>;
}

/** A scheduled job: a name, its cron expression from config, and one run. */
export interface Job {
  name: string;
  schedule: (config: Config) => string;
  /** Also run once when the bot starts (the polls: a restart should not wait for the next tick). */
  runAtStart?: boolean;
  /**
   * Runs only on the instance holding the poll lease when several share REDIS_URL (polls,
   * digests, housekeeping, handing the outbox to the shared queue); one instance: always.
   */
  leader?: boolean;
  run: (deps: JobDeps) => Promise<void>;
}
