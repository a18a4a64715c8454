import type { Subscription } from '../domain/subscriptions';
import type { KeyvFactory } from './keyv-factory';
import { createSerializer } from './serialize';

/**
 * Channel subscriptions, indexed by state so that finding the channels for a state's
 * events reads the index entry of that state (and of `all`), never every subscription.
 */
export interface SubscriptionStore {
  get(key: string): Promise<Subscription | null>;
  /** Saves (creates or replaces) a channel's subscription and updates the index. */
  put(sub: Subscription): Promise<void>;
  /** Removes a channel's subscription; false when there was none. */
  delete(key: string): Promise<boolean>;
  /** The subscriptions that follow a state (by USPS code), all states, or totals; paused ones included (callers skip them). */
  forState(stateCode: string): Promise<Subscription[]>;
  forTotals(): Promise<Subscription[]>;
  /** Every subscription of one workspace (for operators and listings). */
  inWorkspace(platform: string, workspaceId: string): Promise<Subscription[]>;
}

const ALL = '*';
const TOTALS = 'totals';

function indexKeysOf(sub: Subscription): string[] {
  const keys = sub.states === 'all' ? [ALL] : [...sub.states];
  if (sub.kinds.includes('totals')) keys.push(TOTALS);
  return keys;
}

export function createSubscriptionStore(keyv: KeyvFactory): SubscriptionStore {
  const subs = keyv.open<Subscription>('subscriptions');
  const index = keyv.open<string[]>('subscription-index');
  const workspaces = keyv.open<string[]>('subscription-workspaces');
  // Index lists are read, changed and written back: one change at a time in this process.
  const exclusive = createSerializer();

  async function addTo(store: typeof index, key: string, member: string) {
    const list = (await store.get(key)) ?? [];
    if (!list.includes(member)) await store.set(key, [...list, member]);
  }
  async function removeFrom(store: typeof index, key: string, member: string) {
    const list = (await store.get(key)) ?? [];
    if (list.includes(member)) {
      const rest = list.filter((m) => m !== member);
      if (rest.length) await store.set(key, rest);
      else await store.delete(key);
    }
  }
  async function load(keys: string[]): Promise<Subscription[]> {
    if (!keys.length) return [];
    const found = await subs.getMany(keys);
    return found.filter((s): s is Subscription => Boolean(s));
  }

  return {
    get: async (key) => (await subs.get(key)) ?? null,
    put: (sub) => exclusive(async () => {
      const old = await subs.get(sub.key);
      // Write the record first, then the index: a crash between leaves an index entry
      // missing (the next put repairs it), never one that points at nothing.
      await subs.set(sub.key, sub);
      const next = new Set(indexKeysOf(sub));
      for (const k of old ? indexKeysOf(old) : []) if (!next.has(k)) await removeFrom(index, k, sub.key);
      for (const k of next) await addTo(index, k, sub.key);
      await addTo(workspaces, `${sub.platform}:${sub.workspaceId}`, sub.key);
    }),
    delete: (key) => exclusive(async () => {
      const old = await subs.get(key);
      if (!old) return false;
      for (const k of indexKeysOf(old)) await removeFrom(index, k, key);
      await removeFrom(workspaces, `${old.platform}:${old.workspaceId}`, key);
      await subs.delete(key);
      return true;
    }),
    async forState(stateCode) {
      const [own, all] = await Promise.all([index.get(stateCode), index.get(ALL)]);
      return load([...new Set([...(own ?? []), ...(all ?? [])])]);
    },
    forTotals: async () => load((await index.get(TOTALS)) ?? []),
    inWorkspace: async (platform, workspaceId) => load((await workspaces.get(`${platform}:${workspaceId}`)) ?? []),
  };
}
