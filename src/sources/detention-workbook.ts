/**
 * Reads the headline numbers of ICE's detention-statistics workbook into a
 * `DetentionRelease`. The workbook is large (1.5 MB, with an 11 MB facility-segregation
 * sheet) and only three small tables and the facility list matter, so detention-sheets.ts streams
 * it and keeps only the Header, Footnotes, Detention and Facilities sheets. Tables are found by their titles, never by position: ICE lays them out in
 * column A or side by side, and the layout moves between fiscal years.
 */
import { parseSignedDate } from '../domain/agreements/normalize';
import {
  datesStatedIn,
  FISCAL_MONTHS,
  isPlausibleAsOf,
  MONTH_NAMES,
  monthStart,
  type DetentionRelease,
  type FiscalMonth,
} from '../domain/totals/totals';
import { keyOf, readDetentionSheets, type Grid } from './detention-sheets';
import { DEFAULT_WORKBOOK_LIMITS, WorkbookSchemaError, type WorkbookLimits } from './errors';
import { readFacilityList } from './facility-list';

/** A table: its title as ICE writes it, less the fiscal year (errors name it), and a pattern for the title's key. */
type TableSpec = { title: string; pattern: RegExp };
/** " FY2026", " FY26", or " EOFY2020" (end of fiscal year) after a title, captured; optional. */
const FY = '(?: (?:eo)?fy ?(\\d{4}|\\d{2}))?';
const tableSpec = (title: string): TableSpec => ({ title, pattern: new RegExp(`^${keyOf(title).replace('book ins', 'book ?ins')}${FY}$`) });
const CRIMINALITY = tableSpec('ICE Currently Detained by Criminality and Arresting Agency');
const BOOK_INS = tableSpec('ICE Initial Book-Ins by Arresting Agency and Month');
const REMOVALS = tableSpec('ICE Removals');

/** A table is a handful of rows; a label this far below its header belongs to something else. */
const MAX_TABLE_ROWS = 12;

/**
 * Parses a detention-statistics workbook within `limits`.
 * @throws WorkbookFormatError when the bytes are not a readable xlsx, or inflate past the cap ('too-large').
 * @throws WorkbookSchemaError naming the table (or date) that cannot be found, rather than returning wrong numbers,
 *   or a wanted sheet with more rows than the cap ('too-large').
 */
export async function parseDetentionWorkbook(bytes: Buffer, limits: WorkbookLimits = DEFAULT_WORKBOOK_LIMITS): Promise<DetentionRelease> {
  const { grids, sheetNames } = await readDetentionSheets(bytes, limits);
  const detentionGrids = grids.filter((g) => keyOf(g.name).startsWith('detention'));
  const { grid, fiscalYear, criminality } = pickCurrentDetentionSheet(detentionGrids, sheetNames);
  const bookIns = requireTable(grid, BOOK_INS, fiscalYear);
  const removals = requireTable(grid, REMOVALS, fiscalYear);
  const asOf = findAsOf(grids, fiscalYear);

  const detained = {
    total: numberAt(criminality, ['total'], 'total'),
    ice: numberAt(criminality, ['total'], 'ice'),
    cbp: numberAt(criminality, ['total'], 'cbp'),
    convictedCriminal: numberAt(criminality, ['convicted criminal'], 'total'),
    pendingCharges: numberAt(criminality, ['pending criminal charges', 'pending charges'], 'total'),
    otherImmigrationViolator: numberAt(criminality, ['other immigration violator'], 'total'),
  };
  const fytdTotal = numberAt(bookIns, ['total'], 'total');
  const byMonth: Partial<Record<FiscalMonth, number>> = {};
  let monthSum = 0;
  const monthColumns = FISCAL_MONTHS.map((month) => [month, monthColumn(bookIns, month)] as const);
  if (monthColumns.every(([, col]) => col === undefined)) throw schemaError(bookIns, 'has no month columns (Oct ... Sep)');
  for (const [month, col] of monthColumns) {
    if (col === undefined || bookIns.grid.rows.get(bookIns.rows.get('total')!)?.get(col) === undefined) continue; // not reported yet
    const value = numberAt(bookIns, ['total'], col);
    monthSum += value;
    if (monthStart(fiscalYear, month) <= asOf) byMonth[month] = value; // later months are placeholders (0), not counts
  }
  const [ice, cbp] = ['ice', 'cbp'].map((label) => (bookIns.rows.has(label) ? numberAt(bookIns, [label], 'total') : undefined));
  const release: DetentionRelease = {
    asOf,
    fiscalYear,
    detained,
    bookIns: { fytdTotal, byMonth, ...(ice !== undefined && { ice }), ...(cbp !== undefined && { cbp }) },
    removals: { fytdTotal: numberAt(removals, ['total'], 'total') },
    warnings: [],
  };
  release.warnings = crossCheck(release, monthSum);
  // A refused facility table costs the per-state figures, not the national ones.
  const facilities = readFacilityList(grids, fiscalYear, sheetNames);
  if ('refused' in facilities) release.facilitiesRefused = facilities.refused;
  else {
    release.facilities = facilities.rows;
    release.warnings.push(...facilities.warnings);
  }
  return release;
}

