import type { Job } from './job';

/** Polls ICE's 287(g) page (default every 15 minutes), tells operators what the guards decided, then sends the alerts it planned. */
export default {
  name: 'poll-287g',
  source: '287g',
  leader: true,
  runAtStart: true,
  schedule: (config) => config.POLL_287G_CRON,
  async run({ pipelines, delivery, logger }) {
    const results = await pipelines.poll287g();
    if (!results) return; // backing off after failures
    for (const r of results) await delivery.notifyOperators(r.notices);
    const sent = await delivery.drain();
    logger.info({ publications: results.length, alerts: results.reduce((n, r) => n + r.alerts.length, 0), deliveries: sent }, 'poll done');
  },
} satisfies Job;
