/**
 * Reads the operator's daily-counts feed (SPEC sections 2 and 3, the `daily` source), CSV or
 * JSON, into checked days; src/domain/totals/daily-counts.ts merges them into what was
 * already known. Pure: the caller passes the text and "today".
 *
 * A day ICE did not report is a gap (`null`), never a zero, and a bad row is skipped with a
 * warning, never turned into a zero: a zero would fake a record low and drag the 7-day
 * average down.
 */
import type { DailyCount } from '../domain/totals/daily-counts';

export interface ParsedDailyFeed {
  /** Valid days, sorted by date, one per date. */
  days: DailyCount[];
  /** One plain sentence per skipped row (or per problem with the whole feed). */
  warnings: string[];
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const count = (n: number): string => n.toLocaleString('en-US');

/** `YYYY-MM-DD` for a real calendar day written as `YYYY-MM-DD` or `M/D/YYYY`, else null (2025-02-30 is null). */
export function normalizeDate(text: string): string | null {
  const iso = ISO_DATE.exec(text);
  const us = iso ? null : US_DATE.exec(text);
  if (!iso && !us) return null;
  const [year, month, day] = iso ? [iso[1], iso[2], iso[3]] : [us![3], us![1], us![2]];
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  // Date.UTC rolls 02/30 over to March: a real date survives the round trip.
  if (date.getUTCFullYear() !== Number(year) || date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) return null;
  return date.toISOString().slice(0, 10);
}

type CountValue = { ok: true; value: number | null } | { ok: false; why: string };

/** A count from a cell or JSON value: blank or null is a gap; `1179` and `1,179` are numbers; anything else is refused. */
function readCount(raw: unknown, what: string): CountValue {
  if (raw === null || raw === undefined) return { ok: true, value: null };
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || !Number.isInteger(raw)) return { ok: false, why: `${what} ${raw} is not a whole number` };
    if (raw < 0) return { ok: false, why: `${what} ${raw} is negative` };
    if (!Number.isSafeInteger(raw)) return { ok: false, why: `${what} ${raw} is too large` };
    return { ok: true, value: raw };
  }
  if (typeof raw !== 'string') return { ok: false, why: `${what} is not a number` };
  const text = raw.replace(/\u00a0/g, ' ').trim();
  if (text === '') return { ok: true, value: null };
  if (/^-\s*\d/.test(text)) return { ok: false, why: `${what} "${text}" is negative` };
  if (!/^(\d+|\d{1,3}(,\d{3})+)$/.test(text)) return { ok: false, why: `${what} "${text}" is not a whole number` };
  const value = Number(text.replace(/,/g, ''));
  if (!Number.isSafeInteger(value)) return { ok: false, why: `${what} "${text}" is too large` };
  return { ok: true, value };
}

/** A row of the feed before checks: where it is (for warnings) and its raw values. */
interface RawRow {
  where: string;
  date: unknown;
  arrests: unknown;
  detainersLodged: unknown;
  source: unknown;
}

/**
 * Reads the daily feed: CSV with a header row `date,arrests[,detainers_lodged][,...]`
 * (columns found by name, extra columns ignored, quoted fields allowed), or JSON (an array
 * of `{ date, arrests, detainers_lodged }`, or `{ days: [...] }`). `format` is detected
 * from the text when absent.
 *
 * A bad row is skipped with a warning, never turned into a zero: a malformed row, a date
 * that is not a real day, a date after `today`, a negative or fractional count, a date
 * already seen (the first is kept). Blank counts are gaps (`null`) and kept.
 */
