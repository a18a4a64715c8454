/**
 * The real runs of consecutive publications where a naive diff lies (test/fixtures/287g/sequences),
 * through the whole pipeline as `ice-watch replay` runs it: parse, guards, store, alerts.
 */
import { DEFAULT_GUARDS, type GuardSettings } from '../../src/domain/agreements/guards';
import { diffLists } from '../../src/domain/agreements/diff';
import type { ListEvent } from '../../src/domain/agreements/events';
import { createLogger } from '../../src/logging/logger';
import type { IngestResult } from '../../src/pipelines/ingest-287g';
import { replayFiles } from '../../src/pipelines/replay';
import { openDatabase } from '../../src/store/db/database';
import { openKeyValueStores } from '../../src/store/key-value';
import { createSnapshotStore } from '../../src/store/snapshot-store';
import { memorySnapshots } from '../helpers/memory-snapshots';
import { fixturePath, loadSnapshot, SEQUENCES } from '../helpers/fixtures';

async function replay(files: readonly string[], guards: GuardSettings = DEFAULT_GUARDS): Promise<IngestResult[]> {
  return await replayFiles(files.map(fixturePath), {
    snapshots: memorySnapshots(),
    guards,
    logger: createLogger('silent'),
    start: new Date('2025-09-01T00:00:00.000Z'),
  });
}

type AgreementEvent = Extract<ListEvent, { agency: string }>;
const of = (events: readonly ListEvent[], type: ListEvent['type'], pattern: RegExp = /./): AgreementEvent[] =>
  events.filter((e): e is AgreementEvent => e.type === type && 'agency' in e && pattern.test(e.agency));
const alertedEvents = (r: IngestResult) => r.alerts.flatMap((a) => a.events);

describe('the stale republication (2025-04-21 holds the list of 2025-03-06)', () => {
  let results: IngestResult[];
  beforeAll(async () => {
    results = await replay(SEQUENCES.stale);
  });

  test('the stale list is rejected with a reason that names the list it repeats, and nothing in it is alerted', () => {
    expect(results.map((r) => r.verdict)).toEqual(['baseline', 'accepted', 'accepted', 'rejected', 'accepted']);
    const stale = results[3];
    expect(stale.reason).toMatch(/goes back in time.*participatingAgencies03062025am\.xlsx/);
    expect(stale.events).toEqual([]);
    expect(stale.alerts).toEqual([]);
    expect(stale.notices).toEqual([expect.objectContaining({ kind: 'rejected' })]);
  });

  test('the list after it alerts only what changed since the last good list: no rename undoing the stale one, nothing held', async () => {
    const [good, next] = await Promise.all([loadSnapshot(SEQUENCES.stale[2]), loadSnapshot(SEQUENCES.stale[4])]);
    const expected = diffLists(good.rows, next.rows, 'participating').events.map((e) => ({ ...e, lastListedAt: undefined }));
    const after = results[4];
    expect(after.verdict).toBe('accepted');
    expect(after.events.map((e) => ({ ...e, lastListedAt: undefined }))).toEqual(expected);
    expect(of(after.events, 'agreement.renamed', /Tampa|Department of Corrections|Attorney General|Pasco/)).toEqual([]);
    expect(of(after.events, 'agreement.signed', /Douglas County/)).toEqual([]);
  });
});

describe('SIGNED-date corrections (June 2025), then "City of" renames and duplicate rows (July 2025)', () => {
  let results: IngestResult[];
  beforeAll(async () => {
    results = await replay(SEQUENCES.corrections);
  });

  test('the June date corrections are corrections, not renewals, and reach operators', () => {
    const june = results[1];
    expect(of(june.events, 'agreement.renewed')).toEqual([]);
    const corrected = of(june.events, 'agreement.corrected').map(
      (e) => `${e.agency} ${(e as { previousSigned: string }).previousSigned} -> ${e.signed}`,
    );
    expect(corrected).toEqual(
      expect.arrayContaining([
        "Jim Wells County Sheriff's Office 2025-02-27 -> 2025-02-28",
        'Utah Department of Corrections 2025-05-12 -> 2025-05-13',
        'Northwest Florida State College Police Department 2025-04-15 -> 2025-05-08',
      ]),
    );
    expect(june.notices).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'corrected',
          text: expect.stringMatching(/Jim Wells County Sheriff's Office \(TX, JEM\) 2025-02-27 -> 2025-02-28/),
        }),
      ]),
    );
  });

  test('no false ending anywhere in the run: a wrong MOA link ICE pasted into a row does not end the agreement', () => {
    for (const r of results.slice(1)) expect(of(r.events, 'agreement.ended').map((e) => e.agency)).toEqual([]);
  });

  test('"City of" dropped and duplicate rows removed: renames with their evidence, no signing, no renewal', () => {
    const july = results[3];
    expect(of(july.events, 'agreement.signed', /Miami Springs|Palm Beach Police|Zephyrhills|St\. Cloud/)).toEqual([]);
    expect(of(july.events, 'agreement.renewed')).toEqual([]);
    expect(of(july.events, 'agreement.renamed', /Miami Springs|^Palm Beach Police/)).toEqual([
      expect.objectContaining({
        previousAgency: 'City of Miami Springs Police Department',
        agency: 'Miami Springs Police Department',
        evidence: 'same-document',
      }),
      expect.objectContaining({
        previousAgency: 'Town of Palm Beach Police Department',
        agency: 'Palm Beach Police Department',
        evidence: 'same-document',
      }),
    ]);
  });

  test("the alerts count agreements: Florida's total is its agreements, not its rows", async () => {
    const last = await loadSnapshot(SEQUENCES.corrections[3]);
    const florida = results[3].alerts.find((a) => a.stateCode === 'FL')!;
    const rows = last.rows.filter((r) => r.stateCode === 'FL').length;
    expect(florida.totals.total).toBe(rows - 1); // St. Cloud Police Department is printed twice
  });
});

