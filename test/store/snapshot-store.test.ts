import { DEFAULT_GUARDS, judgePublication } from '../../src/domain/agreements/guards';
import { createKeyvFactory, StoreConfigError, type KeyvFactory } from '../../src/store/keyv-factory';
import { createSnapshotStore } from '../../src/store/snapshot-store';
import { failingKeyvFactory } from '../helpers/failing-store';
import { loadSnapshot } from '../helpers/fixtures';
import { describeEachStore, STORE_BACKENDS, type StoreUnderTest } from '../helpers/store-backends';

describeEachStore(STORE_BACKENDS)('snapshot store on %s', (_name, backend) => {
  let store_: StoreUnderTest;
  let keyv: KeyvFactory;
  beforeEach(async () => {
    store_ = await backend();
    keyv = store_.factory;
  });
  afterEach(() => store_.cleanup());

  test('an empty store has no state, no history and an empty ledger', async () => {
    const store = createSnapshotStore(keyv);
    expect(await store.getState('participating')).toBeNull();
    expect(await store.history('participating')).toEqual([]);
    expect(await store.ledger('participating')).toEqual({});
  });

  test('keeps the accepted state, history de-duplicated by content, and a ledger of first/last seen', async () => {
    const store = createSnapshotStore(keyv);
    const a = await loadSnapshot('participatingAgencies05162025am.xlsx', 'participating', '2025-05-16T12:00:00.000Z');
    const b = await loadSnapshot('participatingAgencies05192025pm.xlsx', 'participating', '2025-05-19T20:00:00.000Z');
    const first = judgePublication(null, a, { now: new Date(a.meta.fetchedAt), guards: DEFAULT_GUARDS });
    await store.saveState('participating', first.next!, first.verdict);
    const second = judgePublication(first.next, b, { now: new Date(b.meta.fetchedAt), guards: DEFAULT_GUARDS });
    await store.saveState('participating', second.next!, second.verdict);
    // Saving the same view again adds no history entry.
    await store.saveState('participating', second.next!, second.verdict);

    const state = await store.getState('participating');
    expect(state?.view.rows).toHaveLength(588);
    expect(state?.view.contentHash).toBe(b.contentHash);
    const history = await store.history('participating');
    expect(history.map((h) => [h.fileName, h.verdict, h.rowCount])).toEqual([
      ['participatingAgencies05162025am.xlsx', 'baseline', 571],
      ['participatingAgencies05192025pm.xlsx', 'accepted', 588],
    ]);
    expect(await store.rowsOf(a.contentHash)).toHaveLength(571);

    const ledger = Object.values(await store.ledger('participating'));
    const indialantic = ledger.find((e) => e.agency === 'Indialantic Police Department');
    expect(indialantic).toMatchObject({ firstSeen: '2025-05-16T12:00:00.000Z', endedAt: '2025-05-19T20:00:00.000Z' });
    const newOnes = ledger.filter((e) => e.firstSeen === '2025-05-19T20:00:00.000Z');
    expect(newOnes).toHaveLength(18); // 17 signings and the misspelled Indiatlantic row
    // 588 rows, 587 agreements: ICE printed St. Cloud Police Department (FL, TFM) twice, once as "City of St. Cloud ...".
    expect(ledger.filter((e) => !e.endedAt && e.lastSeen === '2025-05-19T20:00:00.000Z')).toHaveLength(587);
    expect(ledger.filter((e) => /St\. Cloud/.test(e.agency))).toHaveLength(1);
  });

  test('survives a reopen (what a restart sees)', async () => {
    const snap = await loadSnapshot('participatingAgencies-20250221214937.xlsx');
    const outcome = judgePublication(null, snap, { now: new Date(), guards: DEFAULT_GUARDS });
    await createSnapshotStore(keyv).saveState('participating', outcome.next!, 'baseline');
    await createSnapshotStore(keyv).recordJudgement('participating', {
      verdict: 'baseline',
      reason: null,
      fileName: 'x',
      sha256: 's',
      at: 'now',
      eventCount: 0,
      notices: [],
    });
    const restarted = store_.second();
    if (!restarted) return; // memory does not outlive its process, by design
    const reopened = createSnapshotStore(restarted);
    expect((await reopened.getState('participating'))?.view.rows).toHaveLength(151);
    expect(await reopened.judgements('participating')).toHaveLength(1);
  });
});

describe('store failures', () => {
  test('a store that throws makes reads fail loudly instead of looking empty', async () => {
    const broken = failingKeyvFactory('disk I/O error');
    const store = createSnapshotStore(broken);
    await expect(store.getState('participating')).rejects.toThrow('disk I/O error');
    await expect(store.history('participating')).rejects.toThrow('disk I/O error');
  });

  test('an unsupported STORE_URL is refused with the supported forms', () => {
    expect(() => createKeyvFactory('mysql://x')).toThrow(StoreConfigError);
    expect(() => createKeyvFactory('mysql://x')).toThrow(/sqlite:\/\/.*postgres:\/\/.*redis:\/\//);
  });
});
