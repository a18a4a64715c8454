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
    };

const n = (x: number) => x.toLocaleString('en-US');
const signed = (x: number) => (x > 0 ? `+${n(x)}` : x < 0 ? `−${n(-x)}` : '±0');

/** "ICE detention statistics as of 2026-01-25: 70,766 detained (+1,776)" */
export function totalsAlertTitle(alert: TotalsAlert): string {
  if (alert.kind === 'daily.reported') {
    const r = alert.report;
    return `ICE reported ${n(r.arrests)} arrests on ${r.date}${r.isRecordHigh ? ': a record high' : ''}`;
  }
  const d = alert.comparison?.detained.total;
  return `ICE detention statistics as of ${alert.release.asOf}: ${n(alert.release.detained.total)} detained${d ? ` (${signed(d.change)})` : ''}`;
}

export { signed as signedCount };
