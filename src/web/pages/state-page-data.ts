/**
 * What a state page shows, read from the stores and computed by the functions the chat replies use:
 * summarizeAgreements (`/agreements`), buildAgreementsChart and altTextOf (its picture),
 * viewStateDetention and the /facilities wording (the detention figures). Nothing here counts on its own.
 */
import { createHash } from 'node:crypto';
import { summarizeAgreements, type StateSummary } from '../../domain/agreements/state-summary';
import { activeAgreements } from '../../domain/agreements/identity';
import { countyKey, type StateFilter } from '../../domain/agreements/summary';
import { buildAgreementsChart } from '../../domain/charts/agreements-chart';
import { ledgerOfState } from '../../store/ledger-of-state';
import type { ChartSpec } from '../../domain/charts/chart-series';
import { viewStateDetention } from '../../domain/facilities/state-view';
import type { StateInfo } from '../../domain/states';
import type { Snapshot } from '../../domain/types';
import { altTextOf } from '../../charts/render-chart';
import { ADP_NOTE } from '../../messages/facilities-message';
import { dataDate, sourceFooter } from '../../messages/format';
import { facilityListLine, stateDetentionFields, stateDetentionTitle } from '../../messages/state-detention-message';
import type { SnapshotStore } from '../../store/snapshot-store';
import type { StoredRelease, TotalsStore } from '../../store/totals-store';
import { filterQuery } from './page-filter';
import type { PageDetention, PageEvent, StatePageModel } from './state-page';

/** The latest published events of a state, newest first (the event log; connected by the composition root). */
export type LatestEvents = (stateCode: string, limit: number) => Promise<PageEvent[]>;

/** The stores a state page reads. */
export interface StatePageReads {
  snapshots: SnapshotStore;
  totals?: TotalsStore;
  latestEvents?: LatestEvents;
}

/** A state's detention figures for its page, and the release they come from (for the ETag). */
export type StateDetention = { page: PageDetention; sha256: string } | null;
export type DetentionReads = (state: StateInfo) => Promise<StateDetention>;

/** How many events a page lists. */
export const PAGE_EVENTS = 10;

/** No 287(g) list has been fetched yet: the page has nothing to show (503 until the first poll). */
export class NothingStoredYetError extends Error {
  override name = 'NothingStoredYetError';
}

/** A page's model and what makes it change, for conditional GETs. */
export interface LoadedStatePage {
  model: StatePageModel;
  /** A strong validator of everything the page shows. */
  etag: string;
  /** When the participating list shown was fetched. */
  lastModified: Date;
}

export interface StateAgreements {
  list: Snapshot;
  pendingHash: string | null;
  summary: StateSummary;
  chart: ChartSpec;
  /** The counties of the state's active agreements, for the filter (sorted). */
  counties: string[];
  /** The county filter names no county of the state's agreements. */
  countyUnknown: boolean;
  /** The chart has something to draw (a trend with an agreement on it), so the page shows it and its route draws it. */
  drawn: boolean;
}

/** The state's summary and chart, from the stored list; throws NothingStoredYetError before the first poll. */
export async function readStateAgreements(snapshots: SnapshotStore, state: StateInfo, filter: StateFilter): Promise<StateAgreements> {
  const stored = await snapshots.getState('participating');
  if (!stored) throw new NothingStoredYetError('No 287(g) list has been fetched yet.');
  const pending = await snapshots.getState('pending');
  const summary = summarizeAgreements(stored.view.rows, pending?.view.rows ?? null, state, filter) as StateSummary;
  const ledger = await ledgerOfState(snapshots, stored.view.contentHash, state.code);
  const chart = buildAgreementsChart(summary, { fileName: stored.view.meta.fileName, fetchedAt: dataDate(stored.view.meta) }, ledger);
  const counties = countiesOf(stored.view, state.code);
  const wanted = filter.county ? countyKey(filter.county) : null;
  const countyUnknown = wanted !== null && !counties.some((c) => countyKey(c) === wanted);
  const drawn = !countyUnknown && chart.kind === 'state-trend' && chart.points.some((p) => p.total > 0);
  return { list: stored.view, pendingHash: pending?.view.contentHash ?? null, summary, chart, counties, countyUnknown, drawn };
}

