/**
 * Daily arrest counts (SPEC sections 2 and 3, the `daily` source and `daily.reported`):
 * merging a read of the operator's feed (src/sources/daily-feed.ts) into what was already
 * known, and describing one day for an alert. Pure.
 *
 * A day ICE did not report is a gap (`null`), never a zero: ICE posted counts on X only
 * from 2025-01-23 to 2025-01-31, and January 29 and 30 are missing from every stored
 * source. A zero would fake a record low and drag the 7-day average down.
 */

/** 1 million removals a year is about 2,740 a day (SPEC section 1). */
export const MILLION_A_YEAR_PER_DAY = 2740;

/** One day of the feed. `null` is a day (or a figure) not reported, never 0. */
export interface DailyCount {
  /** `YYYY-MM-DD` */
  date: string;
  arrests: number | null;
  detainersLodged: number | null;
  /** Where the number comes from, when the feed says (a `source` column or field). */
  source?: string;
}

const DAY_MS = 86_400_000;

/** The day `days` after (or before, when negative) an ISO date. */
function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export interface DailyRevision {
  date: string;
  before: DailyCount;
  after: DailyCount;
}

export interface DailyMerge {
  /** Everything known: history with the feed applied, sorted by date. */
  days: DailyCount[];
  /** Days whose arrests the feed gives for the first time (a new day, or a gap filled): each is a `daily.reported`. */
  newDays: DailyCount[];
  /** Days already reported whose figures the feed changed (ICE revised them, or added the detainers). */
  revised: DailyRevision[];
}

const byDate = (a: { date: string }, b: { date: string }) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);

/**
 * What the feed added and changed since the last poll. A blank in the feed never erases a
 * known number (feeds drop old values; a gap is "not said", not "zero"), and days the feed
 * no longer carries are kept. A later duplicate of a date in `incoming` is ignored.
 */
export function mergeDailyHistory(history: DailyCount[], incoming: DailyCount[]): DailyMerge {
  const known = new Map<string, DailyCount>();
  for (const day of history) if (!known.has(day.date)) known.set(day.date, day);
  const newDays: DailyCount[] = [];
  const revised: DailyRevision[] = [];
  const seen = new Set<string>();
  for (const day of incoming) {
    if (seen.has(day.date)) continue;
    seen.add(day.date);
    const before = known.get(day.date);
    if (!before) {
      known.set(day.date, { ...day });
      if (day.arrests !== null) newDays.push({ ...day });
      continue;
    }
    const after: DailyCount = {
      date: day.date,
      arrests: day.arrests ?? before.arrests,
      detainersLodged: day.detainersLodged ?? before.detainersLodged,
    };
    const source = day.source ?? before.source;
    if (source !== undefined) after.source = source;
    known.set(day.date, after);
    if (before.arrests === null && after.arrests !== null) newDays.push({ ...after });
    else if (after.arrests !== before.arrests || after.detainersLodged !== before.detainersLodged)
      revised.push({ date: day.date, before: { ...before }, after: { ...after } });
  }
  return { days: [...known.values()].sort(byDate), newDays: newDays.sort(byDate), revised: revised.sort(byDate) };
}

export interface DailyReport {
  date: string;
  arrests: number;
  detainersLodged: number | null;
  /** Strictly more arrests than every earlier reported day; the first day ever reported is no record. */
  isRecordHigh: boolean;
  /** The highest earlier day (the first to reach it on a tie), or null when none was reported before. */
  previousRecord: { date: string; arrests: number } | null;
  /** Mean arrests of the reported days among the 7 calendar days ending on `date` (gaps left out, never counted as 0). */
  sevenDayAverage: number | null;
  daysInAverage: number;
  /** The reported days the average is of, in order. */
  averageDates: string[];
  /** arrests / 2,740: the share of the 1-million-a-year pace. */
  paceShare: number;
  /** `above` when the day reaches 2,740 arrests, `below` otherwise. */
  pace: 'above' | 'below';
}

/**
 * The `daily.reported` facts for one day: record high, 7-day average and pace. Null when
 * `date` is not a reported day (absent, or a gap). `days` need not be sorted.
 * Example on January 2025: 2025-01-27 (1,179) is a record over 2025-01-26 (956) and 0.43
 * of the pace; 2025-01-31's average is of the 5 days reported from 01-25 to 01-31.
 */
export function describeDailyReport(days: DailyCount[], date: string): DailyReport | null {
  const day = days.find((d) => d.date === date);
  if (!day || day.arrests === null) return null;
  const reported = days.filter((d): d is DailyCount & { arrests: number } => d.arrests !== null).sort(byDate);

  let previousRecord: { date: string; arrests: number } | null = null;
  const seen = new Set<string>();
  for (const d of reported) {
    if (d.date >= date) break;
    if (seen.has(d.date)) continue;
    seen.add(d.date);
    if (!previousRecord || d.arrests > previousRecord.arrests) previousRecord = { date: d.date, arrests: d.arrests };
  }

  const from = addDays(date, -6);
  const window = new Map<string, number>();
  for (const d of reported)
    if (d.date >= from && d.date <= date && !window.has(d.date)) window.set(d.date, d.date === date ? day.arrests : d.arrests);
  const total = [...window.values()].reduce((sum, n) => sum + n, 0);

  return {
    date,
    arrests: day.arrests,
    detainersLodged: day.detainersLodged,
    isRecordHigh: previousRecord !== null && day.arrests > previousRecord.arrests,
    previousRecord,
    sevenDayAverage: window.size ? total / window.size : null,
    daysInAverage: window.size,
    averageDates: [...window.keys()],
    paceShare: day.arrests / MILLION_A_YEAR_PER_DAY,
    pace: day.arrests >= MILLION_A_YEAR_PER_DAY ? 'above' : 'below',
  };
}
