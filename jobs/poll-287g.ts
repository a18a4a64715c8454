import type { Job } from './job';

/** Polls ICE's 287(g) page and delivers what changed (default every 15 minutes). */
export default {
  name: 'poll-287g',
  schedule: (config) => config.POLL_287G_CRON,
  async run({ poll287g, deliverAlerts, notifyOperators, logger }) {
    const results = await poll287g();
    for (const r of results) {
      await notifyOperators(r.notices);
      await deliverAlerts(r.alerts);
    }
    logger.info({ publications: results.length, alerts: results.reduce((n, r) => n + r.alerts.length, 0) }, 'poll done');
  },
} satisfies Job;
