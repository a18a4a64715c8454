import type { Job } from './job';

/** Polls ICE's detention statistics and the daily feed (default hourly at :07), then sends what they planned. */
export default {
  name: 'poll-totals',
  leader: true,
  runAtStart: true,
  schedule: (config) => config.POLL_TOTALS_CRON,
  async run({ pollTotals, drainOutbox, notifyOperators, logger }) {
    const result = await pollTotals();
    if (!result) return; // backing off after failures
    await notifyOperators(result.notices);
    await drainOutbox();
    logger.info({ alerts: result.alerts.length }, 'totals poll done');
  },
} satisfies Job;
