/**
 * Reads ICE's facility list ("Facilities FY25", "Facilities FY26") from the grid the
 * detention reader kept. The table is found by its title ("ICE Facilities Data, FY26") and
 * its header row by the column names, never by position: the header sits on row 7 in FY25
 * files and on row 10 in FY26 ones, and FY25 has a "Pending FY25 Inspection" column FY26
 * lacks. What ICE's cells get wrong is repaired here: ZIP codes stored as numbers lose their
 * leading zero (02863 arrives as 2863), and sums carry float noise (14.7679999999999).
 */
import type { FacilityRow } from '../domain/facilities/facility-row';
import { stateByCode } from '../domain/states';
import { type Cell, type Grid, keyOf } from './detention-sheets';
import { WorkbookSchemaError } from './errors';

/** The title as ICE writes it, less the fiscal year: refusals name it. */
export const FACILITY_TABLE_TITLE = 'ICE Facilities Data';
/** The title's key starts so ("ice facilities data fy26"); a fiscal year anywhere in it is the table's. */
const TITLE = /^ice facilities data\b/;
const TITLE_FY = /\b(?:eo)?fy ?(\d{4}|\d{2})\b/;
/** Rows searched below the title for the header row (it is 4 to 7 rows down in the files seen). */
const HEADER_SEARCH_ROWS = 15;

/** Header keys (see keyOf) of the columns read; the first four are required. */
const COLUMNS = {
  name: ['name', 'facility name'],
  city: ['city'],
  state: ['state'],
  levelA: ['level a'],
  levelB: ['level b'],
  levelC: ['level c'],
  levelD: ['level d'],
  address: ['address'],
  zip: ['zip', 'zip code'],
  aor: ['aor'],
  type: ['type detailed', 'type'],
  gender: ['male/female', 'male female', 'gender'],
  mandatory: ['mandatory'],
  guaranteedMinimum: ['guaranteed minimum'],
} as const;
type Column = keyof typeof COLUMNS;
const REQUIRED: Column[] = ['name', 'city', 'state', 'levelA', 'levelB', 'levelC', 'levelD'];
const HEADER_NAMES: Record<Column, string> = {
  name: 'Name',
  city: 'City',
  state: 'State',
  levelA: 'Level A',
  levelB: 'Level B',
  levelC: 'Level C',
  levelD: 'Level D',
  address: 'Address',
  zip: 'Zip',
  aor: 'AOR',
  type: 'Type Detailed',
  gender: 'Male/Female',
  mandatory: 'Mandatory',
  guaranteedMinimum: 'Guaranteed Minimum',
};

export interface FacilityTable {
  /** The fiscal year the title (or the sheet name) gives. */
  fiscalYear: number | null;
  rows: FacilityRow[];
  /** Rows skipped or repaired, in words for operators (ICE's data, kept as published where it can be). */
  warnings: string[];
}

/** Six decimals: ICE publishes ADP to six places; the rest is float noise from its sums. */
export const roundAdp = (x: number): number => Math.round(x * 1e6) / 1e6;

const sortedKeys = <V>(map: Map<number, V>): number[] => [...map.keys()].sort((a, b) => a - b);
const fullYear = (digits: string): number => (digits.length === 2 ? 2000 + Number(digits) : Number(digits));

/** Whether a sheet name is a facility sheet ("Facilities FY26"); the reader keeps these. */
export function isFacilitySheetName(name: string): boolean {
  return keyOf(name).startsWith('facilities');
}

/**
 * The facility table of one sheet.
 * @throws WorkbookSchemaError naming the table and what is missing: no title, no header row
 *   under it, or a required column (Name, City, State, Level A-D) gone or renamed.
 */
