import { plural } from '../domain/text';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeDailyReport, mergeDailyHistory, type DailyCount } from '../domain/totals/daily-counts';
import { parseDailyFeed } from '../sources/daily-feed';
import type { OperatorNotice } from '../domain/agreements/guards';
import type { PartObservation } from '../domain/source-health';
import { compareReleases, type DetentionRelease } from '../domain/totals/totals';
import type { FacilityAlert, TotalsAlert } from '../domain/totals/totals-alerts';
import { DEFAULT_FACILITY_SETTINGS, detectFacilityChanges, type FacilitySettings } from '../domain/facilities/facility-events';
import { stateByCode } from '../domain/states';
import type { Logger } from '../logging/logger';
import { discoverDetentionLink } from '../sources/discover-links';
import { parseDetentionWorkbook } from '../sources/detention-workbook';
import { WorkbookFormatError, WorkbookSchemaError, type WorkbookLimits } from '../sources/errors';
import { fetchFile, fetchPageIfChanged, fetchWorkbook, type FetchOptions } from '../sources/fetch-file';
import type { StoredRelease, TotalsStore } from '../store/totals-store';
import type { FileMeta } from '../domain/types';
import { SourceLayoutError } from './poll-287g';

/** The daily counts ICE posted in January 2025, shipped so records and averages have context. */
export function shippedDailyHistory(): DailyCount[] {
  const text = readFileSync(join(__dirname, '..', 'sources', 'seed', 'ice-x-daily-arrests-2025-01.csv'), 'utf8');
  return parseDailyFeed(text, { today: '2025-02-01' }).days;
}

export interface PollTotalsDeps {
  detentionPageUrl: string;
  dailyUrl: string | undefined;
  fetchOptions: Omit<FetchOptions, 'etag' | 'lastModified'>;
  totals: TotalsStore;
  logger: Logger;
  /** Parse caps (defaults: DEFAULT_WORKBOOK_LIMITS). */
  parseLimits?: WorkbookLimits;
  now?: () => Date;
  /** Plans and stores the deliveries of totals alerts; runs before the new totals are stored. */
  route: (alerts: TotalsAlert[], at: Date) => Promise<void>;
  /**
   * Plans the deliveries of facility alerts to the channels following each alert's state with
   * the `facilities` kind (not to every totals channel); runs before the release is stored.
   * Absent: facility changes are computed and returned, but alert no one.
   */
  routeFacilities?: (alerts: FacilityAlert[], at: Date) => Promise<void>;
  /** When a state's ADP move is news (default: DEFAULT_FACILITY_SETTINGS; FACILITY_ADP_ALERT_PERCENT). */
  facilitySettings?: FacilitySettings;
}

export interface TotalsPollResult {
  alerts: TotalsAlert[];
  /** Each state's facility changes in a new release (routed by state, with `routeFacilities`). */
  facilityAlerts?: FacilityAlert[];
  notices: OperatorNotice[];
  /** What the poll saw of the detention workbook, for the source's health: refused (why) or good. */
  parts?: PartObservation[];
  /**
   * The files taken in, for the poll's log line and metrics: a new release or day (`accepted`),
   * a first one (`baseline`). Refused and republished files are in the notices instead.
   */
  files?: TotalsFile[];
}

/** One file a totals poll took in (the daily feed has no file name of its own). */
export interface TotalsFile {
  list: 'detention' | 'daily';
  file: string | null;
  verdict: 'baseline' | 'accepted';
}

/** The part of the totals source a refused detention workbook marks as failing, and its episode's subject. */
export const DETENTION_WORKBOOK = 'detention statistics workbook';

/**
 * One poll of the enforcement totals: the newest detention-statistics workbook on ICE's
 * detention-management page, and the optional daily feed. The first release (and the first
 * feed) is a baseline; a republished release (same numbers under a new name) alerts no one;
 * a new release gives `detention.released` with its changes, a new day `daily.reported`.
 */
