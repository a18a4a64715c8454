import type { Job } from './job';

/** Every hour, queues the daily and weekly digests whose period is over (UTC), then sends them. */
export default {
  name: 'send-digests',
  leader: true,
  schedule: () => '5 * * * *',
  async run({ delivery, now, logger }) {
    const queued = await delivery.router.flushDigests(now());
    if (queued) logger.info({ digests: queued }, 'digests queued');
    await delivery.drain();
  },
} satisfies Job;
