import { countByState } from './diff';
import { activeAgreements } from './identity';
import type { StateInfo } from '../states';
import { agreementsInState, countByModel, filterAgreements, type ModelCounts, type StateFilter } from './summary';
import type { Agreement } from '../types';

export interface StateSummary {
  state: string;
  stateCode: string | null;
  total: number;
  byModel: ModelCounts;
  /** Pending requests in the state, when the pending list is known. */
  pending: number | null;
  filter: StateFilter;
  /** Active agreements by month signed (YYYY-MM), from 2025-01 on: the trend of signings. */
  signedByMonth: Record<string, number>;
  agreements: Agreement[];
}

export interface NationalSummary {
  state: 'all';
  stateCode: null;
  total: number;
  byModel: ModelCounts;
  pending: number | null;
  filter: StateFilter;
  states: Array<{ state: string; stateCode: string | null; total: number; byModel: ModelCounts; pending: number | null }>;
}

/** Answers "agreements in <state>" (or `all`) from a participating list and, when known, the pending list. */
export function summarizeAgreements(
  rows: readonly Agreement[],
  pending: readonly Agreement[] | null,
  state: StateInfo | 'all',
  filter: StateFilter = {},
): StateSummary | NationalSummary {
  // Counts count agreements: a row ICE printed twice is one (see identity.ts).
  rows = activeAgreements(rows);
  pending = pending && activeAgreements(pending);
  if (state === 'all') {
    // Every filter applies to the national table too: `all county:Harris` counts Harris County, Texas and Georgia.
    const filtered = filterAgreements(rows, filter);
    const pendingByState = pending ? countByState(pending) : null;
    const states = [...countByState(filtered).entries()]
      .map(([key, c]) => ({
        state: c.state,
        stateCode: c.stateCode,
        total: c.total,
        byModel: countByModel(filtered.filter((r) => (r.stateCode ?? r.state) === key)),
        pending: pendingByState ? (pendingByState.get(key)?.total ?? 0) : null,
      }))
      .sort((a, b) => b.total - a.total || a.state.localeCompare(b.state));
    return {
      state: 'all',
      stateCode: null,
      total: filtered.length,
      byModel: countByModel(filtered),
      pending: pending ? pending.length : null,
      filter,
      states,
    };
  }
  const list = agreementsInState(rows, state.code, filter);
  const signedByMonth: Record<string, number> = {};
  for (const r of [...list].reverse()) {
    if (!r.signed || r.signed < '2025-01') continue;
    const month = r.signed.slice(0, 7);
    signedByMonth[month] = (signedByMonth[month] ?? 0) + 1;
  }
  return {
    state: state.name,
    stateCode: state.code,
    total: list.length,
    byModel: countByModel(list),
    pending: pending ? pending.filter((r) => r.stateCode === state.code).length : null,
    filter,
    signedByMonth,
    agreements: list,
  };
}

/** The filters of an answer, as its titles show them: " (TFM, Harris, since 2025-03-01)", or "" when none. */
export function filterNote(s: { filter: StateFilter }): string {
  const parts = [s.filter.model, s.filter.county, s.filter.since ? `since ${s.filter.since}` : undefined].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
