import type { Job } from './job';

/** Finished outbox entries are kept two weeks: long past any resend they could dedupe. */
export const OUTBOX_RETENTION_MS = 14 * 24 * 3_600_000;

/** Daily: forgets outbox entries that were sent, paused or given up on more than two weeks ago. */
export default {
  name: 'housekeeping',
  leader: true,
  schedule: () => '17 3 * * *',
  async run({ delivery, now, logger }) {
    const pruned = await delivery.outbox.prune(new Date(now().getTime() - OUTBOX_RETENTION_MS));
    logger.info({ pruned }, 'old outbox entries pruned');
  },
} satisfies Job;
