import type { Config } from '../src/config';
import type { WatchedSource } from '../src/observability/health';
import deliverOutbox from './deliver-outbox';
import housekeeping from './housekeeping';
import type { Job } from './job';
import poll287g from './poll-287g';
import pollTotals from './poll-totals';
import sendDigests from './send-digests';

/** Every scheduled job, explicitly (nothing scans folders). */
export const jobs: Job[] = [poll287g, pollTotals, deliverOutbox, sendDigests, housekeeping];

/** The polled sources as /healthz watches them: each with the schedule of the job that polls it. */
export function watchedSources(config: Config, from: readonly Job[] = jobs): WatchedSource[] {
  return from.flatMap((job) => (job.source ? [{ id: job.source, schedule: job.schedule(config) }] : []));
}
