/**
 * Reads an xlsx one sheet at a time, as a stream of rows, within `WorkbookLimits`: the
 * workbook's small parts (sheet list, shared strings, number formats, document properties)
 * are read first, then the sheet asked for is inflated and scanned chunk by chunk, so a
 * parse never holds more than the rows it keeps. Cell values come out as a full exceljs
 * load gives them (shared and rich text, formula results, errors, dates by number format,
 * hyperlinks), because the 287(g) parser's output must not change with the reader.
 */
import type ExcelJS from 'exceljs';
import { rowsTooMany, WorkbookFormatError, type WorkbookLimits } from './errors';
import { readAttributes, scanXml, XmlScanner } from './xml-scan';
import { InflateBudget, inflatePart, readZipParts, streamPart, type ZipPart } from './zip-parts';

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

export interface SheetEntry {
  name: string;
  part: ZipPart;
  /** The number in the part's name (sheet3.xml), which names its relationships part. */
  sheetNo: string;
}

export interface StreamedWorkbook {
  /** The sheets in workbook order, as exceljs lists them (chart sheets and missing parts left out). */
  sheets: SheetEntry[];
  /** docProps/core.xml's modified time, when it has one. */
  modified: Date | null;
  /**
   * The rows of one sheet, in document order, stopping when `onRow` says so. Refuses the
   * workbook past the row or inflate cap. Returns the sheet's hyperlinks (cell address ->
   * target), which the sheet lists after its rows.
   */
  readSheet(sheet: SheetEntry, onRow: (row: StreamedRow) => boolean | void): Promise<Map<string, string>>;
}

