import { isSubscriptionRecord, type Subscription } from '../domain/alerts/subscriptions';
import { UserError } from '../domain/user-error';
import type { KeyvFactory } from './keyv-factory';
import { createLeaseLock, LockTimeoutError, type LeaseLockOptions } from './lease-lock';

/**
 * Channel subscriptions, indexed by state so that finding the channels for a state's
 * events reads the index of that state (and of `all`), never every subscription.
 *
 * The records are keyv values; the indexes are scored sets (atomic.ts). Every change of a
 * channel's record (update, put, delete) holds that channel's lock (lease-lock.ts, on the
 * store's leases) from its read to its last index write, so two commands changing one
 * channel at once, in one process or in several, both keep their change: 40 `/subscribe`
 * in one channel at once store 40 states. The record is the truth: the index entries a new
 * record needs are added before it is written and the ones it no longer needs removed
 * after, and readers check that a record they reached through an index still follows that
 * state, so an index may over-include (a crash between the writes) but never miss a channel.
 */
export interface SubscriptionStore {
  get(key: string): Promise<Subscription | null>;
  /**
   * Changes one channel's subscription atomically: `change` gets the stored record (null:
   * none) and returns the next one (null: remove it; the very same object: leave it
   * untouched). It runs under the channel's lock, so keep it quick (values, not platform
   * calls: start those before and await them inside); what it throws passes through and
   * nothing is written. Resolves to what was stored before and after. A channel locked by
   * someone else for too long is a UserError ("try again").
   */
  update(
    key: string,
    change: (old: Subscription | null) => Subscription | null | Promise<Subscription | null>,
  ): Promise<SubscriptionChange>;
  /** Saves (creates or replaces) a channel's subscription and updates the index: `update` with a fixed value. */
  put(sub: Subscription): Promise<void>;
  /** Saves many new subscriptions at once (imports, benchmarks): one batched write per index, no lock (nothing else writes these channels yet). */
  putMany(subs: readonly Subscription[]): Promise<void>;
  /** Removes a channel's subscription; false when there was none. */
  delete(key: string): Promise<boolean>;
  /** The subscriptions that follow a state (by USPS code), all states, or totals; paused ones included (callers skip them). */
  forState(stateCode: string): Promise<Subscription[]>;
  /** forState for several states at once: each record is read once however many of the states it follows (a poll touching every state reads the all-states channels once). */
  forStates(stateCodes: readonly string[]): Promise<Map<string, Subscription[]>>;
  forTotals(): Promise<Subscription[]>;
  /** Every subscription of one workspace (for operators and listings). */
  inWorkspace(platform: string, workspaceId: string): Promise<Subscription[]>;
}

/** What an update stored: the record before and after (null: none). */
export interface SubscriptionChange {
  before: Subscription | null;
  after: Subscription | null;
}

export interface SubscriptionStoreOptions {
  /** Told about a record that cannot be read or is not a subscription; it is skipped. */
  onCorrupt?: (key: string, problem: string) => void;
  /** The per-channel lock's timings (tests shorten them). */
  lock?: LeaseLockOptions;
}

/** Shown when a channel stays locked past the lock's wait: another change is stuck, or a crashed one has not lapsed. */
export const CHANNEL_BUSY = "This channel's subscription is being changed by another command right now. Try again in a minute.";

const ALL = '*';
const TOTALS = 'totals';
const BATCH = 500;
const stateSet = (key: string) => `subscriptions:state:${key}`;
const channelLock = (key: string) => `subscriptions:channel:${key}`;
const workspaceSet = (platform: string, workspaceId: string) => `subscriptions:workspace:${platform}:${workspaceId}`;

function indexKeysOf(sub: Subscription): string[] {
  const keys = sub.states === 'all' ? [ALL] : [...sub.states];
  if (sub.kinds.includes('totals')) keys.push(TOTALS);
  return keys;
}

