import type { Config } from '../config';
import type { OperatorNotice } from '../domain/alerts/operator-notice';
import { SOURCE_NAMES } from '../domain/source-health';
import type { AlertRouter } from '../delivery/alert-router';
import type { Logger } from '../logging/logger';
import type { Metrics } from '../observability/metrics';
import type { HealthStore } from '../store/health-store';
import type { SnapshotStore } from '../store/snapshot-store';
import type { TotalsStore } from '../store/totals-store';
import { createGuardedPoll } from './guarded-poll';
import { createIngest287g } from './ingest-287g';
import { createPoll287g, partsOf287gPoll } from './poll-287g';
import { summarize287gPoll, summarizeTotalsPoll } from './poll-summary';
import { createPollTotals, failOnPartErrors } from './poll-totals';
import { DEFAULT_FACILITY_SETTINGS } from '../domain/facilities/facility-events';
import { fetchOptionsOf, guardSettingsOf, workbookLimitsOf } from './settings';

export interface PollsDeps {
  config: Config;
  stores: { snapshots: SnapshotStore; totals: TotalsStore; health: HealthStore };
  /** Plans each publication's alerts into the outbox (src/delivery). */
  router: Pick<AlertRouter, 'route' | 'routeTotals' | 'routeFacilities'>;
  notifyOperators: (notices: OperatorNotice[]) => Promise<void>;
  logger: Logger;
  now: () => Date;
  metrics?: Pick<Metrics, 'pollFinished' | 'sourceFailing'>;
}

/**
 * The bot's two polls, source -> domain -> store -> delivery, each guarded by its source's
 * health (back-off, failing and recovered notices): ICE's 287(g) page with its two lists, and
 * the enforcement totals (the detention statistics and the daily feed). Each returns what the
 * poll found, or null while its source backs off; the jobs decide what to do with it.
 */
export function createPolls(deps: PollsDeps) {
  const { config, stores, router, notifyOperators, logger, now, metrics } = deps;
  const fetchOptions = fetchOptionsOf(config, now);
  const parseLimits = workbookLimitsOf(config);
  const failingAfterMs = config.SOURCE_ALERT_AFTER_MINUTES * 60_000;
  const ingest = createIngest287g({
    snapshots: stores.snapshots,
    guards: guardSettingsOf(config),
    logger,
    now,
    parseLimits,
    route: async (alerts, at) => void (await router.route(alerts, at)),
  });
  const page287g = createPoll287g({ pageUrl: config.ICE_287G_PAGE_URL, fetchOptions, snapshots: stores.snapshots, ingest, logger });
  const totals = createPollTotals({
    detentionPageUrl: config.ICE_DETENTION_PAGE_URL,
    dailyUrl: config.DAILY_TOTALS_URL,
    parseLimits,
    fetchOptions,
    totals: stores.totals,
    logger,
    now,
    route: async (alerts, at) => void (await router.routeTotals(alerts, at)),
    routeFacilities: async (alerts, at) => void (await router.routeFacilities(alerts, at)),
    facilitySettings: { ...DEFAULT_FACILITY_SETTINGS, adpChangePercent: config.FACILITY_ADP_ALERT_PERCENT },
  });
  const guarded = { health: stores.health, notifyOperators, logger, now, metrics, failingAfterMs };
  return {
    poll287g: createGuardedPoll({
      ...guarded,
      source: '287g',
      name: SOURCE_NAMES['287g'],
      poll: () => page287g.poll(),
      summarize: summarize287gPoll,
      partsOf: partsOf287gPoll,
    }),
    pollTotals: createGuardedPoll({
      ...guarded,
      source: 'totals',
      name: SOURCE_NAMES.totals,
      summarize: summarizeTotalsPoll,
      partsOf: (result) => result.parts ?? [],
      poll: async () => failOnPartErrors(await totals.poll(), notifyOperators),
    }),
  };
}

export type Polls = ReturnType<typeof createPolls>;