export function createPollTotals(deps: PollTotalsDeps) {
  const now = deps.now ?? (() => new Date());
  const { totals } = deps;

  /** The workbook the detention page links now: the page is read with a conditional GET, and a 304 reuses the link it gave last. */
  async function detentionLink(releases: readonly unknown[]): Promise<string> {
    const url = deps.detentionPageUrl;
    const last = await totals.lastFetch('detention-page');
    const known = last?.url === url && last.link !== undefined;
    const page = await fetchPageIfChanged(url, {
      ...deps.fetchOptions,
      ...(known ? { etag: last.etag, lastModified: last.lastModified } : {}),
    });
    let link: string | null;
    if (page.status === 'not-modified') link = last!.link ?? null;
    else {
      link = discoverDetentionLink(page.html, page.url);
      await totals.setLastFetch('detention-page', { url, etag: page.etag, lastModified: page.lastModified, link });
    }
    // "No longer" only when a workbook was once found there; on a first poll the page may not be the right one.
    if (!link)
      throw new SourceLayoutError(
        releases.length
          ? `${url} no longer links a detentionStats workbook`
          : `${url} links no detentionStats workbook (is ICE_DETENTION_PAGE_URL ICE's detention-management page, or a mirror of it?)`,
      );
    return link;
  }

  async function pollDetention(at: Date): Promise<TotalsPollResult> {
    const releases = await totals.releases();
    const link = await detentionLink(releases);
    const last = await totals.lastFetch('detention-workbook');
    const validators = last?.url === link ? { etag: last.etag, lastModified: last.lastModified } : {};
    const fetched = await fetchWorkbook(link, { ...deps.fetchOptions, ...validators });
    if (fetched.status !== 'fetched') return { alerts: [], notices: [] };
    const result = await judgeDetention(fetched.bytes, fetched.meta, releases, at);
    // Remembered once judged (kept, refused or rejected): the same file is not downloaded again.
    await totals.setLastFetch('detention-workbook', { url: link, etag: fetched.meta.etag, lastModified: fetched.meta.lastModified });
    return result;
  }

  async function judgeDetention(bytes: Buffer, meta: FileMeta, releases: StoredRelease[], at: Date): Promise<TotalsPollResult> {
    if (releases.some((r) => r.sha256 === meta.sha256) || (await totals.seen(meta.sha256))) return { alerts: [], notices: [] };
    let release: DetentionRelease;
    try {
      release = await parseDetentionWorkbook(bytes, deps.parseLimits);
    } catch (err) {
      if (!(err instanceof WorkbookFormatError || err instanceof WorkbookSchemaError)) throw err;
      await totals.markSeen(meta.sha256);
      // Failing until a good workbook comes: /healthz and /metrics say so, and operators hear it once.
      return {
        alerts: [],
        notices: [{ kind: 'workbook-unreadable', subject: DETENTION_WORKBOOK, text: `${meta.fileName} rejected: ${err.message}` }],
        parts: [{ subject: DETENTION_WORKBOOK, rejectedReason: err.message }],
      };
    }
    const good: PartObservation[] = [{ subject: DETENTION_WORKBOOK, rejectedReason: null }];
    // The headline numbers are kept; operators hear why the per-state figures are missing.
    const refusedList: OperatorNotice[] = release.facilitiesRefused
      ? [{ kind: 'feed-warning', text: `${meta.fileName}: facility list refused, no per-state figures: ${release.facilitiesRefused}` }]
      : [];
    const stored = { release, fileName: meta.fileName, sha256: meta.sha256, url: meta.url, fetchedAt: meta.fetchedAt };
    const last = releases.at(-1);
    if (!last) {
      await totals.addRelease(stored);
      return {
        alerts: [],
        parts: good,
        files: [{ list: 'detention', file: meta.fileName, verdict: 'baseline' }],
        notices: [
          ...refusedList,
          {
            kind: 'baseline',
            text: `detention baseline: ${meta.fileName}, as of ${release.asOf}, ${release.detained.total.toLocaleString('en-US')} detained`,
          },
        ],
      };
    }
    const comparison = compareReleases(last.release, release);
    if (comparison.republished || comparison.days < 0) {
      await totals.markSeen(meta.sha256);
      const why = comparison.republished
        ? `republishes the numbers of ${last.fileName} (${comparison.republished})`
        : `describes an earlier day (${release.asOf}) than ${last.fileName} (${last.release.asOf})`;
      // A readable workbook: ICE republishing is no fault of the source, so it ends a refusal episode too.
      return { alerts: [], notices: [{ kind: 'revised', text: `${meta.fileName} ${why}: nothing alerted` }], parts: good };
    }
    const alert: TotalsAlert = {
      id: `detention:${release.asOf}:${meta.sha256.slice(0, 16)}`,
      kind: 'detention.released',
      release,
      comparison,
      fileName: meta.fileName,
      fetchedAt: meta.fetchedAt,
    };
    const facilityAlerts = facilityAlertsOf(
      releases.map((r) => r.release),
      release,
      meta,
      deps.facilitySettings ?? DEFAULT_FACILITY_SETTINGS,
    );
    await deps.route([alert], at);
    if (facilityAlerts.length && deps.routeFacilities) await deps.routeFacilities(facilityAlerts, at);
    await totals.addRelease(stored);
    return {
      alerts: [alert],
      facilityAlerts,
      notices: refusedList,
      parts: good,
      files: [{ list: 'detention', file: meta.fileName, verdict: 'accepted' }],
    };
  }

  async function pollDaily(at: Date): Promise<TotalsPollResult> {
    if (!deps.dailyUrl) return { alerts: [], notices: [] };
    const fetched = await fetchFile(deps.dailyUrl, deps.fetchOptions);
    if (fetched.status !== 'fetched') return { alerts: [], notices: [] };
    const parsed = parseDailyFeed(fetched.bytes.toString('utf8'), { today: at.toISOString().slice(0, 10) });
    const notices: OperatorNotice[] = parsed.warnings.map((w) => ({ kind: 'feed-warning' as const, text: `daily feed: ${w}` }));
    const stored = await totals.daily();
    const first = stored.length === 0;
    const merge = mergeDailyHistory(first ? shippedDailyHistory() : stored, parsed.days);
    if (first) {
      await totals.setDaily(merge.days);
      return {
        alerts: [],
        notices: [...notices, { kind: 'baseline', text: `daily feed baseline: ${plural(parsed.days.length, 'day')}` }],
        files: [{ list: 'daily', file: null, verdict: 'baseline' }],
      };
    }
    const alerts: TotalsAlert[] = merge.newDays
      .map((d) => describeDailyReport(merge.days, d.date))
      .filter((r): r is NonNullable<typeof r> => r !== null)
      .map((report) => ({ id: `daily:${report.date}`, kind: 'daily.reported' as const, report, fetchedAt: fetched.meta.fetchedAt }));
    for (const r of merge.revised)
      notices.push({ kind: 'revised', text: `daily feed revised ${r.date}: ${JSON.stringify(r.before)} -> ${JSON.stringify(r.after)}` });
    if (alerts.length) await deps.route(alerts, at);
    await totals.setDaily(merge.days);
    return { alerts, notices, files: alerts.length ? [{ list: 'daily', file: null, verdict: 'accepted' }] : [] };
  }

  return {
    /** Each source fails alone: a failing daily feed does not stop the detention release, and the reverse. */
    async poll(): Promise<TotalsPollResult & { errors: string[]; causes: unknown[] }> {
      const at = now();
      const out: TotalsPollResult & { errors: string[]; causes: unknown[] } = { alerts: [], notices: [], errors: [], causes: [] };
      for (const [name, run] of [
        ['detention statistics', pollDetention],
        ['daily feed', pollDaily],
      ] as const) {
        try {
          const r = await run(at);
          out.alerts.push(...r.alerts);
          if (r.facilityAlerts?.length) (out.facilityAlerts ??= []).push(...r.facilityAlerts);
          out.notices.push(...r.notices);
          if (r.parts) (out.parts ??= []).push(...r.parts);
          if (r.files) (out.files ??= []).push(...r.files);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          // The poll's one warn line (its guarded poll's "poll failed") carries the message; the stack is for debugging.
          deps.logger.debug({ source: name, err }, 'totals source failed');
          out.errors.push(`${name}: ${message}`);
          out.causes.push(err);
        }
      }
      return out;
    },
  };
}

