import { openDatabase, type StoreDb } from './db/database';
import { createDigestStore, type DigestStore } from './digest-store';
import { createEpisodeStore, type EpisodeStore } from './episode-store';
import { createEventLog, type EventLog } from './event-log';
import { createHealthStore, type HealthStore } from './health-store';
import { openKeyValueStores, type KeyValueStores } from './key-value';
import { createOutboxStore, type OutboxStore } from './outbox-store';
import { createSnapshotStore, type SnapshotStore } from './snapshot-store';
import { createSubscriptionStore, type SubscriptionStoreOptions, type SubscriptionStore } from './subscription-store';
import { createTotalsStore, type TotalsStore } from './totals-store';
import { createWebhookStore, type WebhookStore } from './webhook-store';

/** Every store of the bot over one database (and its key-value side), and the one way to close it. */
export interface Stores {
  /** The relational database (STORE_URL): subscriptions, lists, ledger, outbox, leases. */
  db: StoreDb;
  /** What is key-value and expires (HTTP validators, health), in the same database through keyv. */
  kv: KeyValueStores;
  snapshots: SnapshotStore;
  subscriptions: SubscriptionStore;
  outbox: OutboxStore;
  health: HealthStore;
  totals: TotalsStore;
  digests: DigestStore;
  episodes: EpisodeStore;
  /** Webhook endpoints (their URL and signing secret); their subscriptions are in `subscriptions`. */
  webhooks: WebhookStore;
  /** Every published alert, kept for good: what the feeds and the state pages serve. */
  events: EventLog;
  close(): Promise<void>;
}

/**
 * Where the stores live: the configured STORE_URL and STORE_PREFIX, a URL (`memory://` for a
 * scratch store, SQLite in memory), or an open database (a test's second "instance" on the same data).
 */
export type StoreLocation =
  | {
      STORE_URL: string;
      STORE_PREFIX: string;
      /** The database and its key-value side given by a test (ones that can stop answering); STORE_URL's otherwise. */
      db?: StoreDb;
      kv?: KeyValueStores;
    }
  | { url: string; prefix?: string }
  | { db: StoreDb; kv: KeyValueStores };

export interface OpenStoresOptions {
  /** Told when a stored subscription cannot be read (it is skipped until the channel subscribes again). */
  onCorruptSubscription?: SubscriptionStoreOptions['onCorrupt'];
}

/**
 * The one opener of the stores, for the bot, the CLI, the doctor and a Discord shard process: they all
 * read the same data through the same ports, so none of them assembles the bundle by hand.
 *
 *   const stores = openStores(config);                // the bot: STORE_URL (SQLite by default), STORE_PREFIX
 *   const scratch = openStores({ url: 'memory://' }); // `replay`, `agreements --file`
 *   try { ... } finally { await stores.close(); }
 *
 * Opening connects lazily: nothing is read or written until a store is used (the first use migrates the schema).
 */
export function openStores(location: StoreLocation, options: OpenStoresOptions = {}): Stores {
  const { db, kv } = enginesOf(location);
  return {
    db,
    kv,
    snapshots: createSnapshotStore(db, kv),
    subscriptions: createSubscriptionStore(db, options.onCorruptSubscription ? { onCorrupt: options.onCorruptSubscription } : {}),
    outbox: createOutboxStore(db),
    health: createHealthStore(db, kv),
    totals: createTotalsStore(db, kv),
    digests: createDigestStore(db),
    episodes: createEpisodeStore(db),
    webhooks: createWebhookStore(db),
    events: createEventLog(db),
    close: async () => {
      await Promise.all([db.close(), kv.close()]);
    },
  };
}

function enginesOf(location: StoreLocation): { db: StoreDb; kv: KeyValueStores } {
  if (!('STORE_URL' in location) && 'db' in location) return location;
  const [url, prefix] = 'STORE_URL' in location ? [location.STORE_URL, location.STORE_PREFIX] : [location.url, location.prefix ?? ''];
  const db = ('STORE_URL' in location ? location.db : undefined) ?? openDatabase(url, { prefix });
  return { db, kv: ('STORE_URL' in location ? location.kv : undefined) ?? openKeyValueStores(url, { db }) };
}
