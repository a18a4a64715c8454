import { createDigestStore, type DigestStore } from './digest-store';
import { createEpisodeStore, type EpisodeStore } from './episode-store';
import { createHealthStore, type HealthStore } from './health-store';
import { createKeyvFactory, type KeyvFactory } from './keyv-factory';
import { createOutboxStore, type OutboxStore } from './outbox-store';
import { createSnapshotStore, type SnapshotStore } from './snapshot-store';
import { createSubscriptionStore, type SubscriptionStoreOptions, type SubscriptionStore } from './subscription-store';
import { createTotalsStore, type TotalsStore } from './totals-store';

/** Every store of the bot over one connection (one KeyvFactory), and the one way to close it. */
export interface Stores {
  keyv: KeyvFactory;
  snapshots: SnapshotStore;
  subscriptions: SubscriptionStore;
  outbox: OutboxStore;
  health: HealthStore;
  totals: TotalsStore;
  digests: DigestStore;
  episodes: EpisodeStore;
  close(): Promise<void>;
}

/** Where the stores live: the configured STORE_URL and STORE_PREFIX, a URL (`memory://` for a scratch store), or an open factory. */
export type StoreLocation = { STORE_URL: string; STORE_PREFIX: string } | { url: string } | KeyvFactory;

export interface OpenStoresOptions {
  /** Told when a stored subscription cannot be read (it is skipped until the channel subscribes again). */
  onCorruptSubscription?: SubscriptionStoreOptions['onCorrupt'];
}

/**
 * The one opener of the stores, for the bot, the CLI, the doctor and a Discord shard process: they all
 * read the same data through the same ports, so none of them assembles the bundle by hand.
 *
 *   const stores = openStores(config);            // the bot: STORE_URL (SQLite by default)
 *   const scratch = openStores({ url: 'memory://' }); // `replay`, `agreements --file`
 *   try { ... } finally { await stores.close(); }
 *
 * Opening connects lazily: nothing is read or written until a store is used.
 */
export function openStores(location: StoreLocation, options: OpenStoresOptions = {}): Stores {
  const keyv = factoryOf(location);
  return {
    keyv,
    snapshots: createSnapshotStore(keyv),
    subscriptions: createSubscriptionStore(keyv, options.onCorruptSubscription ? { onCorrupt: options.onCorruptSubscription } : {}),
    outbox: createOutboxStore(keyv),
    health: createHealthStore(keyv),
    totals: createTotalsStore(keyv),
    digests: createDigestStore(keyv),
    episodes: createEpisodeStore(keyv),
    close: () => keyv.close(),
  };
}

function factoryOf(location: StoreLocation): KeyvFactory {
  if ('STORE_URL' in location) return createKeyvFactory(location.STORE_URL, { prefix: location.STORE_PREFIX });
  if ('url' in location && typeof location.url === 'string') return createKeyvFactory(location.url);
  return location as KeyvFactory;
}
