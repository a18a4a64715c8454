/**
 * ICE's detention statistics (SPEC sections 1 and 3, `detention.released`): the headline
 * numbers of one release and how two releases compare. Pure: values in, values out.
 *
 * Two kinds of figure behave differently across releases:
 * - "currently detained" is a head count on one day: any two releases compare.
 * - book-ins and removals are fiscal-year-to-date: they restart every October 1, so a
 *   figure from FY2026 minus one from FY2025 means nothing (it would show FY2026's first
 *   118,164 removals as "201,816 fewer removals"). Those are compared within one fiscal
 *   year only, and a rollover says so instead.
 */

import type { FacilityRow } from '../facilities/facility-row';

/** The months of a U.S. federal fiscal year, in order: FY2026 runs from October 2025 to September 2026. */
export const FISCAL_MONTHS = ['Oct', 'Nov', 'Dec', 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep'] as const;
export type FiscalMonth = (typeof FISCAL_MONTHS)[number];

/** People in ICE detention on the as-of day, by arresting agency and by criminality. */
export interface DetainedCounts {
  total: number;
  ice: number;
  cbp: number;
  convictedCriminal: number;
  pendingCharges: number;
  otherImmigrationViolator: number;
}

export const DETAINED_KEYS = ['total', 'ice', 'cbp', 'convictedCriminal', 'pendingCharges', 'otherImmigrationViolator'] as const;
export type DetainedKey = (typeof DETAINED_KEYS)[number];

/** The headline numbers of one detention-statistics workbook. */
export interface DetentionRelease {
  /** The day the data describe (`YYYY-MM-DD`), read from the workbook itself, never from its file name. */
  asOf: string;
  /** The fiscal year of the tables (2026 for "FY2026"). */
  fiscalYear: number;
  detained: DetainedCounts;
  bookIns: {
    /** Initial book-ins so far this fiscal year. */
    fytdTotal: number;
    /** Only the months the data reach (from October to the as-of month); later months are absent, not 0. */
    byMonth: Partial<Record<FiscalMonth, number>>;
    ice?: number;
    cbp?: number;
  };
  removals: { fytdTotal: number };
  /**
   * ICE's facility list of the release ("Facilities FY26"), one row per facility. Absent in
   * releases stored before the list was read, and when the table was refused (see `facilitiesRefused`).
   */
  facilities?: FacilityRow[];
  /** Why the facility table was refused (moved, renamed, a column gone); the headline numbers are kept. */
  facilitiesRefused?: string;
  /** ICE's own figures that do not add up (a total that is not the sum of its parts); the numbers are kept as published. */
  warnings: string[];
}

export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const DATE_IN_NOTE = /\b(?:as of|as|through)\s+(?:(\d{1,2})\/(\d{1,2})\/(\d{4})|(\d{4})-(\d{2})-(\d{2})|([a-z]+) (\d{1,2}), (\d{4}))/gi;

/**
 * The dates (`YYYY-MM-DD`) a note gives for its data, in order: "a snapshot as of
 * 02/09/2025", "updated through 01/25/2026", "current as of February 9, 2025".
 */
export function datesStatedIn(note: string): string[] {
  const dates: string[] = [];
  for (const m of note.matchAll(DATE_IN_NOTE)) {
    const named = m[7] ? MONTH_NAMES.findIndex((name) => name.toLowerCase() === m[7].toLowerCase()) + 1 : 0;
    const [year, month, day] = m[3] ? [m[3], m[1], m[2]] : m[4] ? [m[4], m[5], m[6]] : [m[9], named, m[8]];
    const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
    // Date.UTC rolls 02/30 over to March: a real date survives the round trip.
    if (Number(month) && date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day))
      dates.push(date.toISOString().slice(0, 10));
  }
  return dates;
}

/** The fiscal year a day belongs to: October to December count toward the next calendar year. */
export function fiscalYearOf(isoDate: string): number {
  const year = Number(isoDate.slice(0, 4));
  return Number(isoDate.slice(5, 7)) >= 10 ? year + 1 : year;
}

/** The first day (`YYYY-MM-DD`) of a month of a fiscal year: `monthStart(2026, 'Oct')` is 2025-10-01. */
export function monthStart(fiscalYear: number, month: FiscalMonth): string {
  const index = FISCAL_MONTHS.indexOf(month);
  const calendarMonth = ((index + 9) % 12) + 1;
  const year = index < 3 ? fiscalYear - 1 : fiscalYear;
  return `${year}-${String(calendarMonth).padStart(2, '0')}-01`;
}

