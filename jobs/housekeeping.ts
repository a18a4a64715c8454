import type { Job } from './job';

/** Daily: forgets outbox entries that were sent, paused or given up on more than two weeks ago. */
export default {
  name: 'housekeeping',
  leader: true,
  schedule: () => '17 3 * * *',
  async run({ pruneOutbox, logger }) {
    const pruned = await pruneOutbox();
    logger.info({ pruned }, 'old outbox entries pruned');
  },
} satisfies Job;
