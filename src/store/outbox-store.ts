import type { PlannedDelivery } from '../domain/delivery-plan';
import type { KeyvFactory } from './keyv-factory';
import { createSerializer } from './serialize';

export type OutboxStatus = 'pending' | 'sent' | 'paused' | 'dead';

/** One planned message and how its delivery is going. */
export interface OutboxEntry {
  id: string;
  delivery: PlannedDelivery;
  status: OutboxStatus;
  attempts: number;
  createdAt: string;
  nextAttemptAt: string;
  sentAt: string | null;
  lastError: string | null;
}

/**
 * The outbox: deliveries are written here before the snapshot that caused them is stored.
 *
 * Each entry is its own record and the truth about itself. Two small index records list
 * the pending entries (with their next attempt time) and the finished ones (for pruning),
 * so that finding what is due reads one index and only the due entries, never every
 * pending message. The index may lag an entry (a crash between the two writes): readers
 * check the entry and mend the index.
 */
export interface OutboxStore {
  /** Adds deliveries not seen before (by id); returns how many were new. */
  enqueue(deliveries: readonly PlannedDelivery[], at: Date): Promise<number>;
  /** Pending entries whose next attempt is due, oldest first. */
  due(at: Date, limit: number): Promise<OutboxEntry[]>;
  get(id: string): Promise<OutboxEntry | null>;
  /** Writes one entry's new state at once (what a crash must not lose: "sent"). */
  save(entry: OutboxEntry): Promise<void>;
  /** Brings the index in line with these saved entries, in one write (the worker calls it per batch). */
  reindex(entries: readonly OutboxEntry[]): Promise<void>;
  /** save + reindex, for a single entry. */
  update(entry: OutboxEntry): Promise<void>;
  /** Pending entries: how many, and the oldest's creation time. */
  depth(): Promise<{ pending: number; oldestCreatedAt: string | null }>;
  /** Forgets sent, paused and dead entries created before `before` (housekeeping). */
  prune(before: Date): Promise<number>;
}

type Index = Record<string, string>;
const PENDING = 'pending';
const DONE = 'done';

export function createOutboxStore(keyv: KeyvFactory): OutboxStore {
  const entries = keyv.open<OutboxEntry>('outbox');
  const indexes = keyv.open<Index>('outbox-index');
  const read = async (name: string) => (await indexes.get(name)) ?? {};
  const exclusive = createSerializer();

  const reindex = (changed: readonly OutboxEntry[]) => (changed.length ? exclusive(() => reindexNow(changed)) : Promise.resolve());
  async function reindexNow(changed: readonly OutboxEntry[]) {
    const [pending, done] = await Promise.all([read(PENDING), read(DONE)]);
    for (const e of changed) {
      if (e.status === 'pending') {
        pending[e.id] = e.nextAttemptAt;
        delete done[e.id];
      } else {
        delete pending[e.id];
        done[e.id] = e.createdAt;
      }
    }
    await Promise.all([indexes.set(PENDING, pending), indexes.set(DONE, done)]);
  }

  /** Inside `exclusive`: the index read here is written back (by reindexNow) before anyone else touches it. */
  async function enqueueNow(deliveries: readonly PlannedDelivery[], at: Date): Promise<number> {
    const pending = await read(PENDING);
    const fresh: OutboxEntry[] = [];
    const mend: OutboxEntry[] = [];
    const iso = at.toISOString();
    const seen = new Set<string>();
    for (const delivery of deliveries) {
      if (pending[delivery.id] !== undefined || seen.has(delivery.id)) continue;
      seen.add(delivery.id);
      const existing = await entries.get(delivery.id);
      if (!existing) {
        const entry: OutboxEntry = { id: delivery.id, delivery, status: 'pending', attempts: 0, createdAt: iso, nextAttemptAt: iso, sentAt: null, lastError: null };
        await entries.set(delivery.id, entry);
        fresh.push(entry);
      } else if (existing.status === 'pending') {
        mend.push(existing); // written before a crash that came before its index write
      }
    }
    await reindexNow([...fresh, ...mend]);
    return fresh.length;
  }

  const store: OutboxStore = {
    enqueue: (deliveries, at) => exclusive(() => enqueueNow(deliveries, at)),
    async due(at, limit) {
      const pending = await read(PENDING);
      const ids = Object.entries(pending)
        .filter(([, next]) => Date.parse(next) <= at.getTime())
        .sort((a, b) => a[1].localeCompare(b[1]) || a[0].localeCompare(b[0]))
        .slice(0, limit)
        .map(([id]) => id);
      if (!ids.length) return [];
      const found = await entries.getMany(ids);
      const ready: OutboxEntry[] = [];
      const stale: OutboxEntry[] = [];
      for (const e of found) {
        if (!e) continue;
        if (e.status === 'pending' && Date.parse(e.nextAttemptAt) <= at.getTime()) ready.push(e);
        else stale.push(e);
      }
      await reindex(stale);
      return ready.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
    get: async (id) => (await entries.get(id)) ?? null,
    async save(entry) {
      await entries.set(entry.id, entry);
    },
    reindex,
    async update(entry) {
      await store.save(entry);
      await reindex([entry]);
    },
    async depth() {
      const pending = await read(PENDING);
      const ids = Object.keys(pending);
      if (!ids.length) return { pending: 0, oldestCreatedAt: null };
      const oldest = (await entries.getMany(ids)).filter((e): e is OutboxEntry => e?.status === 'pending').map((e) => e.createdAt).sort()[0] ?? null;
      return { pending: ids.length, oldestCreatedAt: oldest };
    },
    prune: (before) => exclusive(async () => {
      const done = await read(DONE);
      const old = Object.entries(done).filter(([, created]) => Date.parse(created) < before.getTime()).map(([id]) => id);
      for (const id of old) {
        await entries.delete(id);
        delete done[id];
      }
      if (old.length) await indexes.set(DONE, done);
      return old.length;
    }),
  };
  return store;
}
