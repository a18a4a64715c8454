/**
 * The data behind every picture the bot posts (issue 8): pure functions from the same
 * values the text replies are built from, so a chart can never say something the text
 * does not. A ChartSpec is data, never pixels; src/charts draws it.
 */
import type { NationalSummary } from '../agreements/state-summary';
import type { DailyCount } from '../totals/daily-counts';
import type { Digest } from '../alerts/digest';
import { STATES } from '../states';
import { agreementIdentity, MODELS, type Agreement } from '../types';

/** The series of a trend chart, in stacking order; `other` is a model ICE misspelt beyond repair. */
export const SERIES_MODELS = [...MODELS, 'other'] as const;
export type SeriesModel = (typeof SERIES_MODELS)[number];
export type ModelValues = Record<SeriesModel, number>;

/** What every picture says about where its numbers come from. */
interface ChartCommon {
  title: string;
  /** The day the data describe (`YYYY-MM-DD`). */
  asOf: string;
  /** Plain words, e.g. "ICE participating list, participatingAgencies12122025pm.xlsx". */
  source: string;
}

/** Active agreements of one state on a day, by model. */
export interface TrendPoint extends ModelValues {
  date: string;
  total: number;
}

export interface StateTrendChart extends ChartCommon {
  kind: 'state-trend';
  state: string;
  points: TrendPoint[];
}

export interface StateMapChart extends ChartCommon {
  kind: 'state-map';
  total: number;
  /** Every state, DC and territory, with 0 where ICE lists none. */
  states: Array<{ code: string; name: string; territory: boolean; total: number }>;
}

export interface TotalsChart extends ChartCommon {
  kind: 'totals';
  /** Currently detained, one point per detention release, oldest first. */
  detained: Array<{ date: string; total: number }>;
  /** Daily arrests where ICE published them (null: a day not reported, never 0); empty when none are known. */
  daily: Array<{ date: string; arrests: number | null }>;
  /** 1 million removals a year, per day. */
  pacePerDay: number;
}

export interface DigestChart extends ChartCommon {
  kind: 'digest-states';
  states: Array<{ state: string; total: number; signed: number; ended: number } & ModelValues>;
}

/** A state's detention ADP (sum over its facilities) at each release with a facility list. */
export interface StateAdpChart extends ChartCommon {
  kind: 'state-adp';
  state: string;
  points: Array<{ date: string; fiscalYear: number; adp: number; facilities: number }>;
}

export type ChartSpec = StateTrendChart | StateMapChart | TotalsChart | DigestChart | StateAdpChart;

/** An agreement that left the list while the bot watched (from the store's ledger). */
export interface EndedAgreement {
  model: string;
  signed: string | null;
  firstSeen: string;
  endedAt: string;
}

/** The trend starts no earlier than the end of 2024: the list of 135 rows the 2025 growth started from. */
export const TREND_START = '2024-12-31';

const seriesOf = (model: string): SeriesModel => ((MODELS as readonly string[]).includes(model) ? (model as SeriesModel) : 'other');
const day = (iso: string) => iso.slice(0, 10);
const emptyValues = (): ModelValues => ({ JEM: 0, TFM: 0, WSO: 0, other: 0 });