export function parseDailyFeed(text: string, opts: { today: string; format?: 'csv' | 'json' }): ParsedDailyFeed {
  const today = ISO_DATE.test(opts.today) ? normalizeDate(opts.today) : null;
  if (!today) throw new Error(`parseDailyFeed: today must be a YYYY-MM-DD date, got "${opts.today}"`);
  const body = text.replace(/^\uFEFF/, '');
  const warnings: string[] = [];
  if (body.trim() === '') return { days: [], warnings: ['The daily feed is empty.'] };
  const format = opts.format ?? (/^\s*[[{]/.test(body) ? 'json' : 'csv');
  const rows = format === 'json' ? jsonRows(body, warnings) : csvRows(body, warnings);

  const byDate = new Map<string, { day: DailyCount; where: string }>();
  for (const row of rows) {
    const day = checkRow(row, today, warnings);
    if (!day) continue;
    const first = byDate.get(day.date);
    if (first) {
      const same = first.day.arrests === day.arrests && first.day.detainersLodged === day.detainersLodged;
      warnings.push(
        same
          ? `${row.where}: ${day.date} appears twice (first at ${first.where}, same counts); kept the first.`
          : `${row.where}: ${day.date} appears twice and the two disagree (${first.where}: ${describeCounts(first.day)}; ${row.where}: ${describeCounts(day)}); kept the first.`,
      );
      continue;
    }
    byDate.set(day.date, { day, where: row.where });
  }
  const days = [...byDate.values()].map((entry) => entry.day).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return { days, warnings };
}

function describeCounts(day: DailyCount): string {
  const figure = (n: number | null) => (n === null ? 'not reported' : count(n));
  return `${figure(day.arrests)} arrests, ${figure(day.detainersLodged)} detainers lodged`;
}

/** A checked day, or null with a warning. */
function checkRow(row: RawRow, today: string, warnings: string[]): DailyCount | null {
  const rawDate = typeof row.date === 'string' ? row.date.replace(/\u00a0/g, ' ').trim() : row.date;
  if (rawDate === undefined || rawDate === null || rawDate === '') {
    warnings.push(`${row.where}: no date; row skipped.`);
    return null;
  }
  const date = typeof rawDate === 'string' ? normalizeDate(rawDate) : null;
  if (!date) {
    warnings.push(`${row.where}: "${String(rawDate)}" is not a date (expected YYYY-MM-DD); row skipped.`);
    return null;
  }
  if (date > today) {
    warnings.push(`${row.where}: ${date} is in the future (today is ${today}); row skipped.`);
    return null;
  }
  const arrests = readCount(row.arrests, 'arrests');
  const detainers = readCount(row.detainersLodged, 'detainers lodged');
  const refused = [arrests, detainers].filter((c): c is { ok: false; why: string } => !c.ok);
  if (refused.length) {
    warnings.push(`${row.where} (${date}): ${refused.map((c) => c.why).join(', ')}; row skipped.`);
    return null;
  }
  const day: DailyCount = {
    date,
    arrests: (arrests as { value: number | null }).value,
    detainersLodged: (detainers as { value: number | null }).value,
  };
  if (typeof row.source === 'string' && row.source.trim() !== '') day.source = row.source.trim();
  return day;
}

/** Header names, normalized: `Detainers Lodged`, `detainers-lodged` and `detainersLodged` are one column. */
const headerKey = (name: string): string =>
  name
    .replace(/\u00a0/g, ' ')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
const COLUMN_NAMES = {
  date: ['date', 'day'],
  arrests: ['arrests'],
  detainersLodged: ['detainerslodged', 'detainers'],
  source: ['source', 'url'],
} as const;

function csvRows(text: string, warnings: string[]): RawRow[] {
  const records = splitCsv(text).filter((r) => r.fields.some((f) => f.trim() !== ''));
  if (!records.length) {
    warnings.push('The daily feed has no rows.');
    return [];
  }
  const [header, ...rest] = records;
  const keys = header.fields.map(headerKey);
  const column = (names: readonly string[]) => keys.findIndex((k) => names.includes(k));
  const at = {
    date: column(COLUMN_NAMES.date),
    arrests: column(COLUMN_NAMES.arrests),
    detainersLodged: column(COLUMN_NAMES.detainersLodged),
    source: column(COLUMN_NAMES.source),
  };
  if (at.date < 0 || at.arrests < 0) {
    warnings.push(
      `The daily feed's first row (line ${header.line}) is not a header with "date" and "arrests" columns: "${header.fields.join(',')}"; nothing read.`,
    );
    return [];
  }
  const needed = Math.max(at.date, at.arrests, at.detainersLodged) + 1;
  const rows: RawRow[] = [];
  for (const record of rest) {
    const where = `line ${record.line}`;
    const { fields } = record;
    if (record.unterminated) {
      warnings.push(`${where}: a quoted field is never closed; the rest of the feed is skipped.`);
      continue;
    }
    // More fields than the header is usually an unquoted "1,179": reading it would give 1 arrest.
    if (fields.length > header.fields.length && fields.slice(header.fields.length).some((f) => f.trim() !== '')) {
      warnings.push(`${where}: ${fields.length} fields where the header has ${header.fields.length} (an unquoted comma?); row skipped.`);
      continue;
    }
    if (fields.length < needed) {
      warnings.push(
        `${where}: ${fields.length} field${fields.length === 1 ? '' : 's'} where the header has ${header.fields.length}; row skipped.`,
      );
      continue;
    }
    rows.push({
      where,
      date: fields[at.date],
      arrests: fields[at.arrests],
      detainersLodged: at.detainersLodged >= 0 ? fields[at.detainersLodged] : undefined,
      source: at.source >= 0 ? fields[at.source] : undefined,
    });
  }
  return rows;
}

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks; `line` is where a record starts. */
function splitCsv(text: string): Array<{ line: number; fields: string[]; unterminated?: boolean }> {
  const records: Array<{ line: number; fields: string[]; unterminated?: boolean }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      records.push({ line: start, fields });
      fields = [];
      field = '';
      line++;
      start = line;
    } else {
      field += c;
    }
  }
  if (quoted) {
    fields.push(field);
    records.push({ line: start, fields, unterminated: true });
  } else if (field !== '' || fields.length) {
    fields.push(field);
    records.push({ line: start, fields });
  }
  return records;
}

function jsonRows(text: string, warnings: string[]): RawRow[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    warnings.push(`The daily feed is not valid JSON (${(error as Error).message}); nothing read.`);
    return [];
  }
  const items = Array.isArray(data) ? data : isObject(data) && Array.isArray(data.days) ? data.days : null;
  if (!items) {
    warnings.push('The daily feed is JSON but neither an array of days nor an object with a "days" array; nothing read.');
    return [];
  }
  const rows: RawRow[] = [];
  items.forEach((item: unknown, index: number) => {
    const where = `entry ${index + 1}`;
    if (!isObject(item)) {
      warnings.push(`${where}: not an object with date and arrests; skipped.`);
      return;
    }
    const pick = (names: readonly string[]) => {
      const key = Object.keys(item).find((k) => names.includes(headerKey(k)));
      return key === undefined ? { found: false, value: undefined } : { found: true, value: item[key] };
    };
    const arrests = pick(COLUMN_NAMES.arrests);
    const detainers = pick(COLUMN_NAMES.detainersLodged);
    if (!arrests.found && !detainers.found) {
      warnings.push(`${where}: no "arrests" or "detainers_lodged" field; skipped.`);
      return;
    }
    const date = pick(COLUMN_NAMES.date).value;
    rows.push({
      where,
      date: typeof date === 'number' ? String(date) : date,
      arrests: arrests.value,
      detainersLodged: detainers.value,
      source: pick(COLUMN_NAMES.source).value,
    });
  });
  return rows;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
