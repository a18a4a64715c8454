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
 * Every store of the bot on one real in-memory keyv (STORE_URL=memory://), so a test takes
 * the ones it needs in one line: `const { keyv, outbox, subscriptions } = memoryStores();`.
 * `close()` closes the keyv; a test that "restarts" opens a second store on the same `keyv`.
 */
export function memoryStores() {
  const keyv = createKeyvFactory('memory://');
  return {
    keyv,
    snapshots: createSnapshotStore(keyv),
    subscriptions: createSubscriptionStore(keyv),
    outbox: createOutboxStore(keyv),
    digests: createDigestStore(keyv),
    totals: createTotalsStore(keyv),
    health: createHealthStore(keyv),
    episodes: createEpisodeStore(keyv),
    close: () => keyv.close(),
  };
}
