import type { PlannedDelivery } from '../domain/delivery-plan';
import type { KeyvFactory } from './keyv-factory';

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

/** The outbox: deliveries are written here before the snapshot that caused them is stored. */
export interface OutboxStore {
  /** Adds deliveries not seen before (by id); returns how many were new. */
  enqueue(deliveries: readonly PlannedDelivery[], at: Date): Promise<number>;
  /** Pending entries whose next attempt is due, oldest first. */
  due(at: Date, limit: number): Promise<OutboxEntry[]>;
  get(id: string): Promise<OutboxEntry | null>;
  update(entry: OutboxEntry): Promise<void>;
  /** Pending entries: how many, and the oldest's creation time. */
  depth(): Promise<{ pending: number; oldestCreatedAt: string | null }>;
  /** Forgets sent, paused and dead entries created before `before` (housekeeping). */
  prune(before: Date): Promise<number>;
}

const PENDING = 'pending';
const DONE = 'done';

export function createOutboxStore(keyv: KeyvFactory): OutboxStore {
  const entries = keyv.open<OutboxEntry>('outbox');
  const lists = keyv.open<string[]>('outbox-lists');

  async function move(id: string, from: string | null, to: string | null) {
    if (from) {
      const list = (await lists.get(from)) ?? [];
      if (list.includes(id)) await lists.set(from, list.filter((x) => x !== id));
    }
    if (to) {
      const list = (await lists.get(to)) ?? [];
      if (!list.includes(id)) await lists.set(to, [...list, id]);
    }
  }
  const load = async (ids: string[]) => (ids.length ? (await entries.getMany(ids)).filter((e): e is OutboxEntry => Boolean(e)) : []);

  return {
    async enqueue(deliveries, at) {
      const pending = (await lists.get(PENDING)) ?? [];
      const indexed = new Set(pending);
      const toIndex: string[] = [];
      let added = 0;
      const iso = at.toISOString();
      for (const delivery of deliveries) {
        if (indexed.has(delivery.id) || toIndex.includes(delivery.id)) continue;
        const existing = await entries.get(delivery.id);
        if (!existing) {
          await entries.set(delivery.id, { id: delivery.id, delivery, status: 'pending', attempts: 0, createdAt: iso, nextAttemptAt: iso, sentAt: null, lastError: null });
          added++;
          toIndex.push(delivery.id);
        } else if (existing.status === 'pending') {
          // Written before a crash that came before the index write: index it now.
          toIndex.push(delivery.id);
        }
      }
      // Entries first, then one index write for the batch.
      if (toIndex.length) await lists.set(PENDING, [...pending, ...toIndex]);
      return added;
    },
    async due(at, limit) {
      const pending = await load((await lists.get(PENDING)) ?? []);
      return pending
        .filter((e) => e.status === 'pending' && Date.parse(e.nextAttemptAt) <= at.getTime())
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
        .slice(0, limit);
    },
    get: async (id) => (await entries.get(id)) ?? null,
    async update(entry) {
      await entries.set(entry.id, entry);
      if (entry.status !== 'pending') await move(entry.id, PENDING, DONE);
    },
    async depth() {
      const pending = await load((await lists.get(PENDING)) ?? []);
      const oldest = pending.map((e) => e.createdAt).sort()[0] ?? null;
      return { pending: pending.length, oldestCreatedAt: oldest };
    },
    async prune(before) {
      const done = await load((await lists.get(DONE)) ?? []);
      const old = done.filter((e) => Date.parse(e.createdAt) < before.getTime());
      for (const e of old) await entries.delete(e.id);
      if (old.length) await lists.set(DONE, done.filter((e) => !old.includes(e)).map((e) => e.id));
      return old.length;
    },
  };
}
