import type { Config } from '../src/config';
import type { Logger } from '../src/logger';
import type { StateAlert } from '../src/domain/alerts';
import type { OperatorNotice } from '../src/domain/guards';
import type { IngestResult } from '../src/services/ingest-287g';

/** What a job may use; wired once in src/main.ts. */
export interface JobDeps {
  logger: Logger;
  poll287g: () => Promise<IngestResult[]>;
  /** Hands alerts to delivery (the console in console mode). */
  deliverAlerts: (alerts: StateAlert[]) => Promise<void>;
  notifyOperators: (notices: OperatorNotice[]) => Promise<void>;
}

/** A scheduled job: a name, its cron expression from config, and one run. */
export interface Job {
  name: string;
  schedule: (config: Config) => string;
  run: (deps: JobDeps) => Promise<void>;
}