/** One alert per state whose facilities changed in `release` (none for the first release with a facility list). */
export function facilityAlertsOf(
  history: readonly DetentionRelease[],
  release: DetentionRelease,
  meta: Pick<FileMeta, 'fileName' | 'sha256' | 'fetchedAt'>,
  settings: FacilitySettings,
): FacilityAlert[] {
  return detectFacilityChanges(history, release, settings).map((change) => ({
    id: `facilities:${release.asOf}:${meta.sha256.slice(0, 16)}:${change.stateCode}`,
    kind: 'facilities.changed' as const,
    stateCode: change.stateCode,
    state: stateByCode(change.stateCode)?.name ?? change.stateCode,
    asOf: release.asOf,
    fiscalYear: release.fiscalYear,
    events: change.events,
    figures: change.figures,
    fileName: meta.fileName,
    fetchedAt: meta.fetchedAt,
  }));
}

/**
 * The totals poll as the bot runs it: a poll in which a part failed (the daily feed down while
 * the detention page answered) first tells operators what did work, then fails with every
 * part's error, so that the failure counts toward the source's back-off and failing notice.
 */
export async function failOnPartErrors(
  result: TotalsPollResult & { errors: string[]; causes: unknown[] },
  notifyOperators: (notices: OperatorNotice[]) => Promise<void>,
): Promise<TotalsPollResult> {
  if (!result.errors.length) return result;
  await notifyOperators(result.notices);
  throw new AggregateError(result.causes, result.errors.join('; '));
}