describe("the Hopewell flip-flop and Moore County's one-list gap (September 2025)", () => {
  test('Hopewell alternating two names is no ending and no signing, and is announced once', async () => {
    const results = await replay(SEQUENCES.flipFlop);
    const all = results.flatMap((r) => r.events);
    expect(of(all, 'agreement.ended', /Hopewell/)).toEqual([]);
    expect(of(all, 'agreement.signed', /Hopewell/)).toEqual([]);
    expect(of(all, 'agreement.renamed', /Hopewell/)).toHaveLength(1);
    expect(of(all, 'agreement.renamed', /Pettis/)).toHaveLength(1);
  });

  test('Moore County (TN) gives a signing, an ending, a relisting (never a second signing), then its real ending', async () => {
    const results = await replay(SEQUENCES.flipFlop);
    const isMooreTn = (e: ListEvent) => 'agency' in e && /Moore County/.test(e.agency) && e.stateCode === 'TN';
    const moore = results.map((r) =>
      alertedEvents(r)
        .filter(isMooreTn)
        .map((e) => e.type),
    );
    expect(moore).toEqual([[], ['agreement.signed'], ['agreement.ended'], ['agreement.relisted'], ['agreement.ended'], []]);
    const relisted = results[3].events.find((e) => e.type === 'agreement.relisted');
    expect(relisted).toMatchObject({
      agency: "Moore County Sheriff's Office",
      signed: '2025-08-28',
      missingSince: results[2].file.fetchedAt,
    });
    const ended = results[2].events.find((e) => e.type === 'agreement.ended');
    expect(ended).toMatchObject({ lastListedAt: results[1].file.fetchedAt });
  });

  test('with ENDING_CONFIRM_HOURS set, the one-list gap is never news, and the real ending is announced once a later list still lacks it', async () => {
    const results = await replay(SEQUENCES.flipFlop, { ...DEFAULT_GUARDS, endingConfirmMs: 48 * 3_600_000 });
    const moore = results.map((r) =>
      r.events.filter((e) => 'agency' in e && /Moore County/.test(e.agency) && e.stateCode === 'TN').map((e) => e.type),
    );
    expect(moore).toEqual([[], ['agreement.signed'], [], [], [], ['agreement.ended']]);
    // The ending says when the agreement was last listed: in the 09-03 am list, not the one before the confirmation.
    expect(results[5].events.find((e) => e.type === 'agreement.ended')).toMatchObject({ lastListedAt: results[3].file.fetchedAt });
  });
});

describe('a crash while a list was being stored', () => {
  test('the list whose history entry was written, but not its state, is judged again as news, not as a stale copy of itself', async () => {
    const db = openDatabase('memory://');
    try {
      const snapshots = createSnapshotStore(db, openKeyValueStores('memory://'));
      const deps = { snapshots, guards: DEFAULT_GUARDS, logger: createLogger('silent'), start: new Date('2025-10-16T00:00:00.000Z') };
      await replayFiles([fixturePath('participatingAgencies10162025pm.xlsx')], deps);
      const next = await loadSnapshot('participatingAgencies10172025mid.xlsx');
      const accepted = (await snapshots.getState('participating'))!;
      // The crash, as a store written before saveState was one transaction could hold it (and an install moved
      // from one): the new rows, history and ledger written, then death before the state pointer (written last).
      const k = await db.ready();
      const before = await k.selectFrom('source_states').selectAll().where('source', '=', 'participating').executeTakeFirstOrThrow();
      const half = { ...accepted, view: { ...next, meta: { ...next.meta, fetchedAt: '2025-10-17T01:00:00.000Z' } } };
      await snapshots.saveState('participating', half, 'accepted');
      await k.updateTable('source_states').set(before).where('source', '=', 'participating').execute();
      expect((await snapshots.history('participating')).map((h) => h.fileName)).toEqual([
        'participatingAgencies10162025pm.xlsx',
        'participatingAgencies10172025mid.xlsx',
      ]);
      const [again] = await replayFiles([fixturePath('participatingAgencies10172025mid.xlsx')], {
        ...deps,
        start: new Date('2025-10-17T02:00:00.000Z'),
      });
      expect(again.verdict).toBe('accepted');
      expect(again.events.filter((e) => e.type === 'agreement.signed')).toHaveLength(63);
    } finally {
      await db.close();
    }
  });
});
