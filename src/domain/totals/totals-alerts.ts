import type { FacilityEvent } from '../facilities/facility-events';
import type { StateFiguresChange } from '../facilities/state-figures';
import type { DailyReport } from './daily-counts';
import type { DetentionRelease, ReleaseComparison } from './totals';

/** A national totals alert, for `totals` subscriptions (SPEC sections 3 and 6). */
export type TotalsAlert =
  | {
      /** Stable per release: `detention:<as-of>:<file sha256>`. */
      id: string;
      kind: 'detention.released';
      release: DetentionRelease;
      /** Null for the first release ice-watch has seen (no comparison, never alerted). */
      comparison: ReleaseComparison | null;
      fileName: string;
      fetchedAt: string;
    }
  | {
      /** Stable per day: `daily:<date>`. */
      id: string;
      kind: 'daily.reported';
      report: DailyReport;
      fetchedAt: string;
    }
  | FacilityAlert;

/**
 * One state's facility changes in a detention release, for the channels that follow the state
 * with the `facilities` kind (issue 17): routed by state, unlike the national alerts above.
 */
export interface FacilityAlert {
  /** Stable per release and state: `facilities:<as-of>:<file sha256>:<state code>`. */
  id: string;
  kind: 'facilities.changed';
  stateCode: string;
  /** The state's name ("Texas"). */
  state: string;
  asOf: string;
  fiscalYear: number;
  events: FacilityEvent[];
  /** The state's figures in the previous release and this one. */
  figures: StateFiguresChange;
  fileName: string;
  fetchedAt: string;
}

const n = (x: number) => x.toLocaleString('en-US');
const signed = (x: number) => (x > 0 ? `+${n(x)}` : x < 0 ? `−${n(-x)}` : '±0');

/** "ICE detention statistics as of 2026-01-25: 70,766 detained (+1,776)" */
export function totalsAlertTitle(alert: TotalsAlert): string {
  if (alert.kind === 'facilities.changed') return facilityAlertTitle(alert);
  if (alert.kind === 'daily.reported') {
    const r = alert.report;
    return `ICE reported ${n(r.arrests)} arrests on ${r.date}${r.isRecordHigh ? ': a record high' : ''}`;
  }
  const d = alert.comparison?.detained.total;
  return `ICE detention statistics as of ${alert.release.asOf}: ${n(alert.release.detained.total)} detained${d ? ` (${signed(d.change)})` : ''}`;
}

export { signed as signedCount };

const plural = (x: number, one: string, many = `${one}s`) => `${n(x)} ${x === 1 ? one : many}`;

/**
 * "Texas detention: 2 new facilities, 1 no longer listed; ADP +12%": counts by kind of change,
 * then the state's ADP move when it passed the threshold.
 */
export function facilityAlertTitle(alert: FacilityAlert): string {
  const count = (pred: (e: FacilityEvent) => boolean) => alert.events.filter(pred).length;
  const parts = [
    [count((e) => e.type === 'facility.appeared' && !e.returned), 'new facility', 'new facilities'],
    [count((e) => e.type === 'facility.appeared' && e.returned), 'back on the list', 'back on the list'],
    [count((e) => e.type === 'facility.left'), 'no longer listed', 'no longer listed'],
    [count((e) => e.type === 'facility.renamed'), 'renamed', 'renamed'],
  ] as const;
  const words = parts.filter(([k]) => k > 0).map(([k, one, many]) => plural(k, one, many));
  const moved = alert.events.find((e) => e.type === 'state.adp-moved');
  const adp =
    moved && moved.type === 'state.adp-moved' ? `ADP ${moved.change > 0 ? '+' : '−'}${Math.abs(Math.round(moved.percent))}%` : null;
  return `${alert.state} detention: ${[words.join(', '), adp].filter(Boolean).join('; ')}`;
}
