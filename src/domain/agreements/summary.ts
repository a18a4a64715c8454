import { MODELS, type Agreement, type Model } from '../types';

export type ModelCounts = Record<Model, number> & { other: number };

/** Counts rows by model; models ICE misspelled beyond recognition count as `other`. */
export function countByModel(rows: Iterable<Agreement>): ModelCounts {
  const counts: ModelCounts = { JEM: 0, TFM: 0, WSO: 0, other: 0 };
  for (const r of rows) {
    if ((MODELS as readonly string[]).includes(r.model)) counts[r.model as Model]++;
    else counts.other++;
  }
  return counts;
}

export interface StateFilter {
  model?: Model;
  /** Only agreements signed on or after this date (YYYY-MM-DD). */
  since?: string;
  /** Only agreements in this county (case and "County" suffix ignored). */
  county?: string;
}

/** Folds a county for comparison: "Harris County", "HARRIS", "harris county " are one. */
export function countyKey(county: string): string {
  return county
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/\b(county|parish|borough)\b/g, '')
    .trim();
}

/** The rows matching the filter (model, since, county), in any state, in their order. */
export function filterAgreements(rows: readonly Agreement[], filter: StateFilter = {}): readonly Agreement[] {
  const county = filter.county ? countyKey(filter.county) : null;
  if (!filter.model && !filter.since && !county) return rows;
  return rows.filter(
    (r) =>
      (!filter.model || r.model === filter.model) &&
      (!filter.since || (r.signed !== null && r.signed >= filter.since)) &&
      (!county || (r.county !== null && countyKey(r.county) === county)),
  );
}

/** The rows of one state (by USPS code) matching the filter, newest signing first. */
export function agreementsInState(rows: readonly Agreement[], stateCode: string, filter: StateFilter = {}): Agreement[] {
  return filterAgreements(
    rows.filter((r) => r.stateCode === stateCode),
    filter,
  )
    .slice()
    .sort(compareNewestFirst);
}

export function compareNewestFirst(a: Agreement, b: Agreement): number {
  const sa = a.signed ?? '';
  const sb = b.signed ?? '';
  if (sa !== sb) return sa < sb ? 1 : -1;
  return a.agency.localeCompare(b.agency);
}
