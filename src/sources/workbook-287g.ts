/**
 * Reads ICE's 287(g) participating or pending workbook into a `ParsedList`. The table is
 * found by its header names, never by position: ICE has added, moved and padded columns
 * in every era of the file.
 */
import type ExcelJS from 'exceljs';
import { normalizeAgreementRow } from '../domain/agreements/normalize';
import { cleanText } from '../domain/text';
import type { Agreement, ParsedList } from '../domain/types';
import { assertLooksLikeXlsx, DEFAULT_WORKBOOK_LIMITS, WorkbookFormatError, WorkbookSchemaError, type WorkbookLimits } from './errors';
import {
  openStreamedWorkbook,
  withHyperlink,
  type SheetEntry,
  type StreamedCell,
  type StreamedRow,
  type StreamedWorkbook,
} from './xlsx-stream';

type Column = 'state' | 'agency' | 'type' | 'county' | 'model' | 'signed' | 'moa' | 'addendum';
type ColumnMap = Partial<Record<Column, number>>;

/** How far down a sheet to look for the header row (title rows sit above it in some exports). */
const HEADER_SCAN_ROWS = 20;

/**
 * Which column a header names. Order matters: "SUPPORT TYPE" must be the model before
 * "TYPE" is tried, and "AGENCY TYPE" is a type, not the agency.
 */
function classifyHeader(h: string): Column | null {
  if (h === 'STATE' || h.startsWith('STATE/') || h.startsWith('STATE (')) return 'state';
  if (h.includes('SUPPORT TYPE') || h.includes('MODEL')) return 'model';
  if (h === 'TYPE' || h.endsWith(' TYPE')) return 'type';
  if (h.includes('AGENCY')) return 'agency';
  if (h.startsWith('COUNTY')) return 'county';
  if (h.includes('SIGNED')) return 'signed';
  if (h.startsWith('MOA')) return 'moa';
  if (h.startsWith('ADDENDUM')) return 'addendum';
  return null;
}

/** The text a cell shows, whatever exceljs made of it (rich text, hyperlink, formula, error). */
function cellText(value: ExcelJS.CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // A date-formatted cell holding a serial out of Date's range is an Invalid Date: no text, not a RangeError.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('error' in value) return String(value.error);
  if ('hyperlink' in value) return cellText(value.text as ExcelJS.CellValue);
  if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
  return '';
}

/** A cell's value with formulas replaced by their results, so dates stay numbers or Dates; other objects as text. */
function cellScalar(value: ExcelJS.CellValue | undefined): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if ('result' in value) return cellScalar(value.result as ExcelJS.CellValue);
  return cellText(value); // an error cell becomes its code ('#N/A'), which reads as no county or no date
}

/**
 * The document a MOA/ADDENDUM cell points to: its hyperlink, else its text when that is
 * itself a URL (the derived January 2025 file). "link pending" without a link is null.
 */
function cellLink(value: ExcelJS.CellValue | undefined): string | null {
  if (value !== null && typeof value === 'object' && 'hyperlink' in value && value.hyperlink) return value.hyperlink;
  const text = cleanText(cellText(value));
  return /^(https?:|www\.)/i.test(text) ? text : null;
}

/** Where the 287(g) table is: its sheet, header row, columns, and headers in sheet order. */
interface Table {
  sheet: SheetEntry;
  headerRow: number;
  columns: ColumnMap;
  headers: string[];
}

/** The table a row names in its header cells, when it names state, agency and model. */
function tableIn(sheet: SheetEntry, row: StreamedRow): Table | null {
  const columns: ColumnMap = {};
  const headers: string[] = [];
  for (const col of [...row.cells.keys()].sort((a, b) => a - b)) {
    const text = cleanText(cellText(row.cells.get(col)!.value));
    const column = classifyHeader(text.toUpperCase());
    // The first column with a name wins; repeated and unknown columns are ignored.
    if (column && columns[column] === undefined) {
      columns[column] = col;
      headers.push(text);
    }
  }
  return columns.state && columns.agency && columns.model ? { sheet, headerRow: row.number, columns, headers } : null;
}

const hasValues = (row: StreamedRow) => [...row.cells.values()].some((c) => c.value !== null && c.value !== undefined);

/**
 * Streams the sheets in workbook order until one has a header row naming state, agency
 * and model in its first rows, then keeps that sheet's rows below the header (the mapped
 * columns only). A sheet without such a header is read only as far as its first rows.
 */
