import type { Job } from './job';

/** Polls ICE's 287(g) page (default every 15 minutes), then sends the alerts it planned. */
export default {
  name: 'poll-287g',
  leader: true,
  runAtStart: true,
  schedule: (config) => config.POLL_287G_CRON,
  async run({ poll287g, drainOutbox, notifyOperators, logger }) {
    const results = await poll287g();
    if (!results) return; // backing off after failures
    for (const r of results) await notifyOperators(r.notices);
    const sent = await drainOutbox();
    logger.info({ publications: results.length, alerts: results.reduce((n, r) => n + r.alerts.length, 0), deliveries: sent }, 'poll done');
  },
} satisfies Job;
