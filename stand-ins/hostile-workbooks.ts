/**
 * Hostile workbooks, built here in milliseconds: an inflation bomb (a few KB of ZIP whose
 * sheet XML inflates to hundreds of MB) and a sheet of a million rows, both carrying a real
 * 287(g) header so that only the caps can refuse them. The ZIPs are written by hand: the
 * bomb's sheet is one compressed block repeated (a full flush makes each copy stand alone),
 * which no library writes, and the CRCs are left 0 (readers of xlsx do not check them).
 */
import { constants, deflateRawSync } from 'node:zlib';

const HEADER_ROW =
  '<row r="1"><c r="A1" t="inlineStr"><is><t>STATE</t></is></c><c r="B1" t="inlineStr"><is><t>LAW ENFORCEMENT AGENCY</t></is></c>' +
  '<c r="C1" t="inlineStr"><is><t>SUPPORT TYPE</t></is></c><c r="D1" t="inlineStr"><is><t>SIGNED</t></is></c></row>';
const SHEET_HEAD =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData>' +
  HEADER_ROW;
const SHEET_TAIL = '</sheetData></worksheet>';

const SMALL_PARTS: Array<[string, string]> = [
  [
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
  ],
  [
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
  ],
  [
    'xl/workbook.xml',
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Participating" sheetId="1" r:id="rId1"/></sheets></workbook>',
  ],
  [
    'xl/_rels/workbook.xml.rels',
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
  ],
];

interface Part {
  name: string;
  /** Deflated data. */
  data: Buffer;
  /** What its local and central headers declare as the inflated size. */
  declaredSize: number;
}

/** A ZIP of deflated parts, with the sizes declared as given. */
function zip(parts: Part[]): Buffer {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const { name, data, declaredSize } of parts) {
    const n = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(declaredSize >>> 0, 22);
    local.writeUInt16LE(n.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(declaredSize >>> 0, 24);
    entry.writeUInt16LE(n.length, 28);
    entry.writeUInt32LE(offset, 42);
    chunks.push(local, n, data);
    central.push(entry, n);
    offset += 30 + n.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, directory, end]);
}

const deflated = (name: string, text: string): Part => ({ name, data: deflateRawSync(text), declaredSize: Buffer.byteLength(text) });
/** A deflate stream's opening, one flushed block standing alone (a full flush resets the window), and its end. */
const flushed = (text: string) => deflateRawSync(text, { finishFlush: constants.Z_FULL_FLUSH });
const FINAL_BLOCK = deflateRawSync(Buffer.alloc(0));

/**
 * A 287(g) workbook whose one sheet inflates to about `inflatedMb` MB: the header row, then
 * one row whose agency cell is that many megabytes of "A". `declared` is the size the ZIP
 * claims for the sheet: the true one, or a lie (a small number) that only inflating finds out.
 */
export function inflationBomb(inflatedMb: number, declared: 'true' | 'lie' = 'lie'): Buffer {
  const megabyte = flushed('A'.repeat(1024 * 1024));
  const sheet = Buffer.concat([
    flushed(SHEET_HEAD + '<row r="2"><c r="A2" t="inlineStr"><is><t>TX</t></is></c><c r="B2" t="inlineStr"><is><t>'),
    ...Array<Buffer>(inflatedMb).fill(megabyte),
    flushed('</t></is></c></row>' + SHEET_TAIL),
    FINAL_BLOCK,
  ]);
  const size = Buffer.byteLength(SHEET_HEAD) + inflatedMb * 1024 * 1024 + 200;
  return zip([
    ...SMALL_PARTS.map(([n, t]) => deflated(n, t)),
    { name: 'xl/worksheets/sheet1.xml', data: sheet, declaredSize: declared === 'true' ? size : 60_000 },
  ]);
}

/**
 * A 287(g) workbook with `rows` agreement rows (a million by default), each a distinct Texas
 * agency signed the same day: what an attacker or a broken export could publish. Written in
 * blocks of 10,000 rows, deflated at the fastest level.
 */
export function manyRowsWorkbook(rows = 1_000_000): Buffer {
  const blocks: Buffer[] = [flushed(SHEET_HEAD)];
  for (let from = 2; from < rows + 2; from += 10_000) {
    let xml = '';
    for (let r = from; r < Math.min(from + 10_000, rows + 2); r++) {
      xml += `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>TX</t></is></c><c r="B${r}" t="inlineStr"><is><t>Agency ${r}</t></is></c><c r="C${r}" t="inlineStr"><is><t>Task Force Model</t></is></c><c r="D${r}"><v>45785</v></c></row>`;
    }
    blocks.push(deflateRawSync(xml, { level: 1, finishFlush: constants.Z_FULL_FLUSH }));
  }
  blocks.push(flushed(SHEET_TAIL), FINAL_BLOCK);
  return zip([
    ...SMALL_PARTS.map(([n, t]) => deflated(n, t)),
    { name: 'xl/worksheets/sheet1.xml', data: Buffer.concat(blocks), declaredSize: 0 },
  ]);
}

/**
 * A detention-statistics-shaped bomb: a "Detention FY26" sheet stored before sharedStrings.xml
 * (as in ICE's files, which made exceljs park it in a temporary file) that inflates to
 * `inflatedMb` MB.
 */
export function detentionBomb(inflatedMb: number): Buffer {
  const megabyte = flushed('A'.repeat(1024 * 1024));
  const sheet = Buffer.concat([
    flushed(SHEET_HEAD.replace(HEADER_ROW, '') + '<row r="1"><c r="A1" t="inlineStr"><is><t>'),
    ...Array<Buffer>(inflatedMb).fill(megabyte),
    flushed('</t></is></c></row>' + SHEET_TAIL),
    FINAL_BLOCK,
  ]);
  const parts = SMALL_PARTS.map(([n, t]) => deflated(n, n === 'xl/workbook.xml' ? t.replace('Participating', 'Detention FY26') : t));
  return zip([
    ...parts,
    { name: 'xl/worksheets/sheet1.xml', data: sheet, declaredSize: 60_000 },
    deflated(
      'xl/sharedStrings.xml',
      '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>',
    ),
  ]);
}

/** One row of a generated 287(g) list: text cells, or an Excel error value (`{ error: '#REF!' }`). */
export interface GeneratedRow {
  state: string | { error: string };
  agency: string;
  model: string | { error: string };
  /** An Excel date serial (45785 is 2025-05-08). */
  signed: number;
}

const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cell = (ref: string, value: string | { error: string }) =>
  typeof value === 'string'
    ? `<c r="${ref}" t="inlineStr"><is><t>${xmlText(value)}</t></is></c>`
    : `<c r="${ref}" t="e"><v>${xmlText(value.error)}</v></c>`;

/** A participating list (STATE, LAW ENFORCEMENT AGENCY, SUPPORT TYPE, SIGNED) of exactly these rows. */
export function workbookOfRows(rows: readonly GeneratedRow[]): Buffer {
  let xml = SHEET_HEAD;
  rows.forEach((row, i) => {
    const r = i + 2;
    xml += `<row r="${r}">${cell(`A${r}`, row.state)}${cell(`B${r}`, row.agency)}${cell(`C${r}`, row.model)}<c r="D${r}"><v>${row.signed}</v></c></row>`;
  });
  xml += SHEET_TAIL;
  return zip([...SMALL_PARTS.map(([n, t]) => deflated(n, t)), deflated('xl/worksheets/sheet1.xml', xml)]);
}
