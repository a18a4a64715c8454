import deliverOutbox from './deliver-outbox';
import housekeeping from './housekeeping';
import type { Job } from './job';
import poll287g from './poll-287g';
import pollTotals from './poll-totals';
import sendDigests from './send-digests';

/** Every scheduled job, explicitly (nothing scans folders). */
export const jobs: Job[] = [poll287g, pollTotals, deliverOutbox, sendDigests, housekeeping];