/** ICE's totals against their parts; a mismatch is ICE's, reported and kept as published. */
function crossCheck(r: DetentionRelease, monthSum: number): string[] {
  const d = r.detained;
  const warnings: string[] = [];
  const check = (what: string, parts: number, total: number) => {
    if (parts !== total) warnings.push(`${what} add up to ${parts}, but the published total is ${total}`);
  };
  check('currently detained ICE + CBP', d.ice + d.cbp, d.total);
  check('currently detained by criminality', d.convictedCriminal + d.pendingCharges + d.otherImmigrationViolator, d.total);
  check('book-ins by month', monthSum, r.bookIns.fytdTotal);
  if (r.bookIns.ice !== undefined && r.bookIns.cbp !== undefined)
    check('book-ins ICE + CBP', r.bookIns.ice + r.bookIns.cbp, r.bookIns.fytdTotal);
  return warnings;
}

interface Table {
  spec: TableSpec;
  grid: Grid;
  /** The title as published, for messages. */
  title: string;
  fiscalYear: number | null;
  /** Header keys ("ice", "percent ice", "oct", "total") to column numbers; the first column of a name wins. */
  columns: Map<string, number>;
  /** Row-label keys ("total", "convicted criminal", "ice") to row numbers; the first row of a label wins. */
  rows: Map<string, number>;
}

const sortedKeys = <V>(map: Map<number, V>): number[] => [...map.keys()].sort((a, b) => a - b);

/** A label that is the next table's title, not a row of this one. */
const looksLikeTitle = (key: string) => /^ice \S+ \S+ \S+/.test(key) || /\b(?:eo)?fy ?\d{2,4}\b/.test(key);

/**
 * Finds a table by its title: the header row is the next row with text in the title's
 * column, the table's columns run right until the next title on the title row
 * (side-by-side blocks), and its rows run down until an empty label or another title.
 */
function locateTable(grid: Grid, spec: TableSpec): Table | null {
  for (const r of sortedKeys(grid.rows)) {
    const row = grid.rows.get(r)!;
    for (const c of sortedKeys(row)) {
      const text = row.get(c)!;
      const match = typeof text === 'string' ? spec.pattern.exec(keyOf(text)) : null;
      if (!match) continue;
      const rightEdge = sortedKeys(row).find((other) => other > c) ?? Infinity;
      const headerRow = [r + 1, r + 2, r + 3].find((h) => typeof grid.rows.get(h)?.get(c) === 'string');
      const columns = new Map<string, number>();
      const rows = new Map<string, number>();
      if (headerRow !== undefined) {
        for (const [col, header] of grid.rows.get(headerRow)!) {
          if (col > c && col < rightEdge && typeof header === 'string' && !columns.has(keyOf(header))) columns.set(keyOf(header), col);
        }
        for (let rr = headerRow + 1; rr <= headerRow + MAX_TABLE_ROWS; rr++) {
          const label = grid.rows.get(rr)?.get(c);
          if (label === undefined || (typeof label === 'string' && looksLikeTitle(keyOf(label)))) break;
          if (!rows.has(keyOf(String(label)))) rows.set(keyOf(String(label)), rr);
        }
      }
      return { spec, grid, title: String(text), fiscalYear: match[1] ? fullYear(match[1]) : null, columns, rows };
    }
  }
  return null;
}

const fullYear = (digits: string): number => (digits.length === 2 ? 2000 + Number(digits) : Number(digits));

/** The fiscal year a sheet says it holds: its heading ("ICE DETENTION DATA, FY2026") or its name ("Detention FY26"). */
function sheetFiscalYear(grid: Grid): number | null {
  for (const r of sortedKeys(grid.rows).slice(0, 5)) {
    for (const text of grid.rows.get(r)!.values()) {
      const m = typeof text === 'string' ? /^ice detention data (?:eo)?fy ?(\d{4}|\d{2})$/.exec(keyOf(text)) : null;
      if (m) return fullYear(m[1]);
    }
  }
  const m = /\b(?:eo)?fy ?(\d{4}|\d{2})\b/.exec(keyOf(grid.name));
  return m ? fullYear(m[1]) : null;
}

/**
 * The Detention sheet of the release's own fiscal year: ICE has left old sheets in
 * ("Detention EOFY2020" in an FY2026 file), so the newest fiscal year wins.
 */
function pickCurrentDetentionSheet(grids: Grid[], sheetNames: string[]): { grid: Grid; fiscalYear: number; criminality: Table } {
  let best: { grid: Grid; fiscalYear: number; criminality: Table } | null = null;
  for (const grid of grids) {
    const criminality = locateTable(grid, CRIMINALITY);
    const fiscalYear = criminality && (criminality.fiscalYear ?? sheetFiscalYear(grid));
    if (criminality && fiscalYear && (!best || fiscalYear > best.fiscalYear)) best = { grid, fiscalYear, criminality };
  }
  if (best) return best;
  const looked = grids.length ? `looked in ${grids.map((g) => `'${g.name}'`).join(', ')}` : 'the workbook has no Detention sheet';
  const all = sheetNames.map((n) => `'${n}'`).join(', ');
  throw new WorkbookSchemaError('no-header', `no table titled "${CRIMINALITY.title}: FY…" with a fiscal year (${looked}; sheets: ${all})`);
}

