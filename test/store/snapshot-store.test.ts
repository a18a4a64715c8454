import { agencyKey } from '../../src/domain/agreements/agency';
import type { ListEvent } from '../../src/domain/agreements/events';
import { DEFAULT_GUARDS, judgePublication, type SourceState } from '../../src/domain/agreements/guards';
import { activeAgreements } from '../../src/domain/agreements/identity';
import { contentHashOf } from '../../src/domain/agreements/snapshot';
import type { Agreement, Snapshot } from '../../src/domain/types';
import { openDatabase, StoreConfigError } from '../../src/store/db/database';
import { openKeyValueStores, type KeyValueStores } from '../../src/store/key-value';
import { createSnapshotStore, type Judgement, type SnapshotStore, type SourceDump } from '../../src/store/snapshot-store';
import { type DatabaseUnderTest, describeEachDatabase } from '../helpers/databases';
import { loadSnapshot } from '../helpers/fixtures';

const T1 = '2025-05-16T12:00:00.000Z';
const T2 = '2025-05-19T20:00:00.000Z';
const T3 = '2025-05-22T20:00:00.000Z';

/** An accepted state whose view is `rows`, fetched at `at` (the guards' own state left empty). */
function stateOf(base: Snapshot, rows: Agreement[], at: string): SourceState {
  const view: Snapshot = { ...base, rows, contentHash: contentHashOf(rows), meta: { ...base.meta, fetchedAt: at, sha256: `sha-${at}` } };
  return { view, lastFileSha256: view.meta.sha256, held: [] };
}

const fieldsOf = (r: Agreement) => ({
  state: r.state,
  stateCode: r.stateCode,
  agency: r.agency,
  model: r.model,
  signed: r.signed,
  county: r.county,
  agencyType: r.type,
  moaUrl: null,
});

const judgement = (n: number): Judgement => ({
  verdict: 'accepted',
  reason: null,
  fileName: `file-${n}.xlsx`,
  sha256: `sha-${n}`,
  at: new Date(Date.UTC(2025, 0, 1, 0, n)).toISOString(),
  eventCount: n,
  notices: [{ kind: 'held', text: `notice ${n}` }],
});

