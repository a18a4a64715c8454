import { openDatabase } from '../../src/store/db/database';
import { createDigestStore } from '../../src/store/digest-store';
import { createEpisodeStore } from '../../src/store/episode-store';
import { createHealthStore } from '../../src/store/health-store';
import { createKeyvFactory } from '../../src/store/keyv-factory';
import { createOutboxStore } from '../../src/store/outbox-store';
import { createSnapshotStore } from '../../src/store/snapshot-store';
import { createSubscriptionStore } from '../../src/store/subscription-store';
import { createTotalsStore } from '../../src/store/totals-store';

export type MemoryStores = ReturnType<typeof memoryStores>;

/**
 * Every store of the bot on a real SQLite database in memory (`db`, STORE_URL=memory://) and the
 * former in-memory keyv for the stores still on it, so a test takes the ones it needs in one line:
 * `const { db, outbox, subscriptions } = memoryStores();`. `close()` closes both; a test that
 * "restarts" opens a second store on the same `db` (or `keyv`).
 */
export function memoryStores() {
  const keyv = createKeyvFactory('memory://');
  const db = openDatabase('memory://');
  return {
    keyv,
    db,
    snapshots: createSnapshotStore(keyv),
    subscriptions: createSubscriptionStore(db),
    outbox: createOutboxStore(db),
    digests: createDigestStore(db),
    totals: createTotalsStore(keyv),
    health: createHealthStore(keyv),
    episodes: createEpisodeStore(keyv),
    close: async () => {
      await Promise.all([keyv.close(), db.close()]);
    },
  };
}