function requireTable(grid: Grid, spec: TableSpec, fiscalYear: number): Table {
  const table = locateTable(grid, spec);
  if (!table) throw new WorkbookSchemaError('no-header', `no table titled "${spec.title}: FY${fiscalYear}" in sheet '${grid.name}'`);
  if (table.fiscalYear !== null && table.fiscalYear !== fiscalYear) {
    throw schemaError(table, `is for FY${table.fiscalYear}, but the currently-detained table beside it is for FY${fiscalYear}`);
  }
  return table;
}

/** The column of a fiscal month, headed "Oct", "October" or "Sept". */
function monthColumn(table: Table, month: FiscalMonth): number | undefined {
  const key = month.toLowerCase();
  return (
    table.columns.get(key) ??
    table.columns.get(MONTH_NAMES.map((name) => name.toLowerCase()).find((name) => name.startsWith(key))!) ??
    table.columns.get(`${key}t`)
  );
}

function schemaError(table: Table, problem: string): WorkbookSchemaError {
  return new WorkbookSchemaError('no-header', `table "${table.title}" in sheet '${table.grid.name}' ${problem}`);
}

/**
 * The whole, non-negative number at a row (the first of `labels` found) and a column
 * (a header key or a column number) of a table, or a WorkbookSchemaError saying what is missing.
 */
function numberAt(table: Table, labels: string[], column: string | number): number {
  const r = labels.map((l) => table.rows.get(l)).find((n) => n !== undefined);
  if (r === undefined) throw schemaError(table, `has no row "${labels[0]}"`);
  const c = typeof column === 'number' ? column : table.columns.get(column);
  if (c === undefined) throw schemaError(table, `has no column "${column}"`);
  const value = table.grid.rows.get(r)?.get(c);
  const n = typeof value === 'string' && /^\d[\d,]*$/.test(value) ? Number(value.replace(/,/g, '')) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw schemaError(
      table,
      `has ${value === undefined ? 'nothing' : `'${value}'`} at row "${labels[0]}", column "${column}", not a count`,
    );
  }
  return n;
}

/**
 * The day the release describes, from the workbook itself, in this order: the
 * Footnotes note on the currently-detained tables ("ICE National Docket data are a
 * snapshot as of ..."); a date in the Header sheet (a sentence, or a label ending in
 * "as of" beside a date cell, which arrives as an Excel serial); the Footnotes notes
 * on book-ins and removals ("updated through ..."). A date outside the tables' fiscal
 * year is ignored (ICE leaves old notes in).
 */
function findAsOf(grids: Grid[], fiscalYear: number): string {
  const byName = (name: string) => grids.find((g) => keyOf(g.name) === name);
  const sections = footnoteSections(byName('footnotes'));
  const fromSections = (heading: RegExp) => sections.filter((s) => heading.test(s.heading)).flatMap((s) => s.notes.flatMap(datesStatedIn));
  const candidates = [...fromSections(/currently detained/), ...headerDates(byName('header')), ...fromSections(/book ins|removals/)];
  const asOf = candidates.find((d) => isPlausibleAsOf(d, fiscalYear));
  if (asOf) return asOf;
  throw new WorkbookSchemaError(
    'no-header',
    `no as-of date for FY${fiscalYear}: neither the Footnotes note on "ICE Currently Detained Population Breakdown" nor the Header sheet gives one`,
  );
}

/** Footnotes as sections: a heading in the first column, then notes beside and below it. */
function footnoteSections(grid: Grid | undefined): Array<{ heading: string; notes: string[] }> {
  const sections: Array<{ heading: string; notes: string[] }> = [];
  for (const r of grid ? sortedKeys(grid.rows) : []) {
    const row = grid!.rows.get(r)!;
    const first = row.get(1);
    if (typeof first === 'string') sections.push({ heading: keyOf(first), notes: [] });
    const notes = [...row].filter(([c, v]) => c > 1 && typeof v === 'string').map(([, v]) => v as string);
    sections.at(-1)?.notes.push(...notes);
  }
  return sections;
}

/** Dates the Header sheet states: in a sentence, or in the cell right of a label like "Data current as of". */
function headerDates(grid: Grid | undefined): string[] {
  if (!grid) return [];
  const dates: string[] = [];
  for (const r of sortedKeys(grid.rows)) {
    const row = grid.rows.get(r)!;
    for (const c of sortedKeys(row)) {
      const text = row.get(c);
      if (typeof text !== 'string') continue;
      dates.push(...datesStatedIn(text));
      const next = row.get(sortedKeys(row).find((other) => other > c) ?? -1);
      if (/\b(as of|through|date)$/.test(keyOf(text)) && next !== undefined) {
        const date = parseSignedDate(next).signed;
        if (date) dates.push(date);
      }
    }
  }
  return dates;
}