describeEachDatabase()('snapshot store on %s', (_name, engine) => {
  let d: DatabaseUnderTest;
  let kv: KeyValueStores;
  let store: SnapshotStore;
  beforeEach(async () => {
    d = await engine();
    kv = openKeyValueStores(d.url, { db: d.db });
    store = createSnapshotStore(d.db, kv);
  });
  afterEach(async () => {
    await kv.close();
    await d.cleanup();
  });

  test('an empty store has no state, no history, an empty ledger and no judgements', async () => {
    expect(await store.getState('participating')).toBeNull();
    expect(await store.history('participating')).toEqual([]);
    expect(await store.ledger('participating')).toEqual({});
    expect(await store.judgements('participating')).toEqual([]);
    expect(await store.rowsOf('nothing')).toBeNull();
    expect(await store.lastFetch('participating')).toBeNull();
    expect(await store.pageLinks()).toBeNull();
  });

  test('keeps the accepted state, history de-duplicated by content, and a ledger of first/last seen', async () => {
    const a = await loadSnapshot('participatingAgencies05162025am.xlsx', 'participating', T1);
    const b = await loadSnapshot('participatingAgencies05192025pm.xlsx', 'participating', T2);
    const first = judgePublication(null, a, { now: new Date(a.meta.fetchedAt), guards: DEFAULT_GUARDS });
    await store.saveState('participating', first.next!, first.verdict);
    const second = judgePublication(first.next, b, { now: new Date(b.meta.fetchedAt), guards: DEFAULT_GUARDS });
    await store.saveState('participating', second.next!, second.verdict);
    // Saving the same view again adds no history entry.
    await store.saveState('participating', second.next!, second.verdict);

    const state = await store.getState('participating');
    expect(state?.view.rows).toHaveLength(588);
    expect(state?.view.contentHash).toBe(b.contentHash);
    expect(state).toEqual({ ...second.next!, lastSeenAt: second.next!.lastSeenAt ?? T2 });
    const history = await store.history('participating');
    expect(history.map((h) => [h.fileName, h.verdict, h.rowCount])).toEqual([
      ['participatingAgencies05162025am.xlsx', 'baseline', 571],
      ['participatingAgencies05192025pm.xlsx', 'accepted', 588],
    ]);
    expect(await store.rowsOf(a.contentHash)).toHaveLength(571);

    const ledger = Object.values(await store.ledger('participating'));
    const indialantic = ledger.find((e) => e.agency === 'Indialantic Police Department');
    expect(indialantic).toMatchObject({ firstSeen: T1, lastSeen: T1, endedAt: T2 });
    const newOnes = ledger.filter((e) => e.firstSeen === T2);
    expect(newOnes).toHaveLength(18); // 17 signings and the misspelled Indiatlantic row
    // 588 rows, 587 agreements: ICE printed St. Cloud Police Department (FL, TFM) twice, once as "City of St. Cloud ...".
    expect(ledger.filter((e) => !e.endedAt && e.lastSeen === T2)).toHaveLength(587);
    expect(ledger.filter((e) => /St\. Cloud/.test(e.agency))).toHaveLength(1);
    // The other source is apart.
    expect(await store.ledger('pending')).toEqual({});
  });

  test('the ledger as the pure updateLedger computes it, through renames, relistings and corrections', async () => {
    const base = await loadSnapshot('participatingAgencies05162025am.xlsx', 'participating', T1);
    const rows = base.rows.slice(0, 40);
    await store.saveState('participating', stateOf(base, rows, T1), 'baseline');

    // Three agencies listed once each, so that each is found by its name.
    const once = rows.filter((r) => rows.filter((o) => o.agencyKey === r.agencyKey).length === 1);
    const [renamed, corrected, gone] = [once[0]!, once[1]!, once[2]!];
    const newName = `${renamed.agency} of the County`;
    const second = rows
      .filter((r) => r !== gone)
      .map((r) => (r === renamed ? { ...r, agency: newName, agencyKey: agencyKey(newName) } : r));
    const fixed = second.map((r) => (r === corrected ? { ...r, signed: '2020-02-02' } : r));
    const events = [
      {
        type: 'agreement.renamed',
        ...fieldsOf({ ...renamed, agency: newName }),
        previousAgency: renamed.agency,
        previousState: null,
        previousStateCode: null,
        evidence: 'same-document',
      },
      {
        type: 'agreement.corrected',
        ...fieldsOf(corrected),
        signed: '2020-02-02',
        previousSigned: corrected.signed,
        evidence: 'same-document',
      },
    ] as ListEvent[];
    await store.saveState('participating', stateOf(base, fixed, T2), 'accepted', events);
    // The third list brings the ended one back.
    await store.saveState('participating', stateOf(base, [...fixed, gone], T3), 'accepted', [
      { type: 'agreement.relisted', ...fieldsOf(gone), missingSince: T2 } as ListEvent,
    ]);

    const ledger = Object.values(await store.ledger('participating'));
    expect(ledger).toHaveLength(40);
    expect(ledger.find((e) => e.agency === newName)).toMatchObject({
      firstSeen: T1,
      lastSeen: T3,
      endedAt: null,
      previousNames: [renamed.agency],
    });
    expect(ledger.find((e) => e.agency === renamed.agency)).toBeUndefined();
    expect(ledger.find((e) => e.agency === corrected.agency)).toMatchObject({
      signed: '2020-02-02',
      corrections: [{ from: corrected.signed, to: '2020-02-02', at: T2 }],
    });
    expect(ledger.find((e) => e.agency === gone.agency)).toMatchObject({
      firstSeen: T1,
      lastSeen: T3,
      endedAt: null,
      gaps: [{ from: T2, to: T3 }],
    });
    expect(ledger.every((e) => e.lastSeen === T3 && e.endedAt === null)).toBe(true);
    const history = await store.history('participating');
    expect(history.map((h) => h.events)).toEqual([
      undefined,
      { 'agreement.renamed': 1, 'agreement.corrected': 1 },
      { 'agreement.relisted': 1 },
    ]);
  });

  test('a list with ten changes writes about ten ledger rows, not one per agreement', async () => {
    const base = await loadSnapshot('participatingAgencies05192025pm.xlsx', 'participating', T1);
    await store.saveState('participating', stateOf(base, base.rows, T1), 'baseline');
    const removed = new Set(base.rows.slice(10, 14));
    const changed = new Set(base.rows.slice(20, 23));
    const added = base.rows.slice(0, 3).map((r, i) => ({ ...r, agency: `New Agency ${i}`, agencyKey: agencyKey(`New Agency ${i}`) }));
    const next = [...base.rows.filter((r) => !removed.has(r)).map((r) => (changed.has(r) ? { ...r, signed: '2025-05-20' } : r)), ...added];
    await store.saveState('participating', stateOf(base, next, T2), 'accepted');

    // What the second list wrote carries its time: the new and changed rows (last seen T2) and the ended ones.
    const k = await d.db.ready();
    const written = await k
      .selectFrom('agreements')
      .select(['agency', 'ended_at'])
      .where('source', '=', 'participating')
      .where((eb) => eb.or([eb('last_seen', '=', T2), eb('ended_at', '=', T2)]))
      .execute();
    expect(written).toHaveLength(10);
    const ledger = await store.ledger('participating');
    expect(Object.values(ledger).filter((e) => e.endedAt === null && e.lastSeen === T2)).toHaveLength(activeAgreements(next).length);
    expect(
      Object.values(ledger)
        .filter((e) => e.endedAt === T2)
        .map((e) => e.lastSeen),
    ).toEqual([T1, T1, T1, T1]);
  });

  test('a saveState that fails midway leaves the previous state, history, ledger and rows as they were', async () => {
    const a = await loadSnapshot('participatingAgencies05162025am.xlsx', 'participating', T1);
    const b = await loadSnapshot('participatingAgencies05192025pm.xlsx', 'participating', T2);
    await store.saveState('participating', stateOf(a, a.rows, T1), 'baseline');
    const before = {
      state: await store.getState('participating'),
      history: await store.history('participating'),
      ledger: await store.ledger('participating'),
    };

    // The state pointer is written last; the database refuses it (detected_kind NOT NULL) after the rows,
    // history and ledger were written in the same transaction.
    const broken = stateOf(b, b.rows, T2);
    broken.view = { ...broken.view, detectedKind: undefined as never };
    await expect(store.saveState('participating', broken, 'accepted')).rejects.toHaveProperty('message', expect.stringMatching(/null/i));

    const fresh = createSnapshotStore(d.db, kv); // no row cache
    expect(await fresh.getState('participating')).toEqual(before.state);
    expect(await fresh.history('participating')).toEqual(before.history);
    expect(await fresh.ledger('participating')).toEqual(before.ledger);
    expect(await fresh.rowsOf(broken.view.contentHash)).toBeNull();

    // And the same change, whole, goes through.
    await store.saveState('participating', stateOf(b, b.rows, T2), 'accepted');
    expect(await fresh.history('participating')).toHaveLength(2);
  });

  test('keeps the newest 50 judgements per source, oldest first', async () => {
    for (let n = 1; n <= 55; n++) await store.recordJudgement('participating', judgement(n));
    await store.recordJudgement('pending', judgement(100));
    const kept = await store.judgements('participating');
    expect(kept).toHaveLength(50);
    expect(kept[0]).toEqual(judgement(6));
    expect(kept[49]).toEqual(judgement(55));
    expect(await store.judgements('pending')).toEqual([judgement(100)]);
    const k = await d.db.ready();
    expect((await k.selectFrom('judgements').select('id').execute()).length).toBe(51);
  });

  test('restore writes a whole dump, replacing what the source held', async () => {
    const a = await loadSnapshot('participatingAgencies05162025am.xlsx', 'participating', T1);
    const b = await loadSnapshot('participatingAgencies05192025pm.xlsx', 'participating', T2);
    // Something already stored for the source, which the dump replaces.
    await store.saveState('participating', stateOf(b, b.rows.slice(0, 5), T3), 'baseline');
    await store.recordJudgement('participating', judgement(99));

    const first = judgePublication(null, a, { now: new Date(T1), guards: DEFAULT_GUARDS });
    const second = judgePublication(first.next, b, { now: new Date(T2), guards: DEFAULT_GUARDS });
    const scratch = createSnapshotStore(openDatabase('memory://'), openKeyValueStores('memory://'));
    await scratch.saveState('participating', first.next!, first.verdict, first.events);
    await scratch.saveState('participating', second.next!, second.verdict, second.events);
    const dump: SourceDump = {
      state: second.next,
      history: await scratch.history('participating'),
      rows: { [a.contentHash]: a.rows, [b.contentHash]: b.rows },
      ledger: await scratch.ledger('participating'),
      judgements: [judgement(1), judgement(2)],
    };

    await store.restore('participating', dump);
    const reopened = d.second();
    for (const s of [store, ...(reopened ? [createSnapshotStore(reopened, kv)] : [])]) {
      expect(await s.getState('participating')).toEqual(await scratch.getState('participating'));
      expect(await s.history('participating')).toEqual(dump.history);
      expect(await s.ledger('participating')).toEqual(dump.ledger);
      expect(await s.judgements('participating')).toEqual(dump.judgements);
      expect(await s.rowsOf(a.contentHash)).toEqual(a.rows);
      expect(await s.rowsOf(b.contentHash)).toEqual(b.rows);
    }
    // The restored ledger goes on as if it had been written here.
    const c = stateOf(b, b.rows.slice(1), T3);
    await store.saveState('participating', c, 'accepted');
    await scratch.saveState('participating', c, 'accepted');
    expect(await store.ledger('participating')).toEqual(await scratch.ledger('participating'));
  });

  test('survives a reopen (what a restart sees), validators included', async () => {
    const snap = await loadSnapshot('participatingAgencies-20250221214937.xlsx');
    const outcome = judgePublication(null, snap, { now: new Date(), guards: DEFAULT_GUARDS });
    await store.saveState('participating', outcome.next!, 'baseline');
    await store.recordJudgement('participating', judgement(1));
    await store.setLastFetch('participating', { url: 'https://ice.gov/x.xlsx', etag: '"e1"', lastModified: null });
    await store.setPageLinks({ at: T1, participating: 'https://ice.gov/x.xlsx', pending: null });
    expect(await store.lastFetch('participating')).toEqual({ url: 'https://ice.gov/x.xlsx', etag: '"e1"', lastModified: null });
    expect(await store.lastFetch('pending')).toBeNull();
    const restarted = d.second();
    if (!restarted) return; // memory does not outlive its process, by design
    const kv2 = openKeyValueStores(d.url, { db: restarted });
    const reopened = createSnapshotStore(restarted, kv2);
    expect((await reopened.getState('participating'))?.view.rows).toHaveLength(151);
    expect(await reopened.judgements('participating')).toHaveLength(1);
    expect(await reopened.pageLinks()).toEqual({ at: T1, participating: 'https://ice.gov/x.xlsx', pending: null });
    expect((await reopened.lastFetch('participating'))?.etag).toBe('"e1"');
  });
});

describe('store failures', () => {
  test('a database that cannot be reached makes reads fail loudly instead of looking empty', async () => {
    const db = openDatabase('postgres://nobody@127.0.0.1:1/none');
    const store = createSnapshotStore(db, openKeyValueStores('memory://'));
    try {
      await expect(store.getState('participating')).rejects.toThrow();
      await expect(store.history('participating')).rejects.toThrow();
      await expect(store.ledger('participating')).rejects.toThrow();
    } finally {
      await db.close();
    }
  });

  test('an unsupported STORE_URL is refused with the supported forms', () => {
    expect(() => openDatabase('mysql://x')).toThrow(StoreConfigError);
    expect(() => openDatabase('mysql://x')).toThrow(/sqlite:\/\/.*postgres:\/\//);
  });
});
