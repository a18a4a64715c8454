import type { Job } from './job';

/** Polls ICE's detention statistics and the daily feed (default hourly at :07), tells operators what it found, then sends what it planned. */
export default {
  name: 'poll-totals',
  source: 'totals',
  leader: true,
  runAtStart: true,
  schedule: (config) => config.POLL_TOTALS_CRON,
  async run({ pipelines, delivery, logger }) {
    const result = await pipelines.pollTotals();
    if (!result) return; // backing off after failures
    await delivery.notifyOperators(result.notices);
    await delivery.drain();
    logger.info({ alerts: result.alerts.length }, 'totals poll done');
  },
} satisfies Job;
