import { isSubscriptionRecord, type Subscription } from '../domain/subscriptions';
import type { KeyvFactory } from './keyv-factory';

/**
 * Channel subscriptions, indexed by state so that finding the channels for a state's
 * events reads the index of that state (and of `all`), never every subscription.
 *
 * The records are keyv values; the indexes are scored sets (atomic.ts), so two instances
 * subscribing channels at once both keep their change. The record is the truth: it is
 * written before the index entries that point at it, and readers check that a record they
 * reached through an index still follows that state (an index may briefly over-include,
 * never miss a channel).
 */
export interface SubscriptionStore {
  get(key: string): Promise<Subscription | null>;
  /** Saves (creates or replaces) a channel's subscription and updates the index. */
  put(sub: Subscription): Promise<void>;
  /** Saves many new subscriptions at once (imports, benchmarks): one batched write per index. */
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

export interface SubscriptionStoreOptions {
  /** Told about a record that cannot be read or is not a subscription; it is skipped. */
  onCorrupt?: (key: string, problem: string) => void;
}

const ALL = '*';
const TOTALS = 'totals';
const BATCH = 500;
const stateSet = (key: string) => `subscriptions:state:${key}`;
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

  return {
    get,
    async put(sub) {
      const old = await get(sub.key).catch(() => null);
      // The record first, then the index: a crash between leaves an index entry missing
      // (the next put repairs it), never one that points at nothing.
      await subs.set(sub.key, sub);
      const next = new Set(indexKeysOf(sub));
      for (const k of old ? indexKeysOf(old) : []) if (!next.has(k)) await sets.remove(stateSet(k), [sub.key]);
      await addToIndexes([sub]);
    },
    async putMany(list) {
      for (let i = 0; i < list.length; i += BATCH) {
        const batch = list.slice(i, i + BATCH);
        await subs.setMany(batch.map((s) => ({ key: s.key, value: s })));
        await addToIndexes(batch);
      }
    },
    async delete(key) {
      const old = await get(key).catch(() => null);
      const existed = await subs.delete(key);
      if (old) {
        for (const k of indexKeysOf(old)) await sets.remove(stateSet(k), [key]);
        await sets.remove(workspaceSet(old.platform, old.workspaceId), [key]);
      }
      return existed || Boolean(old);
    },
    forState: async (stateCode) => (await forStates([stateCode])).get(stateCode)!,
    forStates,
    forTotals: async () => load(await sets.members(stateSet(TOTALS)), (s) => s.kinds.includes('totals')),
    inWorkspace: async (platform, workspaceId) =>
      load(await sets.members(workspaceSet(platform, workspaceId)), (s) => s.platform === platform && s.workspaceId === workspaceId),
  };
}
