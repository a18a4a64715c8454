/**
 * Fuzz tests of the 287(g) workbook parser (issue 7, robustness). Real ICE workbooks are
 * mutated, as bytes (flipped, cut, spliced) and as the XML inside the ZIP (cells given
 * junk values and types, markup cut or duplicated, parts removed), and parsed. Every
 * outcome must be a parsed list that keeps the ParsedList contract, or one of the
 * parser's own errors with a reason: never another exception, and never a hang (each
 * parse has a deadline; the number of runs is bounded).
 */
import fc from 'fast-check';
import JSZip from 'jszip';
import { readFileSync } from 'node:fs';
import type { ParsedList } from '../../src/domain/types';
import { WorkbookFormatError, WorkbookSchemaError } from '../../src/sources/errors';
import { parse287gWorkbook } from '../../src/sources/workbook-287g';
import { fixturePath } from '../helpers/fixtures';

/** Small real files of three eras: the derived January list (URLs as text), a February list (hyperlinks), a pending list. */
const FIXTURES = [
  'ParticipatingEntities-20250122000249.xlsx',
  'participatingAgencies-20250221214937.xlsx',
  'pendingAgencies-20250221214937.xlsx',
];
const bytesOf = new Map(FIXTURES.map((f) => [f, readFileSync(fixturePath(f))]));
/**
 * Runs per property: enough to meet every mutation kind on every fixture while keeping this
 * file near 10 s on 2 cores (a parse takes 30-300 ms under jest). FUZZ_RUNS=2000 fuzzes
 * deeper by hand (the seed is random each run, so repeated runs explore further).
 */
const BYTE_RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const XML_RUNS = Number(process.env.FUZZ_RUNS ?? 80);
/** Jest's limit for one property: generous, since each parse already has its own deadline. */
const PROPERTY_TIMEOUT_MS = Math.max(60_000, Math.max(BYTE_RUNS, XML_RUNS) * 400);
/** A parse that takes longer than this is reported as a hang (a normal one takes 10-100 ms). */
const DEADLINE_MS = 10_000;

type Outcome = { parsed: ParsedList } | { refused: WorkbookFormatError | WorkbookSchemaError };

/** Parses with a deadline; any error but the parser's own fails the property, with what was thrown. */
/** How the runs ended, so a property can check it reached both outcomes (a fuzzer that only meets refusals tests little). */
const tally = { parsed: 0, refused: 0 };