const corrupt = (what: string) => new WorkbookFormatError('truncated', `not a workbook: truncated or corrupt ZIP (${what})`);
/** Number formats Excel builds in that exceljs reads as dates. */
const BUILT_IN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);
/** exceljs's date test: any of y m d h s b outside quotes and brackets. */
const isDateFormat = (code: string) => /[ymdhMsb]+/.test(code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
/** Excel's "_x000D_" escapes in shared-string text. */
const unescapeText = (text: string) => text.replace(/_x([0-9A-F]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
const excelToDate = (serial: unknown, date1904: boolean) =>
  new Date(Math.round((Number(serial) - 25569 + (date1904 ? 1462 : 0)) * 24 * 3600 * 1000));
/** exceljs decodes a `t="str"` value once more than the XML parser did. */
const decodeAgain = (text: string) =>
  text.replace(/&([a-z]*);/g, (c) => ({ '&lt;': '<', '&gt;': '>', '&amp;': '&', '&apos;': "'", '&quot;': '"' })[c] ?? c);

/** Opens a workbook: reads its directory and small parts within the limits. */
export async function openStreamedWorkbook(bytes: Buffer, limits: WorkbookLimits): Promise<StreamedWorkbook> {
  const parts = readZipParts(bytes);
  const budget = new InflateBudget(limits);
  const read = (name: string) => {
    const part = parts.get(name);
    return part ? inflatePart(bytes, part, budget) : null;
  };

  const rels = await readRelationships(read('xl/_rels/workbook.xml.rels'));
  const book = await readWorkbookXml(read('xl/workbook.xml'));
  const sheets: SheetEntry[] = [];
  for (const sheet of book.sheets) {
    const rel = rels.get(sheet.rId);
    if (!rel) continue;
    const path = `xl/${rel.replace(/^(\s|\/xl\/)+/, '')}`;
    const sheetNo = /xl\/worksheets\/sheet(\d+)[.]xml/.exec(path)?.[1];
    const part = parts.get(path);
    if (sheetNo && part) sheets.push({ name: sheet.name, part, sheetNo });
  }
  const strings = await readSharedStrings(read('xl/sharedStrings.xml'));
  const dateStyles = await readDateStyles(read('xl/styles.xml'));
  const modified = await readModified(read('docProps/core.xml'));

  return {
    sheets,
    modified,
    async readSheet(sheet, onRow) {
      const reader = new SheetReader({ strings, dateStyles, date1904: book.date1904, maxRows: limits.maxRows, sheetName: sheet.name, onRow, limits });
      const scanner = new XmlScanner(sheet.part.name, reader);
      for await (const chunk of streamPart(bytes, sheet.part, budget)) {
        scanner.write(chunk);
        if (reader.stopped) break;
      }
      if (!reader.stopped) scanner.end();
      const targets = await readRelationships(read(`xl/worksheets/_rels/sheet${sheet.sheetNo}.xml.rels`));
      const links = new Map<string, string>();
      for (const [address, rId] of reader.hyperlinks) {
        const target = targets.get(rId);
        if (target !== undefined) links.set(address, target);
      }
      return links;
    },
  };
}

/** Relationship id -> target. */
async function readRelationships(xml: Buffer | null): Promise<Map<string, string>> {
  const rels = new Map<string, string>();
  if (!xml) return rels;
  await scanXml('relationships', xml, {
    open(name, raw) {
      if (name !== 'Relationship') return;
      const a = readAttributes(raw);
      if (a.Id !== undefined && !rels.has(a.Id)) rels.set(a.Id, a.Target ?? '');
    },
    close() {},
    text() {},
  });
  return rels;
}

async function readWorkbookXml(xml: Buffer | null): Promise<{ sheets: Array<{ name: string; rId: string }>; date1904: boolean }> {
  const sheets: Array<{ name: string; rId: string }> = [];
  let date1904 = false;
  if (!xml) return { sheets, date1904 };
  await scanXml('xl/workbook.xml', xml, {
    open(name, raw) {
      if (name === 'sheet') {
        const a = readAttributes(raw);
        sheets.push({ name: a.name ?? '', rId: a['r:id'] ?? '' });
      } else if (name === 'workbookPr') date1904 = readAttributes(raw).date1904 === '1';
    },
    close() {},
    text() {},
  });
  return { sheets, date1904 };
}

/** The shared-string table as exceljs's full load reads it: plain text, or rich-text runs; phonetic runs ignored. */
async function readSharedStrings(xml: Buffer | null): Promise<ExcelJS.CellValue[]> {
  const strings: ExcelJS.CellValue[] = [];
  if (!xml) return strings;
  let item: { richText?: ExcelJS.RichText[] } | string | null = null;
  let run: ExcelJS.RichText | null = null;
  let text: string[] | null = null;
  let skip = 0; // inside <rPh> (phonetic guide) or <rPr> (run font)
  await scanXml('xl/sharedStrings.xml', xml, {
    open(name) {
      if (skip || name === 'rPh' || name === 'rPr') {
        if (name === 'rPh' || name === 'rPr' || skip) skip++;
      } else if (name === 'si') item = {};
      else if (name === 'r' && item !== null) run = {} as ExcelJS.RichText;
      else if (name === 't' && item !== null) text = [];
    },
    close(name) {
      if (skip) {
        skip--;
      } else if (name === 't' && text) {
        const value = unescapeText(text.join(''));
        if (run) run.text = value;
        else item = value;
        text = null;
      } else if (name === 'r' && run && item !== null) {
        if (typeof item !== 'string') (item.richText ??= []).push(run); // after a plain <t>, exceljs drops the run
        run = null;
      } else if (name === 'si' && item !== null) {
        strings.push(item as ExcelJS.CellValue);
        item = null;
      }
    },
    text(value) {
      if (text && !skip) text.push(value);
    },
  });
  return strings;
}

/** The cell styles (cellXfs positions) whose number format exceljs reads as a date. */
async function readDateStyles(xml: Buffer | null): Promise<Set<number>> {
  const formats = new Map<number, string>();
  const styleFormats: number[] = [];
  let inCellXfs = false;
  if (xml) {
    await scanXml('xl/styles.xml', xml, {
      open(name, raw) {
        if (name === 'numFmt') {
          const a = readAttributes(raw);
          formats.set(parseInt(a.numFmtId, 10), (a.formatCode ?? '').replace(/[\\](.)/g, '$1'));
        } else if (name === 'cellXfs') inCellXfs = true;
        else if (name === 'xf' && inCellXfs) styleFormats.push(parseInt(readAttributes(raw).numFmtId || '0', 10));
      },
      close(name) {
        if (name === 'cellXfs') inCellXfs = false;
      },
      text() {},
    });
  }
  const dates = new Set<number>();
  styleFormats.forEach((id, style) => {
    if (!id) return;
    const code = formats.get(id);
    if (code ? isDateFormat(code) : BUILT_IN_DATE_FORMATS.has(id)) dates.add(style);
  });
  return dates;
}

async function readModified(xml: Buffer | null): Promise<Date | null> {
  if (!xml) return null;
  let text: string[] | null = null;
  let modified: Date | null = null;
  await scanXml('docProps/core.xml', xml, {
    open(name) {
      if (name === 'dcterms:modified') text = [];
    },
    close(name) {
      if (name === 'dcterms:modified' && text) {
        modified = new Date(text.join(''));
        text = null;
      }
    },
    text(value) {
      text?.push(value);
    },
  });
  return modified;
}

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
  onRow: (row: StreamedRow) => boolean | void;
}

/** The sheet's XML to rows, cell by cell as exceljs's cell reader does. */
class SheetReader {
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
        this.cell = { address: a.r, style: a.s ? parseInt(a.s, 10) : 0, type: a.t, value: undefined, formula: undefined, shareType: undefined };
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

/** What a hyperlink makes of a cell, as exceljs shows it: the text it had, and the target. */
export function withHyperlink(cell: StreamedCell, target: string): ExcelJS.CellValue {
  const text = cell.formula ? (cell.value as ExcelJS.CellFormulaValue).result : cell.value;
  return { text, hyperlink: target } as unknown as ExcelJS.CellValue;
}
