/**
 * Reads the sheets of ICE's detention-statistics workbook that matter into grids of cells,
 * within the workbook limits: the ZIP is measured before anything is inflated, rebuilt in
 * the order the streaming reader needs, and every sheet but Header, Footnotes, the
 * Detention sheets and the Facilities sheets is skipped unparsed (the facility-segregation sheet alone is 11 MB).
 * detention-workbook.ts finds the tables in these grids.
 */
import { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { cleanText } from '../domain/text';
import { assertLooksLikeXlsx, rowsTooMany, WorkbookFormatError, WorkbookSchemaError, type WorkbookLimits } from './errors';
import { assertInflatesWithin, InflateBudget, readZipParts, rebuildZip, type ZipPart } from './zip-parts';

/**
 * exceljs and its dependencies were 600 of the 1,000 module files the bot loaded at start (half
 * its start-up time, some 15 MB): they load with the first detention workbook instead. Typed by
 * the `import type` above; require, not import(), as in src/charts/render-chart.ts.
 */
const exceljs = (): typeof ExcelJS => require('exceljs') as typeof ExcelJS;

export type Cell = string | number;
/** A sheet as read: its non-empty cells by row, then column (1-based), text cleaned. */
export type Grid = { name: string; rows: Map<number, Map<number, Cell>> };

/** What the streaming reader's worksheets carry at run time; exceljs's typings omit `name` and `iterator`. */
interface StreamedSheet extends AsyncIterable<ExcelJS.Row> {
  name: string;
  /** The sheet's XML: a temp-file stream when the ZIP stores sharedStrings.xml after the sheets (ICE's files do). */
  iterator: unknown;
}

const ZIP_END = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
/** The end record is 22 bytes plus a comment of up to 65,535. */
const ZIP_END_SEARCH = 22 + 65_535;

/** Text folded for matching titles, headers and row labels: "ICE  " -> "ice", "Book-Ins: FY2026" -> "book ins fy2026". */
export function keyOf(text: string): string {
  return cleanText(text)
    .toLowerCase()
    .replace(/[:;,.()\-\u2013\u2014]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Only these sheets are parsed; every other one is skipped without reading its rows. */
function isWantedSheet(name: string): boolean {
  const key = keyOf(name);
  return key === 'header' || key === 'footnotes' || key.startsWith('detention') || key.startsWith('facilities');
}

/**
 * The cells of the wanted sheets (Header, Footnotes, the Detention and Facilities sheets) and the names of
 * all sheets, read within `limits`.
 * @throws WorkbookFormatError when the bytes are not a whole xlsx, or inflate past the cap.
 * @throws WorkbookSchemaError when a wanted sheet has more rows than the cap.
 */
export async function readDetentionSheets(bytes: Buffer, limits: WorkbookLimits): Promise<Sheets> {
  assertCompleteXlsx(bytes);
  return readWantedSheets(await boundedInOrder(bytes, limits), limits);
}

/** Refuses what cannot be an xlsx (shared check), and a ZIP cut short. */
function assertCompleteXlsx(bytes: Buffer): void {
  assertLooksLikeXlsx(bytes);
  // A ZIP ends with its directory; without it the body was cut short. Checked here because the
  // streaming reader finds out only at the end, leaving the sheets it parked in temp files behind.
  if (bytes.subarray(-ZIP_END_SEARCH).lastIndexOf(ZIP_END) === -1) {
    throw new WorkbookFormatError('truncated', 'not a workbook: truncated ZIP (no end-of-central-directory record)');
  }
}

/**
 * The workbook after its parts were measured against the inflate cap (inflated once, the
 * bytes discarded), rebuilt with the parts in the order a streaming reader needs: the sheet
 * list and shared strings before the sheets. ICE stores sharedStrings.xml after the sheets,
 * which made exceljs park every sheet in a temporary file first (1.2 GB for a 1.4 MB bomb);
 * in this order it parks none, and reads nothing the ZIP's directory does not list.
 */
async function boundedInOrder(bytes: Buffer, limits: WorkbookLimits): Promise<Buffer> {
  let parts: ZipPart[];
  try {
    parts = [...readZipParts(bytes).values()].filter((p) => !p.name.endsWith('/'));
    await assertInflatesWithin(bytes, parts, new InflateBudget(limits));
  } catch (err) {
    if (err instanceof WorkbookFormatError) throw err;
    throw new WorkbookFormatError('truncated', `not a workbook: truncated or corrupt ZIP (${(err as Error).message})`, { cause: err });
  }
  const rank = (name: string) => (/^xl\/worksheets\/sheet\d+\.xml$/.test(name) ? 1 : 0);
  return rebuildZip(
    bytes,
    [...parts].sort((a, b) => rank(a.name) - rank(b.name)),
  );
}

/** The wanted sheets' cells, and the names of all sheets (for messages). */
type Sheets = { grids: Grid[]; sheetNames: string[] };

/**
 * Reads the wanted sheets, streaming when it can. The streaming reader (unzipper 0.10 under
 * it) stops at its input's end and loses entries parsed but not yet handed over: a late
 * xl/workbook.xml, which names the sheets (exceljs's own writer stores it last; Excel, and so
 * ICE, first), or sharedStrings.xml. Such files get a full load, slower but whole.
 */
async function readWantedSheets(bytes: Buffer, limits: WorkbookLimits): Promise<Sheets> {
  const namesFirst = bytes.indexOf('xl/workbook.xml') < bytes.indexOf('xl/worksheets/sheet'); // local headers, in ZIP order
  const refuseTooMany = (err: unknown) => {
    if (err instanceof WorkbookSchemaError) throw err;
    return null;
  };
  let sheets: Sheets | null = namesFirst ? await streamWantedSheets(bytes, limits).catch(refuseTooMany) : null;
  try {
    sheets ??= await loadWantedSheets(bytes, limits);
  } catch (err) {
    if (err instanceof WorkbookSchemaError) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new WorkbookFormatError('truncated', `not a workbook: truncated or corrupt ZIP (${detail})`, { cause: err });
  }
  if (!sheets.sheetNames.length)
    throw new WorkbookFormatError('truncated', 'not a workbook: a ZIP without worksheets (truncated, or another kind of file)');
  return sheets;
}

/**
 * Streams the workbook, keeping the cells of the wanted sheets. A skipped sheet is never
 * iterated, so its XML is never parsed; when exceljs parked it in a temp file (it does for
 * every sheet stored before sharedStrings.xml, as in ICE's files) that file's read stream
 * is closed here, or each parse would leak a file descriptor per skipped sheet. Throws
 * when the reader lost an entry.
 */
async function streamWantedSheets(bytes: Buffer, limits: WorkbookLimits): Promise<Sheets> {
  const reader = new (exceljs().stream.xlsx.WorkbookReader)(Readable.from([bytes], { objectMode: false }), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore', // so dates arrive as serial numbers (epoch 1899-12-30)
  });
  const grids: Grid[] = [];
  const sheetNames: string[] = [];
  for await (const sheet of reader as unknown as AsyncIterable<StreamedSheet>) {
    sheetNames.push(sheet.name);
    if (!isWantedSheet(sheet.name) || grids.some((g) => keyOf(g.name) === keyOf(sheet.name))) {
      if (sheet.iterator instanceof Readable) {
        sheet.iterator.on('error', () => {}); // its temp file may be deleted before it opens: nothing to read anyway
        sheet.iterator.destroy();
      }
      continue;
    }
    const grid: Grid = { name: sheet.name, rows: new Map() };
    let rows = 0;
    for await (const row of sheet) {
      if (++rows > limits.maxRows) throw rowsTooMany(limits, sheet.name);
      addRow(grid, row, true);
    }
    grids.push(grid);
  }
  const declared = (reader as unknown as { model?: { sheets?: unknown[] } }).model?.sheets?.length ?? 0;
  if (sheetNames.length < declared) throw new Error(`the streaming reader saw ${sheetNames.length} of ${declared} sheets`);
  return { grids, sheetNames };
}

/** The same from a full exceljs load: every sheet is parsed. */
async function loadWantedSheets(bytes: Buffer, limits: WorkbookLimits): Promise<Sheets> {
  const workbook = new (exceljs().Workbook)();
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer); // exceljs declares its own Buffer type
  const grids: Grid[] = [];
  for (const sheet of workbook.worksheets) {
    if (!isWantedSheet(sheet.name) || grids.some((g) => keyOf(g.name) === keyOf(sheet.name))) continue;
    const grid: Grid = { name: sheet.name, rows: new Map() };
    if (sheet.actualRowCount > limits.maxRows) throw rowsTooMany(limits, sheet.name);
    sheet.eachRow((row) => addRow(grid, row, false));
    grids.push(grid);
  }
  return { grids, sheetNames: workbook.worksheets.map((s) => s.name) };
}

function addRow(grid: Grid, row: ExcelJS.Row, streaming: boolean): void {
  const cells = new Map<number, Cell>();
  row.eachCell((cell, col) => {
    const value = cell.value;
    // The streaming reader leaves {sharedString: n} when it lost sharedStrings.xml.
    if (streaming && value && typeof value === 'object' && 'sharedString' in value)
      throw new Error('the streaming reader lost the shared strings');
    const scalar = scalarOf(value);
    if (scalar !== null) cells.set(col, scalar);
  });
  if (cells.size) grid.rows.set(row.number, cells);
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/** A cell as a number or cleaned text (formulas by result, rich text joined, a Date as its serial); null when empty or an error. */
function scalarOf(value: ExcelJS.CellValue): Cell | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') return cleanText(value) || null;
  if (value instanceof Date) return (value.getTime() - EXCEL_EPOCH_MS) / 86_400_000; // only a full load makes Dates
  if (typeof value !== 'object') return null;
  if ('richText' in value) return cleanText(value.richText.map((run) => run.text ?? '').join('')) || null;
  if ('result' in value) return scalarOf(value.result as ExcelJS.CellValue);
  if ('text' in value && typeof value.text === 'string') return cleanText(value.text) || null; // a hyperlink
  return null;
}