async function readTable(book: StreamedWorkbook): Promise<{ table: Table; rows: StreamedRow[]; links: Map<string, string> }> {
  let anyValues = false;
  for (const sheet of book.sheets) {
    let table: Table | null = null;
    const rows: StreamedRow[] = [];
    const links = await book.readSheet(sheet, (row) => {
      if (table) {
        if (row.number <= table.headerRow) return;
        const kept = new Map<number, StreamedCell>();
        for (const col of Object.values(table.columns)) {
          const cell = row.cells.get(col);
          if (cell) kept.set(col, cell);
        }
        rows.push({ number: row.number, cells: kept });
        return;
      }
      const values = hasValues(row);
      anyValues ||= values;
      if (row.number > HEADER_SCAN_ROWS) return !values; // past the header rows: this sheet has no table
      if (values) table = tableIn(sheet, row);
    });
    if (table) return { table, rows, links };
  }
  if (!anyValues) throw new WorkbookSchemaError('no-rows', 'empty workbook: no rows');
  const names = book.sheets.map((s) => `'${s.name}'`).join(', ');
  throw new WorkbookSchemaError(
    'no-header',
    `no sheet has a header row with STATE, LAW ENFORCEMENT AGENCY and SUPPORT TYPE (sheets: ${names})`,
  );
}

/** Collects warnings so one cause seen on many rows is one line naming the rows. */
class WarningLog {
  private readonly rowsByWarning = new Map<string, number[]>();

  add(warning: string, row: number): void {
    const rows = this.rowsByWarning.get(warning);
    if (rows) rows.push(row);
    else this.rowsByWarning.set(warning, [row]);
  }

  lines(): string[] {
    return [...this.rowsByWarning].map(([warning, rows]) => {
      if (rows.length === 1) return `${warning} (row ${rows[0]})`;
      const shown = rows.slice(0, 5).join(', ') + (rows.length > 5 ? ', ...' : '');
      return `${warning} (${rows.length} rows: ${shown})`;
    });
  }
}

/** Rows between two turns of the event loop: a few milliseconds of work. */
const ROWS_PER_TURN = 2_000;

/**
 * Parses a 287(g) workbook, reading only the sheet that holds the table, as a stream, within
 * `limits`. `detectedKind` says which list the header describes (a participating list has
 * SIGNED), whatever the file was published as.
 * @throws WorkbookFormatError when the bytes are not a readable xlsx, or inflate past the cap ('too-large').
 * @throws WorkbookSchemaError when no 287(g) table can be found in it, or its sheet has more rows than the cap ('too-large').
 */
export async function parse287gWorkbook(bytes: Buffer, limits: WorkbookLimits = DEFAULT_WORKBOOK_LIMITS): Promise<ParsedList> {
  assertLooksLikeXlsx(bytes);
  let book: StreamedWorkbook;
  let read: Awaited<ReturnType<typeof readTable>>;
  try {
    book = await openStreamedWorkbook(bytes, limits);
    read = await readTable(book);
  } catch (err) {
    if (err instanceof WorkbookFormatError || err instanceof WorkbookSchemaError) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new WorkbookFormatError('truncated', `not a workbook: truncated or corrupt ZIP (${detail})`, { cause: err });
  }
  const { table, rows: sheetRows, links } = read;
  const { columns, headers } = table;
  const log = new WarningLog();
  const rows: Agreement[] = [];

  for (const [i, row] of sheetRows.entries()) {
    if (i && i % ROWS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    const r = row.number;
    // A cell's value as exceljs shows it, with its hyperlink (listed after the rows) in place.
    const valueAt = (col: number | undefined): ExcelJS.CellValue | undefined => {
      const cell = col ? row.cells.get(col) : undefined;
      if (!cell) return undefined;
      const link = links.get(cell.address);
      return link === undefined ? cell.value : withHyperlink(cell, link);
    };
    // Raw cell text; normalizeAgreementRow cleans it once. trim() already folds NBSP for the blank checks.
    const text = (col: number | undefined) => (col ? cellText(valueAt(col)) : '');
    const state = text(columns.state);
    const agency = text(columns.agency);
    if (!agency.trim()) {
      const rest = (['model', 'type', 'county', 'signed'] as const).some((c) => text(columns[c]).trim());
      // Blank rows are padding; a row with content but no agency cannot be an agreement.
      if (state.trim() || rest) log.add('row without LAW ENFORCEMENT AGENCY skipped', r);
      continue;
    }
    if (state.trim().toUpperCase() === 'STATE' && classifyHeader(cleanText(agency).toUpperCase()) === 'agency') {
      log.add('repeated header row skipped', r);
      continue;
    }
    const rawCell = (col: number | undefined) => (col ? cellScalar(valueAt(col)) : null);
    const { agreement, warnings } = normalizeAgreementRow({
      state,
      agency,
      model: text(columns.model),
      type: text(columns.type),
      county: rawCell(columns.county),
      signed: columns.signed ? (rawCell(columns.signed) ?? null) : undefined,
      moaUrl: columns.moa ? cellLink(valueAt(columns.moa)) : null,
      addendumUrl: columns.addendum ? cellLink(valueAt(columns.addendum)) : null,
    });
    for (const w of warnings) log.add(w, r);
    rows.push(agreement);
  }

  return {
    detectedKind: columns.signed ? 'participating' : 'pending',
    sheetName: table.sheet.name,
    headers, // in sheet order
    rows,
    warnings: log.lines(),
    modifiedInFile: validDate(book.modified),
  };
}

/** The workbook's docProps modified time: evidence of when ICE edited it, never used to date a snapshot. */
function validDate(value: unknown): string | null {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : null;
}