export function parseFacilityGrid(grid: Grid): FacilityTable {
  const title = findTitle(grid);
  if (!title) throw refusal(grid, `has no table titled "${FACILITY_TABLE_TITLE}, FY…"`);
  const header = findHeader(grid, title.row);
  if (!header) {
    throw refusal(grid, `has no header row (Name, City, State, Level A-D) within ${HEADER_SEARCH_ROWS} rows of its title`);
  }
  const missing = REQUIRED.filter((c) => header.columns[c] === undefined);
  if (missing.length) {
    throw refusal(grid, `has no column ${missing.map((c) => `"${HEADER_NAMES[c]}"`).join(', ')} in its header row (row ${header.row})`);
  }
  const nameFy = /\bfy ?(\d{4}|\d{2})\b/.exec(keyOf(grid.name));
  const fiscalYear = title.fiscalYear ?? (nameFy ? fullYear(nameFy[1]) : null);
  const rows: FacilityRow[] = [];
  const warnings: string[] = [];
  for (const r of sortedKeys(grid.rows).filter((r) => r > header.row)) {
    const row = grid.rows.get(r)!;
    const got = (c: Column) => (header.columns[c] === undefined ? undefined : row.get(header.columns[c]!));
    const name = text(got('name'));
    const stateCode = text(got('state')).toUpperCase();
    if (!name && !stateCode) continue; // a note under the table, or an empty row
    if (/^(grand )?total$/.test(keyOf(name))) continue; // a total row is ICE's sum, not a facility
    if (!name || !stateByCode(stateCode)) {
      warnings.push(`row ${r} skipped: ${!name ? 'no facility name' : `'${stateCode}' is not a state code`} (${name || stateCode})`);
      continue;
    }
    const levels = { a: level(got('levelA')), b: level(got('levelB')), c: level(got('levelC')), d: level(got('levelD')) };
    if ([got('levelA'), got('levelB'), got('levelC'), got('levelD')].every((v) => v === undefined)) {
      warnings.push(`row ${r} (${name}, ${stateCode}) has no classification levels: its ADP counts as 0`);
    }
    rows.push({
      name,
      address: text(got('address')),
      city: text(got('city')),
      state: stateCode,
      zip: zipOf(got('zip')),
      aor: text(got('aor')),
      type: text(got('type')),
      gender: text(got('gender')),
      alos: header.alos === undefined ? null : numberOrNull(row.get(header.alos)),
      levels,
      adp: roundAdp(levels.a + levels.b + levels.c + levels.d),
      mandatory: numberOrNull(got('mandatory')),
      guaranteedMinimum: numberOrNull(got('guaranteedMinimum')),
    });
  }
  if (!rows.length) throw refusal(grid, `has a header row (row ${header.row}) but no facility under it`);
  return { fiscalYear, rows, warnings };
}

function refusal(grid: Grid, problem: string): WorkbookSchemaError {
  return new WorkbookSchemaError('no-header', `table "${FACILITY_TABLE_TITLE}" in sheet '${grid.name}' ${problem}`);
}

function findTitle(grid: Grid): { row: number; fiscalYear: number | null } | null {
  for (const r of sortedKeys(grid.rows)) {
    for (const value of grid.rows.get(r)!.values()) {
      if (typeof value !== 'string' || !TITLE.test(keyOf(value))) continue;
      const fy = TITLE_FY.exec(keyOf(value));
      return { row: r, fiscalYear: fy ? fullYear(fy[1]) : null };
    }
  }
  return null;
}

type Header = { row: number; columns: Partial<Record<Column, number>>; alos: number | undefined };

/** The first row under the title that names a facility's Name and State columns. */
function findHeader(grid: Grid, titleRow: number): Header | null {
  for (let r = titleRow + 1; r <= titleRow + HEADER_SEARCH_ROWS; r++) {
    const row = grid.rows.get(r);
    if (!row) continue;
    const byKey = new Map<string, number>();
    for (const c of sortedKeys(row)) {
      const v = row.get(c);
      if (typeof v === 'string' && !byKey.has(keyOf(v))) byKey.set(keyOf(v), c);
    }
    if (!byKey.has('name') || !byKey.has('state')) continue;
    const columns: Header['columns'] = {};
    for (const [column, keys] of Object.entries(COLUMNS) as Array<[Column, readonly string[]]>) {
      const found = keys.map((k) => byKey.get(k)).find((c) => c !== undefined);
      if (found !== undefined) columns[column] = found;
    }
    // "FY25 ALOS" in FY25 files, "FY26 ALOS" in FY26 ones.
    const alos = [...byKey].find(([k]) => /^(?:fy ?\d{2,4} )?alos$/.test(k))?.[1];
    return { row: r, columns, alos };
  }
  return null;
}

const text = (v: Cell | undefined): string => (v === undefined ? '' : String(v).trim());

function numberOrNull(v: Cell | undefined): number | null {
  if (typeof v === 'number') return roundAdp(v);
  if (typeof v === 'string' && /^-?\d[\d,]*(\.\d+)?$/.test(v.trim())) return roundAdp(Number(v.replace(/,/g, '')));
  return null; // blank, "N/A"
}

/** A classification level's ADP; blank is none held (ICE leaves zero cells empty in some rows). */
const level = (v: Cell | undefined): number => numberOrNull(v) ?? 0;

/** ZIP with its leading zeros: 2863 -> "02863", "939" -> "00939", 787011234 or "78701-1234" -> "78701". */
function zipOf(v: Cell | undefined): string | null {
  if (v === undefined) return null;
  const digits = typeof v === 'number' ? String(Math.round(v)) : v.replace(/\s/g, '');
  const plus4 = /^(\d{5})-?\d{4}$/.exec(digits);
  if (plus4) return plus4[1];
  if (/^\d{8}$/.test(digits)) return `0${digits}`.slice(0, 5); // ZIP+4 that lost its leading zero
  if (/^\d{1,5}$/.test(digits)) return digits.padStart(5, '0');
  return digits || null;
}
