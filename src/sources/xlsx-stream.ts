/**
 * Reads an xlsx one sheet at a time, as a stream of rows, within `WorkbookLimits`: the
 * workbook's small parts (sheet list, shared strings, number formats, document properties)
 * are read first, then the sheet asked for is inflated and scanned chunk by chunk, so a
 * parse never holds more than the rows it keeps. Cell values come out as a full exceljs
 * load gives them (shared and rich text, formula results, errors, dates by number format,
 * hyperlinks), because the 287(g) parser's output must not change with the reader.
 */
import type ExcelJS from 'exceljs';
import type { WorkbookLimits } from './errors';
import { SheetReader, unescapeText, type StreamedCell, type StreamedRow } from './xlsx-sheet-reader';
import { readAttributes, scanXml, XmlScanner } from './xml-scan';
import { InflateBudget, inflatePart, readZipParts, streamPart, type ZipPart } from './zip-parts';

export type { StreamedCell, StreamedRow };

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
  readSheet(sheet: SheetEntry, onRow: (row: StreamedRow) => boolean | undefined): Promise<Map<string, string>>;
}

/** Number formats Excel builds in that exceljs reads as dates. */
const BUILT_IN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);
/** exceljs's date test: any of y m d h s b outside quotes and brackets. */
const isDateFormat = (code: string) => /[ymdhMsb]+/.test(code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));

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
      const reader = new SheetReader({
        strings,
        dateStyles,
        date1904: book.date1904,
        maxRows: limits.maxRows,
        sheetName: sheet.name,
        onRow,
        limits,
      });
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

/** What a hyperlink makes of a cell, as exceljs shows it: the text it had, and the target. */
export function withHyperlink(cell: StreamedCell, target: string): ExcelJS.CellValue {
  const text = cell.formula ? (cell.value as ExcelJS.CellFormulaValue).result : cell.value;
  return { text, hyperlink: target } as unknown as ExcelJS.CellValue;
}
