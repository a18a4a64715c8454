import { openDatabase } from '../../src/store/db/database';
import { createDigestStore } from '../../src/store/digest-store';
import { createEpisodeStore } from '../../src/store/episode-store';
import { createHealthStore } from '../../src/store/health-store';
import { openKeyValueStores } from '../../src/store/key-value';
import { createOutboxStore } from '../../src/store/outbox-store';
import { createSnapshotStore } from '../../src/store/snapshot-store';
import { createSubscriptionStore } from '../../src/store/subscription-store';
import { createTotalsStore } from '../../src/store/totals-store';

export type MemoryStores = ReturnType<typeof memoryStores>;

/**
 * Every store of the bot in memory (STORE_URL=memory://: SQLite in memory and keyv maps), so a test
 * takes the ones it needs in one line: `const { db, outbox, subscriptions } = memoryStores();`.
 * `close()` closes them; a test that "restarts" opens a second store on the same `db`/`kv`.
 */
export function memoryStores() {
  const db = openDatabase('memory://');
  const kv = openKeyValueStores('memory://');
  return {
    db,
    kv,
    snapshots: createSnapshotStore(db, kv),
    subscriptions: createSubscriptionStore(db),
    outbox: createOutboxStore(db),
    digests: createDigestStore(db),
    totals: createTotalsStore(db, kv),
    health: createHealthStore(db, kv),
    episodes: createEpisodeStore(db),
    close: async () => void (await Promise.all([db.close(), kv.close()])),
  };
}
