import { filterNote, type NationalSummary, type StateSummary } from '../agreements/state-summary';
import { buildStateMap, buildStateTrend, type ChartSpec, type EndedAgreement } from './chart-series';
import type { FileMeta } from '../types';

/** What the chart needs of the store's ledger entry of one agreement (identity → entry). */
export interface LedgerFacts {
  stateCode: string | null;
  model: string;
  signed: string | null;
  firstSeen: string;
  endedAt: string | null;
}

/**
 * The picture of an `/agreements` answer: the national map for `all`, else the state's
 * agreements over time by model, from the current list and the agreements the ledger saw
 * end, filtered as the list is (the ledger knows no county, so an answer for one county
 * charts its current list only). Without a ledger (a file read from disk), signed dates alone.
 */
export function buildAgreementsChart(
  s: StateSummary | NationalSummary,
  meta: Pick<FileMeta, 'fetchedAt' | 'fileName'>,
  ledger: Readonly<Record<string, LedgerFacts>> = {},
): ChartSpec {
  const base = { asOf: meta.fetchedAt, source: `ICE participating list, ${meta.fileName}` };
  if ('states' in s) return buildStateMap({ ...base, title: `Active 287(g) agreements by state${filterNote(s)}` }, s);
  const ended: EndedAgreement[] = [];
  const firstSeen = new Map<string, string>();
  for (const [identity, e] of Object.entries(ledger)) {
    if (e.stateCode !== s.stateCode) continue;
    if (!e.endedAt) firstSeen.set(identity, e.firstSeen);
    else if (
      !s.filter.county &&
      (!s.filter.model || e.model === s.filter.model) &&
      (!s.filter.since || (e.signed ?? '') >= s.filter.since)
    ) {
      ended.push({ model: e.model, signed: e.signed, firstSeen: e.firstSeen, endedAt: e.endedAt });
    }
  }
  return buildStateTrend(
    { ...base, title: `${s.state}: active 287(g) agreements by model${filterNote(s)}`, state: s.state },
    s.agreements,
    ended,
    firstSeen,
  );
}