export function createSubscriptionStore(keyv: KeyvFactory, options: SubscriptionStoreOptions = {}): SubscriptionStore {
  const subs = keyv.open<Subscription>('subscriptions');
  const { sets } = keyv;
  const corrupt = (key: string, problem: string) => options.onCorrupt?.(key, problem);
  const lock = createLeaseLock(keyv.leases, options.lock);
  const locked = <T>(key: string, work: () => Promise<T>) =>
    lock.run(channelLock(key), work).catch((err: unknown) => {
      throw err instanceof LockTimeoutError ? new UserError(CHANNEL_BUSY) : err;
    });

  /** Reads records in batches; one unreadable record costs one-by-one reads of its batch, never the others. */
  async function load(keys: readonly string[], follows: (s: Subscription) => boolean): Promise<Subscription[]> {
    const out: Subscription[] = [];
    for (let i = 0; i < keys.length; i += BATCH) {
      const batch = keys.slice(i, i + BATCH);
      let found: unknown[];
      try {
        found = await subs.getMany(batch);
      } catch {
        found = await Promise.all(
          batch.map((k) =>
            subs.get(k).catch((err: unknown) => {
              corrupt(k, err instanceof Error ? err.message : String(err));
              return undefined;
            }),
          ),
        );
      }
      found.forEach((s, j) => {
        if (s === undefined || s === null) return;
        if (!isSubscriptionRecord(s)) corrupt(batch[j]!, 'not a subscription record');
        else if (follows(s)) out.push(s);
      });
    }
    return out;
  }
  async function get(key: string): Promise<Subscription | null> {
    const s = await subs.get(key);
    if (s === undefined || s === null) return null;
    if (isSubscriptionRecord(s)) return s;
    corrupt(key, 'not a subscription record');
    return null;
  }
  async function addToIndexes(batch: readonly Subscription[]) {
    const byIndex = new Map<string, Array<readonly [string, number]>>();
    const add = (set: string, key: string) => {
      const list = byIndex.get(set) ?? [];
      list.push([key, 0]);
      byIndex.set(set, list);
    };
    for (const sub of batch) {
      for (const k of indexKeysOf(sub)) add(stateSet(k), sub.key);
      add(workspaceSet(sub.platform, sub.workspaceId), sub.key);
    }
    for (const [set, members] of byIndex) await sets.add(set, members);
  }

  /** Reads each state's index and the all-states index once, and each record once, however many of the states it follows. */
  async function forStates(stateCodes: readonly string[]): Promise<Map<string, Subscription[]>> {
    const [all, ...own] = await Promise.all([sets.members(stateSet(ALL)), ...stateCodes.map((c) => sets.members(stateSet(c)))]);
    const loaded = await load([...new Set([...all, ...own.flat()])], () => true);
    const byKey = new Map(loaded.map((s) => [s.key, s]));
    return new Map(
      stateCodes.map((code, i) => {
        // An index may briefly over-include (see above): the record decides.
        const subs = [...new Set([...own[i]!, ...all])].flatMap((k) => {
          const s = byKey.get(k);
          return s && (s.states === 'all' || s.states.includes(code)) ? [s] : [];
        });
        return [code, subs];
      }),
    );
  }

  /** Under the channel's lock: the new record's index entries, the record, then the stale entries (see above). */
  async function write(key: string, old: Subscription | null, next: Subscription | null): Promise<boolean> {
    if (next) {
      if (next.key !== key) throw new Error(`a subscription for ${next.key} cannot be stored under ${key}`);
      await addToIndexes([next]);
      await subs.set(key, next);
      const keep = new Set(indexKeysOf(next));
      for (const k of old ? indexKeysOf(old) : []) if (!keep.has(k)) await sets.remove(stateSet(k), [key]);
      return true;
    }
    const existed = await subs.delete(key);
    if (old) {
      for (const k of indexKeysOf(old)) await sets.remove(stateSet(k), [key]);
      await sets.remove(workspaceSet(old.platform, old.workspaceId), [key]);
    }
    return existed;
  }
  /** A record that cannot be read counts as none: the change replaces it. */
  const readForChange = (key: string) => get(key).catch(() => null);

  return {
    get,
    update: (key, change) =>
      locked(key, async () => {
        const before = await readForChange(key);
        const after = await change(before);
        if (after !== before) await write(key, before, after);
        return { before, after };
      }),
    async put(sub) {
      await locked(sub.key, async () => void (await write(sub.key, await readForChange(sub.key), sub)));
    },
    async putMany(list) {
      for (let i = 0; i < list.length; i += BATCH) {
        const batch = list.slice(i, i + BATCH);
        await subs.setMany(batch.map((s) => ({ key: s.key, value: s })));
        await addToIndexes(batch);
      }
    },
    delete: (key) =>
      locked(key, async () => {
        const old = await readForChange(key);
        return (await write(key, old, null)) || Boolean(old);
      }),
    forState: async (stateCode) => (await forStates([stateCode])).get(stateCode)!,
    forStates,
    forTotals: async () => load(await sets.members(stateSet(TOTALS)), (s) => s.kinds.includes('totals')),
    inWorkspace: async (platform, workspaceId) =>
      load(await sets.members(workspaceSet(platform, workspaceId)), (s) => s.platform === platform && s.workspaceId === workspaceId),
  };
}
