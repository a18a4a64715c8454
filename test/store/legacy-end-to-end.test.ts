import { openConfiguredStores } from '../../src/store/legacy/migrate-legacy';
import { openStores } from '../../src/store/open-stores';
import { copyLegacyFixture, legacyManifest } from '../fixtures/legacy-store/legacy-fixture';

/**
 * An install written by the former key-value layout (test/fixtures/legacy-store/v0.sqlite, written by
 * the former code) comes up in the new schema through the opener the bot's commands use, with every
 * subscription, the history, the ledger and the deliveries in flight, and a second opening imports nothing.
 */
describe('upgrading a former key-value install on SQLite', () => {
  test('every subscription, both histories, the ledgers, the releases and the pending deliveries arrive in the new schema, once', async () => {
    const copy = copyLegacyFixture();
    const manifest = legacyManifest();
    const config = { STORE_URL: copy.url, STORE_PREFIX: '' };
    try {
      const stores = await openConfiguredStores(config);
      try {
        for (const key of manifest.subscriptions) expect(await stores.subscriptions.get(key)).not.toBeNull();
        for (const key of manifest.pausedSubscriptions) expect((await stores.subscriptions.get(key))?.paused).toBeTruthy();
        for (const source of ['participating', 'pending'] as const) {
          const want = manifest.sources[source];
          expect((await stores.snapshots.history(source)).map((h) => h.contentHash)).toEqual(want.history);
          expect(Object.keys(await stores.snapshots.ledger(source)).sort()).toEqual([...want.ledgerIds].sort());
          expect((await stores.snapshots.getState(source))?.view.contentHash ?? null).toBe(want.viewHash);
          for (const [hash, count] of Object.entries(want.rows)) expect((await stores.snapshots.rowsOf(hash))?.length).toBe(count);
        }
        expect((await stores.totals.releases()).map((r) => r.release.asOf)).toEqual(manifest.totals.releases);
        const due = await stores.outbox.due(new Date('2100-01-01T00:00:00Z'), 1_000);
        expect(due.map((e) => e.id).sort()).toEqual([...manifest.outbox.pending].sort());
        for (const r of manifest.outbox.retried) expect((await stores.outbox.get(r.id))?.attempts).toBe(r.attempts);
      } finally {
        await stores.close();
      }
      // A channel changed after the upgrade keeps its change when the store is opened again: nothing is imported twice.
      const again = await openConfiguredStores(config);
      try {
        const key = manifest.subscriptions[0]!;
        await again.subscriptions.delete(key);
      } finally {
        await again.close();
      }
      const third = await openConfiguredStores(config);
      try {
        expect(await third.subscriptions.get(manifest.subscriptions[0]!)).toBeNull();
        expect((await third.snapshots.history('participating')).length).toBe(manifest.sources.participating.history.length);
      } finally {
        await third.close();
      }
    } finally {
      copy.cleanup();
    }
  });

  test('without the opener, the new schema of the same file starts empty: the import is what moves the data', async () => {
    const copy = copyLegacyFixture();
    try {
      const stores = openStores({ url: copy.url });
      try {
        expect(await stores.subscriptions.get(legacyManifest().subscriptions[0]!)).toBeNull();
      } finally {
        await stores.close();
      }
    } finally {
      copy.cleanup();
    }
  });
});
