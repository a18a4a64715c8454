/**
 * Normalization of one published 287(g) row into an `Agreement`. Pure: values in, values
 * out. ICE's typos turn up in every column, so each function maps a near miss to the
 * right value *with a warning* and keeps what it cannot map as published, never guessing
 * a new state or model silently.
 */
import { agencyKey } from './agency';
import { repairDocumentUrl } from './document-url';
import { matchState } from '../states';
import { cleanText, editDistance, tidy, titleCase } from '../text';
import { MODEL_NAMES, MODELS, type Agreement, type Model } from '../types';

/**
 * Remembers the result for each distinct cell text: a list repeats ~50 state and a few
 * model spellings over thousands of rows. Results are frozen because they are shared;
 * the cache is cleared when full, as a bot running for years meets new typos.
 */
function memoize<T extends object>(fn: (raw: string) => T, limit = 1000): (raw: string) => T {
  const cache = new Map<string, T>();
  return (raw) => {
    let hit = cache.get(raw);
    if (hit === undefined) {
      hit = Object.freeze(fn(raw));
      if (cache.size >= limit) cache.clear();
      cache.set(raw, hit);
    }
    return hit;
  };
}

/** Folds for model lookup: lower case, letters only ("Jail Enforcement Model " -> "jailenforcementmodel"). */
function foldLetters(value: string): string {
  return value.toLowerCase().replace(/[^a-z]/g, '');
}

/** Spellings that need no warning: the name, the code, and "name (code)". */
const MODEL_BY_FOLD = new Map<string, Model>();
for (const code of MODELS) {
  const name = foldLetters(MODEL_NAMES[code]);
  for (const key of [name, foldLetters(code), name + foldLetters(code)]) MODEL_BY_FOLD.set(key, code);
}
/** The distinctive words of each model, for shortened forms ("Task Force") and suffix typos. */
const MODEL_STEMS: Array<[string, Model]> = [
  ['jailenforcement', 'JEM'],
  ['taskforce', 'TFM'],
  ['warrantservice', 'WSO'],
];

/**
 * Maps SUPPORT TYPE text to JEM, TFM or WSO. Case, spacing and NBSP differences map
 * silently; typos ("Warrant Service Office", "Warrant Services Officer") map with a
 * warning; text that resembles no model is kept as published (cleaned), with a warning.
 */
export function normalizeModel(raw: string): { model: string; warning: string | null } {
  return modelMemo(raw ?? '');
}

const modelMemo = memoize((raw: string): { model: string; warning: string | null } => {
  const text = cleanText(raw);
  if (!text) return { model: '', warning: 'SUPPORT TYPE is blank' };
  const folded = foldLetters(text);
  const exact = MODEL_BY_FOLD.get(folded);
  if (exact) return { model: exact, warning: null };

  // Same tolerance as state names: one edit per five letters, at most three.
  const allowed = Math.min(3, Math.max(1, Math.floor(folded.length / 5)));
  const near = folded.length > 3 ? MODELS.filter((m) => editDistance(folded, foldLetters(MODEL_NAMES[m]), allowed) <= allowed) : [];
  const stems = MODEL_STEMS.filter(([stem]) => folded.includes(stem)).map(([, m]) => m);
  const candidates = near.length === 1 ? near : stems.length === 1 ? stems : [];
  if (candidates.length === 1) return { model: candidates[0], warning: `model '${text}' read as ${candidates[0]}` };
  return { model: text, warning: `model '${text}' is not a 287(g) model; kept as published` };
});

/**
 * Maps STATE text to the canonical name and USPS code (states, DC and territories).
 * A near miss ("TEXS") is mapped with a warning; text matching nothing is kept
 * title-cased with a null code and a warning, so a misspelling never becomes a new state.
 */
export function normalizeState(raw: string): { state: string; stateCode: string | null; warning: string | null } {
  return stateMemo(raw ?? '');
}

const stateMemo = memoize((raw: string): { state: string; stateCode: string | null; warning: string | null } => {
  const text = cleanText(raw);
  if (!text) return { state: '', stateCode: null, warning: 'STATE is blank' };
  const match = matchState(text);
  if (match.kind === 'exact') return { state: match.state.name, stateCode: match.state.code, warning: null };
  if (match.kind === 'near') {
    return { state: match.state.name, stateCode: match.state.code, warning: `state '${text}' read as ${match.state.name}` };
  }
  // An Excel error value ("#REF!") is shown as Excel shows it, not title-cased into "#ref!".
  return {
    state: text.startsWith('#') ? text : titleCase(text),
    stateCode: null,
    warning: `state '${text}' matched no U.S. state or territory; kept as published`,
  };
});

