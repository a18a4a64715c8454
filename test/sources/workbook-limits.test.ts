/**
 * The parse caps (issue 13, item 2): hostile workbooks built in test/helpers/hostile-workbooks.ts
 * are refused as "too large", by the 287(g) parser, the ingest pipeline (no event, no stored
 * state) and the detention parser (which no longer parks sheets in temporary files).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, watch, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_GUARDS } from '../../src/domain/agreements/guards';
import { createLogger } from '../../src/logging/logger';
import { createIngest287g } from '../../src/pipelines/ingest-287g';
import { parseDetentionWorkbook } from '../../src/sources/detention-workbook';
import { DEFAULT_WORKBOOK_LIMITS, WorkbookFormatError, WorkbookSchemaError } from '../../src/sources/errors';
import { parse287gWorkbook } from '../../src/sources/workbook-287g';
import { DETENTION_FIXTURES, detentionPath, metaFor } from '../helpers/fixtures';
import { memorySnapshots } from '../helpers/memory-snapshots';
import { detentionBomb, inflationBomb, manyRowsWorkbook } from '../../stand-ins/hostile-workbooks';

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('parsed, not refused');
    },
    (err: unknown) => err as Error & { reason: string },
  );

describe('parse287gWorkbook within its caps', () => {
  const millionRows = manyRowsWorkbook(1_000_000);

  test('an inflation bomb (6 KB of ZIP, 200 MB of sheet XML, its size misdeclared) is refused as too large, naming the inflate cap', async () => {
    const bomb = inflationBomb(200);
    expect(bomb.length).toBeLessThan(300_000);
    const err = await refusal(parse287gWorkbook(bomb));
    expect(err).toBeInstanceOf(WorkbookFormatError);
    expect(err.reason).toBe('too-large');
    expect(err.message).toMatch(/too large: .*64 MiB cap on inflated XML \(WORKBOOK_MAX_INFLATED_BYTES\)/);
  });

  test('a bomb that declares its true size is refused the same way', async () => {
    const err = await refusal(parse287gWorkbook(inflationBomb(200, 'true')));
    expect([err.reason, err.message]).toEqual(['too-large', expect.stringMatching(/too large/)]);
  });

  test('a sheet of 1,000,000 rows is refused as too large, naming the row cap', async () => {
    const err = await refusal(parse287gWorkbook(millionRows));
    expect(err).toBeInstanceOf(WorkbookSchemaError);
    expect(err.reason).toBe('too-large');
    expect(err.message).toBe(`workbook too large: sheet 'Participating' has more than 50,000 rows, the cap (WORKBOOK_MAX_ROWS)`);
  });

  test('the caps are settings: exactly at a cap parses, one past it is refused', async () => {
    const thousand = manyRowsWorkbook(999); // 999 rows below the header: 1,000 rows
    expect((await parse287gWorkbook(thousand, { ...DEFAULT_WORKBOOK_LIMITS, maxRows: 1_000 })).rows).toHaveLength(999);
    expect((await refusal(parse287gWorkbook(thousand, { ...DEFAULT_WORKBOOK_LIMITS, maxRows: 999 }))).reason).toBe('too-large');

    const fiveMb = inflationBomb(5);
    expect((await parse287gWorkbook(fiveMb)).rows).toHaveLength(1); // under the default cap, a (strange) workbook like any other
    expect((await refusal(parse287gWorkbook(fiveMb, { ...DEFAULT_WORKBOOK_LIMITS, maxInflatedBytes: 4 * 1024 * 1024 }))).message).toMatch(
      /4 MiB cap/,
    );
  });

  test('a large parse lets the event loop run while it works (it yields between chunks and row batches)', async () => {
    const big = manyRowsWorkbook(40_000);
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const parsed = await parse287gWorkbook(big);
    ticking = false;
    expect(parsed.rows).toHaveLength(40_000);
    expect(turns).toBeGreaterThan(10);
  });

  test('ingesting the million-row file is a rejected publication: no event, no alert, nothing stored, the reason says too large', async () => {
    const snapshots = memorySnapshots();
    const ingest = createIngest287g({ snapshots, guards: DEFAULT_GUARDS, logger: createLogger('silent') });
    const result = await ingest.ingest(
      'participating',
      millionRows,
      metaFor('participatingAgencies-hostile.xlsx', millionRows, '2026-01-01T00:00:00.000Z'),
    );
    expect(result.verdict).toBe('rejected');
    expect(result.events).toEqual([]);
    expect(result.alerts).toEqual([]);
    expect(result.reason).toMatch(/too large/);
    expect(result.notices[0].text).toMatch(/rejected: workbook too large/);
    expect(await snapshots.getState('participating')).toBeNull();
  });
});

describe('parseDetentionWorkbook within its caps', () => {
  let dir: string;
  let saved: string | undefined;
  let watcher: FSWatcher;
  /** Files created in TMPDIR during the test (exceljs deletes its temp files when done, so the folder is watched). */
  let created: string[];
  beforeEach(() => {
    // exceljs's streaming reader writes its temporary files under TMPDIR.
    saved = process.env.TMPDIR;
    dir = mkdtempSync(join(tmpdir(), 'ice-watch-tmp-'));
    process.env.TMPDIR = dir;
    created = [];
    watcher = watch(dir, (_event, file) => void created.push(String(file)));
  });
  afterEach(() => {
    watcher.close();
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  test('a detention bomb (a 200 MB sheet stored before the shared strings) is refused as too large, and no temporary file is written', async () => {
    const err = await refusal(parseDetentionWorkbook(detentionBomb(200)));
    expect(err).toBeInstanceOf(WorkbookFormatError);
    expect([err.reason, err.message]).toEqual(['too-large', expect.stringMatching(/too large/)]);
    await new Promise((resolve) => setTimeout(resolve, 50)); // lets the watcher report
    expect(created).toEqual([]);
  });

  test('a wanted sheet with more rows than the cap is refused as too large', async () => {
    const name = readdirSync(DETENTION_FIXTURES).find((f) => f.endsWith('.xlsx'))!;
    const err = await refusal(parseDetentionWorkbook(readFileSync(detentionPath(name)), { ...DEFAULT_WORKBOOK_LIMITS, maxRows: 5 }));
    expect(err).toBeInstanceOf(WorkbookSchemaError);
    expect(err.message).toMatch(/too large: sheet '.*' has more than 5 rows/);
  });
});