async function parseOutcome(bytes: Buffer): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`parse did not settle within ${DEADLINE_MS} ms (a hang)`)), DEADLINE_MS);
  });
  try {
    const parsed = await Promise.race([parse287gWorkbook(bytes), deadline]);
    tally.parsed++;
    return { parsed };
  } catch (err) {
    if (err instanceof WorkbookFormatError || err instanceof WorkbookSchemaError) {
      tally.refused++;
      return { refused: err };
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The ParsedList contract (SPEC section 9, `parse --json`), or a refusal that says why. */
function expectContract(outcome: Outcome): void {
  if ('refused' in outcome) {
    expect(outcome.refused.reason).toMatch(/^[a-z-]+$/);
    expect(outcome.refused.message.length).toBeGreaterThan(10);
    return;
  }
  const { parsed } = outcome;
  expect(['participating', 'pending']).toContain(parsed.detectedKind);
  for (const w of parsed.warnings) expect(typeof w).toBe('string');
  for (const r of parsed.rows) {
    expect(r.agency).toEqual(expect.any(String));
    expect(r.agency.trim()).not.toBe('');
    expect(r.stateCode === null || /^[A-Z]{2}$/.test(r.stateCode)).toBe(true);
    expect(r.signed === null || ISO_DAY.test(r.signed)).toBe(true);
    for (const v of [r.state, r.model, r.agencyKey]) expect(typeof v).toBe('string');
    for (const v of [r.type, r.county, r.moaUrl, r.addendumUrl]) expect(v === null || typeof v === 'string').toBe(true);
  }
}

describe('parse287gWorkbook on mutated bytes of real workbooks', () => {
  const fixture = fc.constantFrom(...FIXTURES);
  const mutation = fc.oneof(
    fc.record({
      kind: fc.constant('flip' as const),
      at: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }),
    }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), insert: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4096 }) }),
    fc.record({ kind: fc.constant('repeat' as const), from: fc.nat(), to: fc.nat(), length: fc.integer({ min: 1, max: 4096 }) }),
  );
  type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

  function mutate(original: Buffer, m: Mutation): Buffer {
    const n = original.length;
    switch (m.kind) {
      case 'flip': {
        const out = Buffer.from(original);
        for (const [at, x] of m.at) out[at % n] ^= x;
        return out;
      }
      case 'truncate':
        return original.subarray(0, m.at % n);
      case 'splice':
        return Buffer.concat([original.subarray(0, m.at % n), m.insert, original.subarray(m.at % n)]);
      case 'cut':
        return Buffer.concat([original.subarray(0, m.at % n), original.subarray((m.at % n) + m.length)]);
      case 'repeat': {
        const chunk = original.subarray(m.from % n, (m.from % n) + m.length);
        return Buffer.concat([original.subarray(0, m.to % n), chunk, original.subarray(m.to % n)]);
      }
    }
  }

  test(
    "a parsed list or the parser's own error with a reason: never another exception, never a hang",
    async () => {
      Object.assign(tally, { parsed: 0, refused: 0 });
      await fc.assert(
        fc.asyncProperty(fixture, mutation, async (name, m) => {
          expectContract(await parseOutcome(mutate(bytesOf.get(name)!, m)));
        }),
        { numRuns: BYTE_RUNS },
      );
      // Most byte damage breaks the ZIP (deflated data has no slack); damage in parts the parser skips still parses, but not in every sample.
      expect(tally.refused).toBeGreaterThan(0);
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('parse287gWorkbook on real workbooks with mutated XML inside', () => {
  /** Each fixture's parts as text, unzipped once. */
  const parts = new Map<string, Promise<Map<string, string>>>();
  async function unzip(name: string): Promise<Map<string, string>> {
    const zip = await JSZip.loadAsync(bytesOf.get(name)!);
    const files = new Map<string, string>();
    for (const [path, entry] of Object.entries(zip.files)) if (!entry.dir) files.set(path, await entry.async('string'));
    return files;
  }

  /** The fixture re-zipped after `change` edited its parts (stored, not deflated: the parser reads both, and storing is faster). */
  async function rezip(name: string, change: (files: Map<string, string>) => void): Promise<Buffer> {
    let original = parts.get(name);
    if (!original) parts.set(name, (original = unzip(name)));
    const files = new Map(await original);
    change(files);
    const out = new JSZip();
    for (const [path, text] of files) out.file(path, text);
    return out.generateAsync({ type: 'nodebuffer', compression: 'STORE' });
  }

  /** Values a cell might hold after someone's accident: huge, negative, fractional, non-numeric, out-of-range string indexes. */
  const junkValue = fc.oneof(
    fc.constantFrom(
      '1e308',
      '-1e308',
      '1e20',
      '-700000',
      '2958466',
      '99999999',
      '0',
      '-1',
      '0.5',
      'NaN',
      'Infinity',
      '',
      'abc',
      '#N/A',
      '2025-13-45',
      '45785',
      '1048576',
    ),
    fc.string({ maxLength: 8 }).map((s) => s.replace(/[<&]/g, '')),
  );
  const cellType = fc.constantFrom('s', 'str', 'inlineStr', 'b', 'e', 'n', 'd', 'x', '');
  const markup = fc.constantFrom(
    '<',
    '>',
    '</c>',
    '</row>',
    '<c r="A1" t="s"><v>99999</v></c>',
    '<row r="1">',
    '&',
    '&amp;',
    '&#0;',
    '&#xFFFF;',
    '"',
    '<![CDATA[',
    ']]>',
    '<v>',
    '</v>',
    '<f>1/0</f>',
    '<hyperlink ref="A1" r:id="rId999"/>',
  );
  const part = fc.constantFrom(
    'xl/worksheets/sheet1.xml',
    'xl/worksheets/sheet1.xml',
    'xl/worksheets/sheet1.xml',
    'xl/worksheets/sheet1.xml',
    'xl/sharedStrings.xml',
    'xl/workbook.xml',
    'xl/styles.xml',
    'xl/worksheets/_rels/sheet1.xml.rels',
    'xl/_rels/workbook.xml.rels',
    '[Content_Types].xml',
    'docProps/core.xml',
  );
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('value' as const), nth: fc.nat(), value: junkValue }),
    fc.record({ kind: fc.constant('type' as const), nth: fc.nat(), type: cellType }),
    fc.record({ kind: fc.constant('style' as const), nth: fc.nat(), style: fc.integer({ min: 0, max: 200 }) }),
    // Another cell's style (often a date format: SIGNED's) on a cell, with a number of any size: what a mis-pasted column does.
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('restyle' as const),
        nth: fc.nat(),
        from: fc.nat(),
        value: fc.oneof(fc.constantFrom('1e20', '-1e20', '1e308', '9e15', '-9e15', '45785', '0', '-1'), junkValue, fc.double().map(String)),
      }),
    },
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 400 }) }),
    fc.record({ kind: fc.constant('repeat' as const), from: fc.nat(), to: fc.nat(), length: fc.integer({ min: 1, max: 400 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: markup }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('drop' as const) }),
  );
  type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;

  /** Replaces the nth match of `re` (wrapping around) using `replace`. */
  function replaceNth(text: string, re: RegExp, nth: number, replace: (m: RegExpExecArray) => string): string {
    const matches = [...text.matchAll(new RegExp(re.source, 'g'))];
    if (!matches.length) return text;
    const m = matches[nth % matches.length] as RegExpExecArray;
    return text.slice(0, m.index) + replace(m) + text.slice(m.index + m[0].length);
  }

  function applyEdit(files: Map<string, string>, path: string, e: Edit): void {
    const text = files.get(path);
    if (text === undefined) return;
    const n = Math.max(1, text.length);
    switch (e.kind) {
      case 'value':
        files.set(
          path,
          replaceNth(text, /<v>[^<]*<\/v>|<t(?: [^>]*)?>[^<]*<\/t>/, e.nth, (m) =>
            m[0].startsWith('<v>') ? `<v>${e.value}</v>` : `<t>${e.value}</t>`,
          ),
        );
        break;
      case 'type':
        files.set(
          path,
          replaceNth(
            text,
            /<c r="[A-Z]+\d+"(?: s="\d+")?(?: t="\w+")?/,
            e.nth,
            (m) => m[0].replace(/ t="\w+"/, '') + (e.type ? ` t="${e.type}"` : ''),
          ),
        );
        break;
      case 'style':
        files.set(
          path,
          replaceNth(text, /<c r="[A-Z]+\d+"(?: s="\d+")?/, e.nth, (m) => `${m[0].replace(/ s="\d+"/, '')} s="${e.style}"`),
        );
        break;
      case 'restyle': {
        const styles = [...text.matchAll(/<c r="[A-Z]+\d+" s="(\d+)"/g)].map((m) => m[1]);
        if (!styles.length) break;
        const style = styles[e.from % styles.length];
        files.set(
          path,
          replaceNth(text, /<c r="([A-Z]+\d+)"[^>]*?(?:\/>|>.*?<\/c>)/, e.nth, (m) => `<c r="${m[1]}" s="${style}"><v>${e.value}</v></c>`),
        );
        break;
      }
      case 'cut':
        files.set(path, text.slice(0, e.at % n) + text.slice((e.at % n) + e.length));
        break;
      case 'repeat':
        files.set(path, text.slice(0, e.to % n) + text.slice(e.from % n, (e.from % n) + e.length) + text.slice(e.to % n));
        break;
      case 'insert':
        files.set(path, text.slice(0, e.at % n) + e.text + text.slice(e.at % n));
        break;
      case 'truncate':
        files.set(path, text.slice(0, e.at % n));
        break;
      case 'drop':
        files.delete(path);
        break;
    }
  }

  test(
    "a parsed list or the parser's own error with a reason: never another exception, never a hang",
    async () => {
      Object.assign(tally, { parsed: 0, refused: 0 });
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...FIXTURES),
          fc.array(fc.tuple(part, edit), { minLength: 1, maxLength: 4 }),
          async (name, edits) => {
            const bytes = await rezip(name, (files) => {
              for (const [path, e] of edits) applyEdit(files, path, e);
            });
            expectContract(await parseOutcome(bytes));
          },
        ),
        { numRuns: XML_RUNS },
      );
      expect(tally.parsed).toBeGreaterThan(0);
      expect(tally.refused).toBeGreaterThan(0);
    },
    PROPERTY_TIMEOUT_MS,
  );

  test('re-zipping without changes parses to the same rows as the original file (the mutation harness is faithful)', async () => {
    for (const name of FIXTURES) {
      const [original, rezipped] = await Promise.all([
        parse287gWorkbook(bytesOf.get(name)!),
        rezip(name, () => undefined).then(parse287gWorkbook),
      ]);
      expect(rezipped.rows).toEqual(original.rows);
      expect(rezipped.rows.length).toBeGreaterThan(30);
    }
  });

  test("counterexample: a text cell given SIGNED's date format and a serial beyond Date's range is a skipped row with a warning, not a RangeError", async () => {
    const name = 'participatingAgencies-20250221214937.xlsx';
    const bytes = await rezip(name, (files) => {
      const sheet = files.get('xl/worksheets/sheet1.xml')!;
      const dateStyle = / s="(\d+)"/.exec(/<c r="E2"[^>]*>/.exec(sheet)![0])![1]; // E is SIGNED in this file
      files.set('xl/worksheets/sheet1.xml', sheet.replace(/<c r="B2"[^>]*>.*?<\/c>/, `<c r="B2" s="${dateStyle}"><v>1e20</v></c>`)); // B is the agency
    });
    const original = await parse287gWorkbook(bytesOf.get(name)!);
    const parsed = await parse287gWorkbook(bytes);
    expect(parsed.rows).toEqual(original.rows.slice(1));
    expect(parsed.warnings).toContain('row without LAW ENFORCEMENT AGENCY skipped (row 2)');
  });
});