/** Where a page's links start: '' at the server's root, or PUBLIC_URL's path (`/ice-watch`) under a sub-path. */
export async function loadStatePage(
  reads: StatePageReads & { detention: DetentionReads | null },
  base: string,
  state: StateInfo,
  slug: string,
  filter: StateFilter,
  onEventsFailed: (err: unknown) => void,
): Promise<LoadedStatePage> {
  const { list, pendingHash, summary, chart, counties, countyUnknown, drawn } = await readStateAgreements(reads.snapshots, state, filter);
  const [detention, events] = await Promise.all([
    reads.detention ? reads.detention(state) : null,
    reads.latestEvents
      ? reads.latestEvents(state.code, PAGE_EVENTS).catch((err: unknown): 'unavailable' => {
          onEventsFailed(err);
          return 'unavailable';
        })
      : null,
  ]);
  const query = filterQuery(filter);
  const model: StatePageModel = {
    state,
    slug,
    summary,
    counties,
    base,
    countyUnknown,
    chart: drawn ? { src: `${base}/states/${slug}/chart.png${query}`, alt: altTextOf(chart) } : null,
    source: sourceFooter(list.meta, { list: 'participating list' }),
    detention: detention?.page ?? null,
    events,
    feeds: { atom: `${base}/feeds/${slug}.atom`, json: `${base}/feeds/${slug}.json` },
  };
  const etag = `"${createHash('sha256')
    .update(
      JSON.stringify([
        list.contentHash,
        pendingHash,
        detention?.sha256 ?? null,
        Array.isArray(events) ? events.map((e) => e.id) : events,
        base,
        slug,
        query,
      ]),
    )
    .digest('base64url')
    .slice(0, 27)}"`;
  return { model, etag, lastModified: new Date(list.meta.fetchedAt) };
}

/** The counties of the state's active agreements, as ICE writes them, once each (by countyKey), sorted. */
function countiesOf(list: Snapshot, stateCode: string): string[] {
  const byKey = new Map<string, string>();
  for (const r of activeAgreements(list.rows)) if (r.stateCode === stateCode && r.county) byKey.set(countyKey(r.county), r.county);
  return [...byKey.values()].sort((a, b) => a.localeCompare(b));
}

/**
 * The detention figures of each state, read once per release: each stored release carries its whole facility
 * table, parsed on every read, so the views are kept until a newer release is stored (its sha changes, one
 * small read): a page does not read the releases at all while nothing new came.
 */
export function createDetentionReads(totals: TotalsStore): DetentionReads {
  let memo: { sha: string | null; byState: Map<string, StateDetention>; releases: Promise<StoredRelease[]> } | null = null;
  return async (state) => {
    const sha = await totals.newestReleaseSha();
    if (memo?.sha !== sha) {
      const read = totals.releases();
      memo = { sha, byState: new Map(), releases: read };
      // A read that failed is not kept: the next page reads again.
      read.catch(() => {
        if (memo?.releases === read) memo = null;
      });
    }
    const { byState, releases: all } = memo;
    const known = byState.get(state.code);
    if (known !== undefined) return known;
    const figures = detentionOf(await all, state);
    byState.set(state.code, figures);
    return figures;
  };
}

function detentionOf(releases: StoredRelease[], state: StateInfo): StateDetention {
  const view = viewStateDetention(
    releases.map((r) => ({ ...r.release, stored: r })),
    state.code,
  );
  if (!view) return null;
  return {
    sha256: view.latest.stored.sha256,
    page: {
      title: stateDetentionTitle(state.name, view),
      fields: stateDetentionFields(view),
      facilities: view.facilities.map(facilityListLine),
      note: ADP_NOTE,
      source: sourceFooter(view.latest.stored, { list: 'detention statistics' }),
    },
  };
}