/**
 * Whether an as-of date can belong to a release of this fiscal year: from its first day
 * to the end of the calendar year it ends in (year-end files are locked in October and
 * published later).
 */
export function isPlausibleAsOf(isoDate: string, fiscalYear: number): boolean {
  return isoDate >= `${fiscalYear - 1}-10-01` && isoDate <= `${fiscalYear}-12-31`;
}

export interface CountChange {
  previous: number;
  next: number;
  change: number;
}

/**
 * A fiscal-year-to-date figure across two releases. Within one fiscal year it subtracts
 * (a fall means ICE revised earlier figures). Across fiscal years it does not: `next`
 * is the new year's count so far, and `previous` where the old year stood.
 */
export type YearToDateChange =
  | ({ comparable: true } & CountChange)
  | {
      comparable: false;
      why: 'new-fiscal-year' | 'earlier-fiscal-year';
      previous: number;
      previousFiscalYear: number;
      next: number;
      nextFiscalYear: number;
    };

export interface ReleaseComparison {
  previous: { asOf: string; fiscalYear: number };
  next: { asOf: string; fiscalYear: number };
  /** Days from the previous as-of date to the next (negative when `next` describes an earlier day). */
  days: number;
  /** `rollover`: next is in a later fiscal year, year-to-date figures restarted; `backwards`: next is in an earlier one. */
  fiscalYears: 'same' | 'rollover' | 'backwards';
  /** Always comparable: a head count on each as-of day. */
  detained: Record<DetainedKey, CountChange>;
  bookIns: {
    fytdTotal: YearToDateChange;
    ice: YearToDateChange | null;
    cbp: YearToDateChange | null;
    /** Months that were complete in the previous release and changed since (ICE revises past months). */
    revisedMonths: FiscalMonth[];
  };
  removals: { fytdTotal: YearToDateChange };
  /**
   * Numbers already published: `identical` (every figure equal, whatever the date and
   * file name), `agencies-swapped` (the same numbers with ICE and CBP exchanged, as in
   * ICE's stale 2025-03-05 file), or null for a real new release.
   */
  republished: 'identical' | 'agencies-swapped' | null;
  /** Plain sentences for operators and alerts: rollovers, revisions, republications. */
  notes: string[];
}

const DAY_MS = 86_400_000;
const count = (n: number): string => n.toLocaleString('en-US');

/**
 * How `next` differs from `previous`, comparing like with like (see the file comment).
 * Example: FY2025 year-end (319,980 removals, as of 2025-09-21) -> FY2026 as of
 * 2026-01-07 (118,164): removals `{ comparable: false, why: 'new-fiscal-year', previous:
 * 319980, next: 118164 }` and a note, never "-201,816 removals".
 */
export function compareReleases(previous: DetentionRelease, next: DetentionRelease): ReleaseComparison {
  const fiscalYears = next.fiscalYear === previous.fiscalYear ? 'same' : next.fiscalYear > previous.fiscalYear ? 'rollover' : 'backwards';
  const ytd = (before: number, after: number): YearToDateChange =>
    fiscalYears === 'same'
      ? { comparable: true, previous: before, next: after, change: after - before }
      : {
          comparable: false,
          why: fiscalYears === 'rollover' ? 'new-fiscal-year' : 'earlier-fiscal-year',
          previous: before,
          previousFiscalYear: previous.fiscalYear,
          next: after,
          nextFiscalYear: next.fiscalYear,
        };
  const optionalYtd = (before: number | undefined, after: number | undefined) =>
    before === undefined || after === undefined ? null : ytd(before, after);

  const detained = Object.fromEntries(
    DETAINED_KEYS.map((k) => [
      k,
      { previous: previous.detained[k], next: next.detained[k], change: next.detained[k] - previous.detained[k] },
    ]),
  ) as Record<DetainedKey, CountChange>;
  const revisedMonths = fiscalYears === 'same' ? revisedMonthsOf(previous, next) : [];
  const republished = sameFigures(previous, next) ? 'identical' : isAgencySwap(previous, next) ? 'agencies-swapped' : null;
  const comparison: ReleaseComparison = {
    previous: { asOf: previous.asOf, fiscalYear: previous.fiscalYear },
    next: { asOf: next.asOf, fiscalYear: next.fiscalYear },
    days: Math.round((Date.parse(next.asOf) - Date.parse(previous.asOf)) / DAY_MS),
    fiscalYears,
    detained,
    bookIns: {
      fytdTotal: ytd(previous.bookIns.fytdTotal, next.bookIns.fytdTotal),
      ice: optionalYtd(previous.bookIns.ice, next.bookIns.ice),
      cbp: optionalYtd(previous.bookIns.cbp, next.bookIns.cbp),
      revisedMonths,
    },
    removals: { fytdTotal: ytd(previous.removals.fytdTotal, next.removals.fytdTotal) },
    republished,
    notes: [],
  };
  comparison.notes = notesOf(comparison, previous, next);
  return comparison;
}

