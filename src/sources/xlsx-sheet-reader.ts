/**
 * One worksheet's XML to rows, cell by cell as exceljs's cell reader does (shared and rich
 * text, formula results, errors, dates by number format), for xlsx-stream.ts, which feeds it
 * the sheet chunk by chunk and stops when it says so. Refuses a sheet past the row cap.
 */
import type ExcelJS from 'exceljs';
import { rowsTooMany, WorkbookFormatError, type WorkbookLimits } from './errors';
import { readAttributes } from './xml-scan';

/** A cell as read: its address ("G12") and value; `undefined` is a cell with neither value nor style. */
export interface StreamedCell {
  address: string;
  value: ExcelJS.CellValue | undefined;
  /** A formula's cell: a hyperlink on it shows the result. */
  formula: boolean;
}

export interface StreamedRow {
  number: number;
  /** By column number (1-based), in the order the sheet lists them. */
  cells: Map<number, StreamedCell>;
}

const corrupt = (what: string) => new WorkbookFormatError('truncated', `not a workbook: truncated or corrupt ZIP (${what})`);
/** Excel's "_x000D_" escapes in shared-string text. */
export const unescapeText = (text: string) => text.replace(/_x([0-9A-F]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
const excelToDate = (serial: unknown, date1904: boolean) =>
  new Date(Math.round((Number(serial) - 25569 + (date1904 ? 1462 : 0)) * 24 * 3600 * 1000));
/** exceljs decodes a `t="str"` value once more than the XML parser did. */
const decodeAgain = (text: string) =>
  text.replace(/&([a-z]*);/g, (c) => ({ '&lt;': '<', '&gt;': '>', '&amp;': '&', '&apos;': "'", '&quot;': '"' })[c] ?? c);

/** A cell while its element is open. */
interface OpenCell {
  address: string;
  style: number;
  type: string | undefined;
  value: string | { richText: ExcelJS.RichText[] } | undefined;
  formula: string | undefined;
  shareType: string | undefined;
}

interface SheetReaderOptions {
  strings: ExcelJS.CellValue[];
  dateStyles: Set<number>;
  date1904: boolean;
  maxRows: number;
  sheetName: string;
  limits: WorkbookLimits;
  onRow: (row: StreamedRow) => boolean | undefined;
}

/** The sheet's XML to rows, cell by cell as exceljs's cell reader does. */
export class SheetReader {
  stopped = false;
  /** Cell address -> relationship id, from <hyperlinks> after the rows. */
  readonly hyperlinks = new Map<string, string>();
  private rows = 0;
  private row: StreamedRow | null = null;
  private cell: OpenCell | null = null;
  private node: 'f' | 'v' | 't' | null = null;
  private run: ExcelJS.RichText | null = null;
  private runText: string[] | null = null;

  constructor(private readonly o: SheetReaderOptions) {}

  open(name: string, raw: string): void {
    if (this.stopped) return;
    const cell = this.cell;
    if (this.run) {
      if (name === 't') this.runText = [];
      return;
    }
    switch (name) {
      case 'row': {
        if (++this.rows > this.o.maxRows) throw rowsTooMany(this.o.limits, this.o.sheetName);
        this.row = { number: parseInt(readAttributes(raw).r, 10), cells: new Map() };
        break;
      }
      case 'c': {
        if (!this.row) break;
        const a = readAttributes(raw);
        if (a.r === undefined) throw corrupt(`a cell without an address in row ${this.row.number} of ${this.o.sheetName}`);
        this.cell = {
          address: a.r,
          style: a.s ? parseInt(a.s, 10) : 0,
          type: a.t,
          value: undefined,
          formula: undefined,
          shareType: undefined,
        };
        break;
      }
      case 'f':
        if (cell) {
          this.node = 'f';
          cell.shareType = readAttributes(raw).t;
        }
        break;
      case 'v':
      case 't':
        if (cell) this.node = name;
        break;
      case 'r':
        if (cell) this.run = {} as ExcelJS.RichText;
        break;
      case 'hyperlink': {
        const a = readAttributes(raw);
        if (a['r:id'] && a.ref !== undefined) this.hyperlinks.set(a.ref, a['r:id']);
        break;
      }
    }
  }

  text(text: string): void {
    if (this.runText) this.runText.push(text);
    else if (this.cell && !this.run && this.node) {
      if (this.node === 'f') this.cell.formula = (this.cell.formula ?? '') + text;
      else if (typeof this.cell.value !== 'object') this.cell.value = (this.cell.value ?? '') + text;
    }
  }

  close(name: string): void {
    if (this.stopped) return;
    if (this.run) {
      if (name === 't' && this.runText) {
        this.run.text = unescapeText(this.runText.join(''));
        this.runText = null;
      } else if (name === 'r') {
        const cell = this.cell!;
        if (typeof cell.value !== 'object') cell.value = { richText: [] };
        cell.value.richText.push(this.run);
        this.run = null;
      }
      return;
    }
    switch (name) {
      case 'f':
      case 'v':
      case 't':
      case 'is':
        this.node = null;
        break;
      case 'c':
        if (this.cell && this.row) {
          const col = columnOf(this.cell.address);
          if (!col) throw corrupt(`cell address '${this.cell.address}' in ${this.o.sheetName}`);
          this.row.cells.set(col, this.finishCell(this.cell));
        }
        this.cell = null;
        this.node = null;
        break;
      case 'row':
        if (this.row && this.o.onRow(this.row) === false) this.stopped = true;
        this.row = null;
        break;
    }
  }

  /** exceljs's cell reader and its reconcile step, in one. */
  private finishCell(c: OpenCell): StreamedCell {
    const isDate = c.style > 0 && this.o.dateStyles.has(c.style);
    const raw = c.value;
    if (c.formula || c.shareType) {
      let result: ExcelJS.CellValue | undefined;
      if (typeof raw === 'string' && raw) {
        if (c.type === 'str') result = decodeAgain(raw);
        else if (c.type === 'b') result = parseInt(raw, 10) !== 0;
        else if (c.type === 'e') result = { error: raw } as ExcelJS.CellErrorValue;
        else result = parseFloat(raw);
      } else if (raw) result = NaN; // rich text where a result belongs: exceljs parses it as a number
      if (result !== undefined && isDate) result = excelToDate(result, this.o.date1904);
      return { address: c.address, value: { formula: c.formula ?? '', result } as ExcelJS.CellFormulaValue, formula: true };
    }
    let value: ExcelJS.CellValue | undefined;
    if (raw === undefined) value = c.style ? null : undefined;
    else if (typeof raw === 'object') value = raw as ExcelJS.CellValue;
    else {
      switch (c.type) {
        case 's':
          value = this.o.strings[parseInt(raw, 10)];
          if (value === undefined) throw corrupt(`shared string ${raw} at ${c.address} does not exist`);
          break;
        case 'str':
          value = decodeAgain(raw);
          break;
        case 'inlineStr':
          value = raw;
          break;
        case 'b':
          value = parseInt(raw, 10) !== 0;
          break;
        case 'e':
          value = { error: raw } as ExcelJS.CellErrorValue;
          break;
        default:
          value = isDate ? excelToDate(parseFloat(raw), this.o.date1904) : parseFloat(raw);
      }
    }
    return { address: c.address, value, formula: false };
  }
}

/** "AB12" -> 28; 0 for an address that is not one. */
function columnOf(address: string): number {
  let col = 0;
  for (let i = 0; i < address.length; i++) {
    const code = address.charCodeAt(i);
    if (code >= 65 && code <= 90) col = col * 26 + code - 64;
    else if (code >= 97 && code <= 122) col = col * 26 + code - 96;
    else break;
  }
  return col;
}