/** Texts ICE uses for "no county" (the `#N/A` of a failed spreadsheet lookup, mostly). */
const NO_COUNTY = new Set(['#N/A', 'N/A', 'NA', '#NA', 'N.A.', 'NONE', '-', '\u2013', '\u2014']);

/**
 * COUNTY as cleaned text, or null when there is none: empty, `#N/A`, `N/A`, `NA`, or an
 * exceljs error value (`{ error: '#N/A' }`, what a failed lookup formula leaves behind).
 */
export function normalizeCounty(raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'object') {
    if ('text' in raw && typeof raw.text === 'string') return normalizeCounty(raw.text);
    return null; // error values and anything else that is not text
  }
  const text = tidy(String(raw));
  return text && !NO_COUNTY.has(text.toUpperCase()) ? text : null;
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;
/** Dates outside these years are typing accidents, not 287(g) signings (the program began in 1996). */
const MIN_YEAR = 1990;
const MAX_YEAR = 2100;

function isoDay(year: number, month: number, day: number): string | null {
  const d = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2/30 over to 3/2; a real date survives the round trip.
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return fromDate(d);
}

function fromDate(d: Date): string | null {
  // exceljs gives numFmt-14 cells as Dates at UTC midnight: local components could be a day early.
  const year = d.getUTCFullYear();
  if (Number.isNaN(year) || year < MIN_YEAR || year > MAX_YEAR) return null;
  // Built by hand: toISOString costs ten times more, and this runs on every row.
  return `${year}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function fromSerial(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 1) return null;
  return fromDate(new Date(EXCEL_EPOCH_MS + Math.floor(serial) * DAY_MS));
}

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+Z?)?$/;
const US_DATE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$/;
/** "05/082025", "7/72025": a US date missing its second slash (seen in 2025 files). */
const US_DATE_SQUASHED = /^(\d{1,2})\/(\d{2,6})$/;
/** Years a 287(g) SIGNED date can plausibly carry, for repairing a mistyped one. */
const PLAUSIBLE_YEARS: [number, number] = [1996, 2039];
const SERIAL_TEXT = /^\d{5}(?:\.\d+)?$/;

/**
 * SIGNED as `YYYY-MM-DD`. Accepts an Excel serial (epoch 1899-12-30: 45785 is
 * 2025-05-08), a Date (UTC components), ISO text, and US text (`2/26/2025`, `02/26/25`).
 * Anything else gives null and a warning; a repaired form ("05/082025") gives the date
 * and a warning.
 */
export function parseSignedDate(value: unknown): { signed: string | null; warning: string | null } {
  if (value === null || value === undefined) return { signed: null, warning: 'SIGNED is blank' };
  if (typeof value === 'number')
    return orRepair(fromSerial(value), Number.isFinite(value) ? new Date(EXCEL_EPOCH_MS + Math.floor(value) * DAY_MS) : null, value);
  if (value instanceof Date) return orRepair(fromDate(value), value, value);
  const text = cleanText(String(value));
  if (!text) return { signed: null, warning: 'SIGNED is blank' };
  let m = ISO_DATE.exec(text);
  if (m) {
    const day = isoDay(+m[1], +m[2], +m[3]);
    if (day) return { signed: day, warning: null };
    const year = repairYear(m[1]);
    const repaired = year === null ? null : isoDay(year, +m[2], +m[3]);
    return repaired ? { signed: repaired, warning: `SIGNED '${text}' read as ${repaired}` } : orWarn(null, text);
  }
  m = US_DATE.exec(text);
  if (m) return orWarn(isoDay(m[3].length === 2 ? 2000 + +m[3] : +m[3], +m[1], +m[2]), text);
  if (SERIAL_TEXT.test(text)) return orWarn(fromSerial(Number(text)), text);
  m = US_DATE_SQUASHED.exec(text);
  const repaired = m ? squashedDate(+m[1], m[2]) : null;
  if (repaired) return { signed: repaired, warning: `SIGNED '${text}' read as ${repaired}` };
  return orWarn(null, text);
}

/**
 * "7/72025" and "05/082025": the day and a four-digit year run together. Repaired only
 * when exactly one split gives a real date ("7/72025" can only be 7/7/2025).
 */
function squashedDate(month: number, rest: string): string | null {
  const readings = new Set<string>();
  for (const dayDigits of [1, 2]) {
    if (rest.length !== dayDigits + 4) continue;
    const day = isoDay(+rest.slice(dayDigits), month, +rest.slice(0, dayDigits));
    if (day) readings.add(day);
  }
  return readings.size === 1 ? [...readings][0] : null;
}

/**
 * A four-digit year no 287(g) agreement can carry ("5025"), repaired when exactly one
 * plausible year is one keystroke away (one digit changed, or two neighbours swapped):
 * "5025" can only be 2025; "2205" could be 2005 or 2025 and stays unread.
 */
function repairYear(digits: string): number | null {
  if (digits.length !== 4) return null;
  const plausible = (y: number) => y >= PLAUSIBLE_YEARS[0] && y <= PLAUSIBLE_YEARS[1];
  if (plausible(+digits)) return null;
  const readings = new Set<number>();
  for (let i = 0; i < 4; i++) {
    for (let d = 0; d <= 9; d++) {
      const y = +(digits.slice(0, i) + d + digits.slice(i + 1));
      if (plausible(y)) readings.add(y);
    }
    if (i < 3) {
      const y = +(digits.slice(0, i) + digits[i + 1] + digits[i] + digits.slice(i + 2));
      if (plausible(y)) readings.add(y);
    }
  }
  return readings.size === 1 ? [...readings][0] : null;
}

/** A date cell whose year no agreement can carry (a typed 5025) is repaired like typed text. */
function orRepair(signed: string | null, date: Date | null, raw: number | Date): { signed: string | null; warning: string | null } {
  // Only a year past any plausible one (5025): serial 0 or a tiny number is an empty cell's, not a typo.
  if (signed || !date || Number.isNaN(date.getTime()) || date.getUTCFullYear() <= PLAUSIBLE_YEARS[1]) return orWarn(signed, raw);
  const year = repairYear(String(date.getUTCFullYear()));
  const repaired = year === null ? null : isoDay(year, date.getUTCMonth() + 1, date.getUTCDate());
  return repaired ? { signed: repaired, warning: `SIGNED '${date.toISOString().slice(0, 10)}' read as ${repaired}` } : orWarn(null, raw);
}

function orWarn(signed: string | null, raw: string | number | Date): { signed: string | null; warning: string | null } {
  if (signed) return { signed, warning: null };
  // Formatted only on failure: Date#toString is slow enough to show on a 1,000-row list.
  const shown = raw instanceof Date ? (Number.isNaN(raw.getTime()) ? 'Invalid Date' : raw.toISOString()) : String(raw);
  return { signed: null, warning: `SIGNED '${shown}' is not a date` };
}

/**
 * One row's cells as read from the sheet, before normalization. Text columns are the
 * cell text ('' when empty); `county` and `signed` may be the raw cell value (number,
 * Date, exceljs error object). `signed` is undefined when the list has no SIGNED column,
 * which is not worth a warning; a blank SIGNED cell in a list that has one is.
 */
export interface RawAgreementCells {
  state: string;
  agency: string;
  type: string | null;
  county: unknown;
  model: string;
  signed: unknown;
  moaUrl: string | null;
  addendumUrl: string | null;
}

/** Normalizes one row into an `Agreement`, with the warnings its cells raised. */
export function normalizeAgreementRow(cells: RawAgreementCells): { agreement: Agreement; warnings: string[] } {
  const warnings: string[] = [];
  const state = normalizeState(cells.state);
  const model = normalizeModel(cells.model);
  const signed = cells.signed === undefined ? { signed: null, warning: null } : parseSignedDate(cells.signed);
  const agency = tidy(cells.agency ?? '');
  for (const w of [state.warning, model.warning, signed.warning]) if (w) warnings.push(w);
  if (!agency) warnings.push('LAW ENFORCEMENT AGENCY is blank');
  const type = tidy(cells.type ?? '');
  return {
    agreement: {
      state: state.state,
      stateCode: state.stateCode,
      agency,
      agencyKey: agencyKey(agency),
      type: type || null,
      county: normalizeCounty(cells.county),
      model: model.model,
      signed: signed.signed,
      moaUrl: repairDocumentUrl(cells.moaUrl),
      addendumUrl: repairDocumentUrl(cells.addendumUrl),
    },
    warnings,
  };
}
