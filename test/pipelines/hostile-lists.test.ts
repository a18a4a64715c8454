/**
 * Lists that are not news (issue 13): error cells and junk states never become a state, a
 * model or an event, and a mass addition is held like a mass ending. Generated workbooks,
 * through the whole ingest (parse, guards, store, alerts).
 */
import { createHash } from 'node:crypto';
import { DEFAULT_GUARDS } from '../../src/domain/agreements/guards';
import type { FileMeta } from '../../src/domain/types';
import { createLogger } from '../../src/logging/logger';
import { createIngest287g } from '../../src/pipelines/ingest-287g';
import { memorySnapshots } from '../helpers/memory-snapshots';
import { workbookOfRows, type GeneratedRow } from '../../stand-ins/hostile-workbooks';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 9, 1);
const STATES = ['TEXAS', 'OKLAHOMA', 'FLORIDA', 'GEORGIA'];
const MODELS = ['Jail Enforcement Model', 'Task Force Model', 'Warrant Service Officer'];

/** 200 agreements in four states, as ICE prints them. */
const base: GeneratedRow[] = Array.from({ length: 200 }, (_, i) => ({
  state: STATES[i % 4],
  agency: `${['Adams', 'Baker', 'Clay', 'Dale', 'Ellis'][i % 5]} ${i} County Sheriff's Office`,
  model: MODELS[i % 3],
  signed: 45700 + (i % 30),
}));

describe('hostile 287(g) lists through the ingest', () => {
  let clock = T0;
  let n = 0;
  let ingest: ReturnType<typeof createIngest287g>;
  const publish = (rows: readonly GeneratedRow[], hours: number) => {
    clock = T0 + hours * HOUR;
    const bytes = workbookOfRows(rows);
    const meta: FileMeta = {
      url: `https://www.ice.gov/doclib/287gMOA/participating-${++n}.xlsx`,
      fileName: `participating-${n}.xlsx`,
      etag: null,
      lastModified: null,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.length,
      fetchedAt: new Date(clock).toISOString(),
      modifiedInFile: null,
    };
    return ingest.ingest('participating', bytes, meta);
  };

  beforeEach(async () => {
    ingest = createIngest287g({
      snapshots: memorySnapshots(),
      guards: DEFAULT_GUARDS,
      logger: createLogger('silent'),
      now: () => new Date(clock),
    });
    expect((await publish(base, 0)).verdict).toBe('baseline');
  });

  test('#REF! in STATE and #DIV/0! in SUPPORT TYPE: no event, no "moved to #ref!", no model "#DIV/0!"; operators told', async () => {
    const broken = base.map((r, i) =>
      i < 123 ? { ...r, state: { error: '#REF!' } } : i < 125 + 123 ? { ...r, model: { error: '#DIV/0!' } } : r,
    );
    const result = await publish(broken, 1);
    expect(result.events).toEqual([]);
    expect(result.alerts).toEqual([]);
    expect(result.notices).toEqual([
      expect.objectContaining({
        kind: 'unreadable',
        text: expect.stringMatching(
          /200 rows have no readable state, model or agency \("#REF!", "#DIV\/0!"\): 200 kept as in the last list, 0 left out/,
        ),
      }),
    ]);
    // The list ICE fixes next is no news either.
    expect((await publish(base, 2)).events).toEqual([]);
  });

  test('a state that is no U.S. state or territory never gets "first agreement", and its rows are left out', async () => {
    const junk: GeneratedRow[] = ['__proto__', 'Constructor', '<!channel>', '#REF!'].map((state, i) => ({
      state,
      agency: `Junk ${i} Police Department`,
      model: 'Task Force Model',
      signed: 45800,
    }));
    const result = await publish([...base, ...junk], 1);
    expect(result.events).toEqual([]);
    expect(result.alerts).toEqual([]);
    expect(result.notices[0]).toMatchObject({
      kind: 'unreadable',
      text: expect.stringMatching(/4 rows have no readable state.*0 kept as in the last list, 4 left out/),
    });
  });

  test('a 20,000-row mass addition is held: nothing alerted, operators told; a publication an hour later confirms it', async () => {
    const flood: GeneratedRow[] = Array.from({ length: 20_000 }, (_, i) => ({
      state: 'TEXAS',
      agency: `Flood ${i} Police Department`,
      model: 'Task Force Model',
      signed: 45900,
    }));
    const tweaked = [...base.slice(1), ...flood];
    const held = await publish(tweaked, 1);
    expect(held.verdict).toBe('held');
    // The rest of the file is news at once: the one real ending.
    expect(held.events.map((e) => e.type)).toEqual(['agreement.ended']);
    expect(held.notices).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'held', text: expect.stringMatching(/20000 agreements would be new at once onto 200/) }),
      ]),
    );
    const confirmed = await publish([...tweaked].reverse(), 2.5);
    expect(confirmed.verdict).toBe('accepted');
    expect(confirmed.events.filter((e) => e.type === 'agreement.signed')).toHaveLength(20_000);
  });

  test('a mass addition that is gone from the next list was never news', async () => {
    const flood: GeneratedRow[] = Array.from({ length: 500 }, (_, i) => ({
      state: 'OKLAHOMA',
      agency: `Flood ${i} Police Department`,
      model: 'Warrant Service Officer',
      signed: 45900,
    }));
    expect((await publish([...base, ...flood], 1)).verdict).toBe('held');
    const back = await publish([...base].reverse(), 3);
    expect(back.events).toEqual([]);
    expect(back.notices).toEqual([
      expect.objectContaining({ kind: 'discarded', text: expect.stringMatching(/500 held signings are no longer listed/) }),
    ]);
  });
});