/** Months present in both and complete in `previous` (not its last, partial month) whose count changed. */
function revisedMonthsOf(previous: DetentionRelease, next: DetentionRelease): FiscalMonth[] {
  const present = FISCAL_MONTHS.filter((m) => previous.bookIns.byMonth[m] !== undefined);
  const complete = present.slice(0, -1);
  return complete.filter((m) => next.bookIns.byMonth[m] !== undefined && next.bookIns.byMonth[m] !== previous.bookIns.byMonth[m]);
}

/** Every number of the two releases is equal (the as-of date and warnings aside). */
function sameFigures(a: DetentionRelease, b: DetentionRelease): boolean {
  if (a.fiscalYear !== b.fiscalYear) return false;
  if (DETAINED_KEYS.some((k) => a.detained[k] !== b.detained[k])) return false;
  if (a.bookIns.fytdTotal !== b.bookIns.fytdTotal || a.bookIns.ice !== b.bookIns.ice || a.bookIns.cbp !== b.bookIns.cbp) return false;
  if (FISCAL_MONTHS.some((m) => a.bookIns.byMonth[m] !== b.bookIns.byMonth[m])) return false;
  return a.removals.fytdTotal === b.removals.fytdTotal;
}

/** `next` repeats `previous` with the detained ICE and CBP figures exchanged (the book-in ones exchanged too, or not). */
function isAgencySwap(previous: DetentionRelease, next: DetentionRelease): boolean {
  const { ice, cbp } = previous.detained;
  if (ice === cbp) return false; // an exchange would change nothing
  const swapped = { ...previous, detained: { ...previous.detained, ice: cbp, cbp: ice } };
  const bookInsSwapped = { ...swapped, bookIns: { ...previous.bookIns, ice: previous.bookIns.cbp, cbp: previous.bookIns.ice } };
  return sameFigures(swapped, next) || sameFigures(bookInsSwapped, next);
}

function notesOf(c: ReleaseComparison, previous: DetentionRelease, next: DetentionRelease): string[] {
  const notes: string[] = [];
  if (c.republished === 'identical') {
    notes.push(
      c.previous.asOf === c.next.asOf
        ? `Same release as the one as of ${c.previous.asOf}: every number is unchanged.`
        : `Every number is identical to the release as of ${c.previous.asOf}, though this one says ${c.next.asOf}: ICE probably republished stale data.`,
    );
  } else if (c.republished === 'agencies-swapped') {
    notes.push(
      `The numbers repeat the release as of ${c.previous.asOf} with the ICE and CBP figures swapped: ICE probably republished stale data.`,
    );
  }
  if (c.fiscalYears === 'rollover') {
    notes.push(
      `FY${next.fiscalYear} began on ${next.fiscalYear - 1}-10-01: year-to-date book-ins and removals restarted, so they are not compared with FY${previous.fiscalYear}'s ` +
        `(FY${previous.fiscalYear} stood at ${count(previous.bookIns.fytdTotal)} book-ins and ${count(previous.removals.fytdTotal)} removals as of ${previous.asOf}).`,
    );
  } else if (c.fiscalYears === 'backwards') {
    notes.push(
      `This release is for FY${next.fiscalYear}, before the previous one (FY${previous.fiscalYear}): an old file, so year-to-date figures are not compared.`,
    );
  }
  if (c.days < 0) notes.push(`Its as-of date (${c.next.asOf}) is earlier than the previous release's (${c.previous.asOf}).`);
  for (const [what, change] of [
    ['book-ins', c.bookIns.fytdTotal],
    ['removals', c.removals.fytdTotal],
  ] as const) {
    if (change.comparable && change.change < 0) {
      notes.push(`Year-to-date ${what} fell by ${count(-change.change)}: ICE revised earlier figures.`);
    }
  }
  if (c.bookIns.revisedMonths.length) notes.push(`ICE revised the book-ins of earlier months: ${c.bookIns.revisedMonths.join(', ')}.`);
  return notes;
}
