/**
 * Reads ICE's 287(g) participating or pending workbook into a `ParsedList`. The table is
 * found by its header names, never by position: ICE has added, moved and padded columns
 * in every era of the file.
 */
import ExcelJS from 'exceljs';
import { normalizeAgreementRow } from '../domain/normalize';
import { cleanText } from '../domain/text';
import type { Agreement, ParsedList } from '../domain/types';
import { assertLooksLikeXlsx, WorkbookFormatError, WorkbookSchemaError } from './errors';

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
function cellText(value: ExcelJS.CellValue): string {
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
function cellScalar(value: ExcelJS.CellValue): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if ('result' in value) return cellScalar(value.result as ExcelJS.CellValue);
  return cellText(value); // an error cell becomes its code ('#N/A'), which reads as no county or no date
}

/**
 * The document a MOA/ADDENDUM cell points to: its hyperlink, else its text when that is
 * itself a URL (the derived January 2025 file). "link pending" without a link is null.
 */
function cellLink(cell: ExcelJS.Cell | undefined): string | null {
  if (!cell) return null;
  const value = cell.value;
  if (value !== null && typeof value === 'object' && 'hyperlink' in value && value.hyperlink) return value.hyperlink;
  const text = cleanText(cellText(value));
  return /^(https?:|www\.)/i.test(text) ? text : null;
}

interface Table {
  sheet: ExcelJS.Worksheet;
  headerRow: number;
  columns: ColumnMap;
  headers: string[];
}

/** Finds the first sheet with a header row naming state, agency and model, in its first rows. */
function findTable(workbook: ExcelJS.Workbook): Table {
  const sheets = workbook.worksheets;
  if (sheets.every((s) => s.actualRowCount === 0)) throw new WorkbookSchemaError('no-rows', 'empty workbook: no rows');
  for (const sheet of sheets) {
    const last = Math.min(sheet.rowCount, HEADER_SCAN_ROWS);
    for (let r = 1; r <= last; r++) {
      const row = sheet.findRow(r);
      if (!row) continue;
      const columns: ColumnMap = {};
      const headers: string[] = [];
      row.eachCell((cell, col) => {
        const text = cleanText(cellText(cell.value));
        const column = classifyHeader(text.toUpperCase());
        // The first column with a name wins; repeated and unknown columns are ignored.
        if (column && columns[column] === undefined) {
          columns[column] = col;
          headers.push(text);
        }
      });
      if (columns.state && columns.agency && columns.model) return { sheet, headerRow: r, columns, headers };
    }
  }
  const names = sheets.map((s) => `'${s.name}'`).join(', ');
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

/**
 * Parses a 287(g) workbook. `detectedKind` says which list the header describes (a
 * participating list has SIGNED), whatever the file was published as.
 * @throws WorkbookFormatError when the bytes are not a readable xlsx.
 * @throws WorkbookSchemaError when no 287(g) table can be found in it.
 */
export async function parse287gWorkbook(bytes: Buffer): Promise<ParsedList> {
  assertLooksLikeXlsx(bytes);
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares its own ArrayBuffer-like `Buffer`; a Node Buffer is what it reads.
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new WorkbookFormatError('truncated', `not a workbook: truncated or corrupt ZIP (${detail})`, { cause: err });
  }
  const { sheet, headerRow, columns, headers } = findTable(workbook);
  const log = new WarningLog();
  const rows: Agreement[] = [];
  // Raw cell text; normalizeAgreementRow cleans it once. trim() already folds NBSP for the blank checks.
  const text = (row: ExcelJS.Row, col: number | undefined) => (col ? cellText(row.findCell(col)?.value) : '');

  sheet.eachRow((row, r) => {
    if (r <= headerRow) return;
    const state = text(row, columns.state);
    const agency = text(row, columns.agency);
    if (!agency.trim()) {
      const rest = (['model', 'type', 'county', 'signed'] as const).some((c) => text(row, columns[c]).trim());
      // Blank rows are padding; a row with content but no agency cannot be an agreement.
      if (state.trim() || rest) log.add('row without LAW ENFORCEMENT AGENCY skipped', r);
      return;
    }
    if (state.trim().toUpperCase() === 'STATE' && classifyHeader(cleanText(agency).toUpperCase()) === 'agency') {
      log.add('repeated header row skipped', r);
      return;
    }
    const rawCell = (col: number | undefined) => (col ? cellScalar(row.findCell(col)?.value) : null);
    const { agreement, warnings } = normalizeAgreementRow({
      state,
      agency,
      model: text(row, columns.model),
      type: text(row, columns.type),
      county: rawCell(columns.county),
      signed: columns.signed ? (rawCell(columns.signed) ?? null) : undefined,
      moaUrl: columns.moa ? cellLink(row.findCell(columns.moa)) : null,
      addendumUrl: columns.addendum ? cellLink(row.findCell(columns.addendum)) : null,
    });
    for (const w of warnings) log.add(w, r);
    rows.push(agreement);
  });

  return {
    detectedKind: columns.signed ? 'participating' : 'pending',
    sheetName: sheet.name,
    headers, // in sheet order: eachCell walks left to right
    rows,
    warnings: log.lines(),
    modifiedInFile: validDate(workbook.modified),
  };
}

/** The workbook's docProps modified time: evidence of when ICE edited it, never used to date a snapshot. */
function validDate(value: unknown): string | null {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : null;
}