/** Last day of each month from `from`'s month to the month before `to`'s, then `to` itself. */
function trendDates(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  for (;;) {
    const end = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    if (end >= to.slice(0, 7) + '-01') break;
    out.push(end);
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  return [...out, to];
}

/**
 * Active agreements over time, by model, for one state's current list (already filtered as
 * the text reply is) and the agreements of that state known to have ended.
 *
 * An agreement counts from the earlier of its SIGNED date and the day the bot first saw it
 * (a renewal moves SIGNED later; `firstSeen` keeps the older start), to the day it left
 * the list. The last point is the as-of day and counts the current list exactly, so it
 * equals the text reply's numbers. Example: signed 2025-03-04, still listed → counted
 * from the March point on; signed 2019-05-01, ended 2025-06-10 → counted up to the May
 * point. Rows without a date are counted only on the as-of day.
 */
export function buildStateTrend(
  base: ChartCommon & { state: string },
  current: readonly Agreement[],
  ended: readonly EndedAgreement[] = [],
  firstSeen: ReadonlyMap<string, string> = new Map(),
): StateTrendChart {
  const asOf = day(base.asOf);
  const spans: Array<{ model: SeriesModel; start: string; end: string | null }> = [];
  for (const a of current) {
    const seen = firstSeen.get(agreementIdentity(a));
    const starts = [a.signed, seen && day(seen)].filter((s): s is string => Boolean(s)).sort();
    spans.push({ model: seriesOf(a.model), start: starts[0] ?? asOf, end: null });
  }
  for (const e of ended) {
    const start = [e.signed, day(e.firstSeen)].filter((s): s is string => Boolean(s)).sort()[0];
    if (day(e.endedAt) <= asOf) spans.push({ model: seriesOf(e.model), start, end: day(e.endedAt) });
  }
  const earliest =
    spans
      .map((s) => s.start)
      .filter((s) => s < asOf)
      .sort()[0] ?? asOf;
  const from = earliest < TREND_START ? TREND_START : earliest;
  const points = trendDates(from, asOf).map((date): TrendPoint => {
    const values = emptyValues();
    const last = date === asOf;
    for (const s of spans) {
      const active = last ? s.end === null : s.start <= date && (s.end === null || s.end > date);
      if (active) values[s.model]++;
    }
    return { date, ...values, total: values.JEM + values.TFM + values.WSO + values.other };
  });
  return { kind: 'state-trend', ...base, asOf, points };
}

/** Every state, DC and territory with its count in the national summary (0 where none). */
export function buildStateMap(base: ChartCommon, national: NationalSummary): StateMapChart {
  const byCode = new Map(national.states.map((s) => [s.stateCode, s.total]));
  const states = STATES.map((s) => ({ code: s.code, name: s.name, territory: s.territory, total: byCode.get(s.code) ?? 0 }));
  return { kind: 'state-map', ...base, asOf: day(base.asOf), total: national.total, states };
}

/** Detained population per release and the daily arrests ICE published (gaps stay gaps). */
export function buildTotalsChart(
  base: ChartCommon,
  releases: ReadonlyArray<{ asOf: string; detained: number }>,
  daily: readonly DailyCount[],
  pacePerDay: number,
): TotalsChart {
  const detained = [...releases].sort((a, b) => a.asOf.localeCompare(b.asOf)).map((r) => ({ date: r.asOf, total: r.detained }));
  const known = daily.filter((d) => d.arrests !== null);
  // Only the stretch ICE reported, with its inner gaps: no empty years of nulls around it.
  const first = known[0]?.date;
  const last = known.at(-1)?.date;
  const span = first && last ? daily.filter((d) => d.date >= first && d.date <= last) : [];
  return {
    kind: 'totals',
    ...base,
    asOf: day(base.asOf),
    detained,
    daily: span.map((d) => ({ date: d.date, arrests: d.arrests })),
    pacePerDay,
  };
}

/** The states of a digest: each one's active agreements by model, and what the period signed and ended. */
export function buildDigestChart(digest: Digest, source: string): DigestChart {
  const states = digest.alerts.map((a) => {
    const values = emptyValues();
    for (const m of MODELS) values[m] = a.totals.byModel[m];
    values.other = a.totals.byModel.other ?? 0;
    return {
      state: a.state,
      total: a.totals.total,
      signed: a.events.filter((e) => e.type === 'agreement.signed').length,
      ended: a.events.filter((e) => e.type === 'agreement.ended').length,
      ...values,
    };
  });
  const asOf =
    digest.alerts
      .map((a) => a.file.fetchedAt)
      .sort()
      .at(-1) ?? '';
  return { kind: 'digest-states', title: digest.title, asOf: day(asOf), source, states };
}

/** A state's ADP over releases (oldest first), whole numbers: the picture of /facilities. */
export function buildStateAdpChart(
  base: ChartCommon & { state: string },
  points: ReadonlyArray<{ asOf: string; fiscalYear: number; adp: number; facilities: number }>,
): StateAdpChart {
  const sorted = [...points].sort((a, b) => a.asOf.localeCompare(b.asOf));
  return {
    kind: 'state-adp',
    ...base,
    asOf: day(base.asOf),
    points: sorted.map((p) => ({ date: p.asOf, fiscalYear: p.fiscalYear, adp: Math.round(p.adp), facilities: p.facilities })),
  };
}
