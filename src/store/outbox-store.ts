import { createHash } from 'node:crypto';
import type { PlannedDelivery } from '../domain/alerts/delivery-plan';
import { PLATFORM_IDS, type Platform } from '../domain/platforms';
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
  /**
   * When a send began whose outcome is not recorded yet (record before send); null or absent
   * otherwise. Found set on an entry whose claim lapsed: its sender died mid-send.
   */
  sendingSince?: string | null;
}

/**
 * The outbox: deliveries are written here before the snapshot that caused them is stored.
 *
 * Each entry is its own record and the truth about itself. Two scored sets index them: the
 * pending entries by next attempt time, the finished ones by creation time (for pruning),
 * so that finding what is due reads the due part of one index and only those entries,
 * never every pending message. Each index change is one atomic operation on the engine, so
 * a poll enqueueing while a worker (in this process or another) reindexes loses nothing.
 * The index may lag an entry (a crash between the two writes): readers check the entry and
 * mend the index.
 */
export interface OutboxStore {
  /** Adds deliveries not seen before (by id); returns how many were new. */
  enqueue(deliveries: readonly PlannedDelivery[], at: Date): Promise<number>;
  /**
   * Pending entries whose next attempt is due, oldest first; with `platform`, only that
   * platform's (each platform has an index of its own, so one platform's backlog never hides
   * another's due entries).
   */
  due(at: Date, limit: number, platform?: OutboxPlatform): Promise<OutboxEntry[]>;
  get(id: string): Promise<OutboxEntry | null>;
  /** Writes one entry's new state at once (what a crash must not lose: "sent"). */
  save(entry: OutboxEntry): Promise<void>;
  /** save for several entries, in batched writes. */
  saveMany(entries: readonly OutboxEntry[]): Promise<void>;
  /** Brings the index in line with these saved entries (the worker calls it per batch). */
  reindex(entries: readonly OutboxEntry[]): Promise<void>;
  /** save + reindex, for a single entry. */
  update(entry: OutboxEntry): Promise<void>;
  /**
   * Claims an entry for one sender for `ttlMs` (atomic on every engine): false when another
   * instance holds it. A claim lapses by itself if its holder dies.
   */
  claim(id: string, owner: string, ttlMs: number): Promise<boolean>;
  release(id: string, owner: string): Promise<void>;
  /**
   * Claims up to `limit` of `platform`'s due pending entries for `owner` for `ttlMs` (at once;
   * PostgreSQL FOR UPDATE SKIP LOCKED; expiry on the database's clock) and returns them as they
   * are now. An entry is claimable when unclaimed, its claim lapsed, or already `owner`'s (a lone
   * instance restarting after a crash takes its claims back at once).
   */
  claimDue(platform: OutboxPlatform, at: Date, limit: number, owner: string, ttlMs: number): Promise<OutboxEntry[]>;
  /** Pending entries: how many, and the oldest's creation time (looked up among the first 10,000). */
  depth(): Promise<{ pending: number; oldestCreatedAt: string | null }>;
  /** Entries given up on (dead) among the finished ones kept. */
  deadLetters(limit: number): Promise<OutboxEntry[]>;
  /** Forgets sent, paused and dead entries created before `before` (housekeeping). */
  prune(before: Date): Promise<number>;
}

/**
 * An entry as stored: one poll's alert goes to thousands of channels, so the alert (and a
 * totals alert) is kept once, by content, and each entry names it. Entries are read back whole.
 */
type StoredDelivery = Omit<PlannedDelivery, 'alert' | 'totals'> & { alertRef?: string; totalsRef?: string };
type StoredEntry = Omit<OutboxEntry, 'delivery'> & { delivery: StoredDelivery | PlannedDelivery };
const SHARED = ['alert', 'totals'] as const;

/** The platforms entries are indexed by (every platform, src/domain/platforms.ts); one pending index each. */
export const OUTBOX_PLATFORMS: readonly Platform[] = PLATFORM_IDS;
export type OutboxPlatform = Platform;
/** One platform's pending entries, by next attempt time. */
export const pendingIndexOf = (platform: string) => `outbox:pending:${platform}`;
/** The one pending index of earlier versions: read (and emptied into the platforms' indexes) until it is empty. */
const LEGACY_PENDING = 'outbox:pending';
const PAYLOADS = 'outbox:payloads';
const DONE = 'outbox:done';
const DEAD = 'outbox:dead';
const BATCH = 500;
const DEPTH_SCAN = 10_000;

export function createOutboxStore(keyv: KeyvFactory): OutboxStore {
  const entries = keyv.open<StoredEntry>('outbox');
  const payloads = keyv.open<unknown>('outbox-payloads');
  const { sets, leases } = keyv;
  const ms = (iso: string) => Date.parse(iso);
  const refOf = new WeakMap<object, string>();
  const payloadRef = (field: string, value: object) => {
    let ref = refOf.get(value);
    if (!ref) refOf.set(value, (ref = `${field}:${createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 40)}`));
    return ref;
  };

  /** Splits the shared payloads off entries about to be written; returns them to write first. */
  function toStored(list: readonly OutboxEntry[]): { stored: StoredEntry[]; shared: Map<string, unknown> } {
    const shared = new Map<string, unknown>();
    const stored = list.map((e) => {
      const delivery: Record<string, unknown> = { ...e.delivery };
      for (const field of SHARED) {
        const value = e.delivery[field];
        if (!value) continue;
        const ref = payloadRef(field, value);
        shared.set(ref, value);
        delete delivery[field];
        delivery[`${field}Ref`] = ref;
      }
      return { ...e, delivery: delivery as StoredDelivery };
    });
    return { stored, shared };
  }
  // Payloads this process has written: a send's save does not write its alert again.
  const written = new Set<string>();
  async function writeShared(shared: Map<string, unknown>, at: number) {
    const fresh = [...shared].filter(([ref]) => !written.has(ref));
    if (!fresh.length) return;
    await payloads.setMany(fresh.map(([key, value]) => ({ key, value })));
    await sets.add(
      PAYLOADS,
      fresh.map(([k]) => [k, at] as const),
    );
    if (written.size > 10_000) written.clear();
    for (const [ref] of fresh) written.add(ref);
  }
  /** Puts the shared payloads back into entries read from the store. */
  async function fromStored(list: StoredEntry[]): Promise<OutboxEntry[]> {
    const refs = new Set<string>();
    for (const e of list)
      for (const field of SHARED) {
        const ref = (e.delivery as StoredDelivery)[`${field}Ref`];
        if (ref) refs.add(ref);
      }
    const keys = [...refs];
    const found = new Map<string, unknown>();
    for (let i = 0; i < keys.length; i += BATCH) {
      const part = keys.slice(i, i + BATCH);
      for (const [j, v] of (await payloads.getMany(part)).entries()) if (v !== undefined) found.set(part[j]!, v);
    }
    return list.map((e) => {
      const d = { ...(e.delivery as StoredDelivery & Record<string, unknown>) };
      let missing: string | null = null;
      for (const field of SHARED) {
        const ref = d[`${field}Ref`] as string | undefined;
        if (!ref) continue;
        const value = found.get(ref);
        if (value === undefined) missing = `its ${field} (${ref}) is missing from the store`;
        else d[field] = value;
        delete d[`${field}Ref`];
      }
      const entry = { ...e, delivery: d as unknown as PlannedDelivery };
      // A damaged entry cannot be sent: it becomes a dead letter (shown by /status) instead of blocking the others.
      return missing && e.status === 'pending' ? { ...entry, status: 'dead' as const, lastError: `cannot be sent: ${missing}` } : entry;
    });
  }

  /** Entries as stored (payloads still named, not loaded), in batches. */
  async function readStored(ids: readonly string[]): Promise<StoredEntry[]> {
    const out: StoredEntry[] = [];
    for (let i = 0; i < ids.length; i += BATCH) {
      for (const e of await entries.getMany(ids.slice(i, i + BATCH))) if (e) out.push(e);
    }
    return out;
  }
  const getMany = async (ids: readonly string[]) => fromStored(await readStored(ids));
  async function saveMany(list: readonly OutboxEntry[]) {
    const { stored, shared } = toStored(list);
    await writeShared(shared, Date.now());
    if (stored.length === 1) await entries.set(stored[0]!.id, stored[0]!);
    else if (stored.length) await entries.setMany(stored.map((e) => ({ key: e.id, value: e })));
  }

  const byPlatform = (list: readonly OutboxEntry[]) => {
    const groups = new Map<string, OutboxEntry[]>();
    for (const e of list) groups.set(e.delivery.platform, [...(groups.get(e.delivery.platform) ?? []), e]);
    return groups;
  };

  async function reindex(changed: readonly OutboxEntry[]) {
    const pending = changed.filter((e) => e.status === 'pending');
    const finished = changed.filter((e) => e.status !== 'pending');
    for (const [platform, group] of byPlatform(pending))
      await sets.add(
        pendingIndexOf(platform),
        group.map((e) => [e.id, ms(e.nextAttemptAt)] as const),
      );
    if (finished.length) {
      await sets.add(
        DONE,
        finished.map((e) => [e.id, ms(e.createdAt)] as const),
      );
      const dead = finished.filter((e) => e.status === 'dead');
      if (dead.length)
        await sets.add(
          DEAD,
          dead.map((e) => [e.id, ms(e.createdAt)] as const),
        );
      for (const [platform, group] of byPlatform(finished))
        await sets.remove(
          pendingIndexOf(platform),
          group.map((e) => e.id),
        );
    }
  }

  /** Moves what the legacy index still names into the platforms' indexes (once, after an upgrade). */
  async function emptyLegacyIndex(ids: readonly string[]) {
    await reindex(await getMany(ids));
    await sets.remove(LEGACY_PENDING, ids);
  }

  const store: OutboxStore = {
    async enqueue(deliveries, at) {
      const iso = at.toISOString();
      const unique = [...new Map(deliveries.map((d) => [d.id, d])).values()];
      let fresh = 0;
      for (let i = 0; i < unique.length; i += BATCH) {
        const batch = unique.slice(i, i + BATCH);
        const existing = new Map((await getMany(batch.map((d) => d.id))).map((e) => [e.id, e]));
        const created: OutboxEntry[] = batch
          .filter((d) => !existing.has(d.id))
          .map((delivery) => ({
            id: delivery.id,
            delivery,
            status: 'pending',
            attempts: 0,
            createdAt: iso,
            nextAttemptAt: iso,
            sentAt: null,
            lastError: null,
          }));
        // Written before a crash that came before its index write: mend the index.
        const mend = [...existing.values()].filter((e) => e.status === 'pending');
        await saveMany(created);
        await reindex([...created, ...mend]);
        fresh += created.length;
      }
      return fresh;
    },
    async due(at, limit, platform) {
      const legacy = (await sets.upTo(LEGACY_PENDING, Number.MAX_SAFE_INTEGER, BATCH)).map((r) => r.member);
      if (legacy.length) await emptyLegacyIndex(legacy);
      const indexes = platform ? [platform] : OUTBOX_PLATFORMS;
      const rows = (await Promise.all(indexes.map((p) => sets.upTo(pendingIndexOf(p), at.getTime(), limit)))).flat();
      const ids = rows
        .sort((a, b) => a.score - b.score)
        .slice(0, limit)
        .map((r) => r.member);
      if (!ids.length) return [];
      const found = await getMany(ids);
      const ready = found.filter((e) => e.status === 'pending' && ms(e.nextAttemptAt) <= at.getTime());
      const stale = found.filter((e) => !ready.includes(e));
      const missing = ids.filter((id) => !found.some((e) => e.id === id));
      await reindex(stale);
      if (missing.length) await Promise.all(indexes.map((p) => sets.remove(pendingIndexOf(p), missing)));
      return ready.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
    async get(id) {
      const e = await entries.get(id);
      return e ? ((await fromStored([e]))[0] ?? null) : null;
    },
    async save(entry) {
      await saveMany([entry]);
    },
    saveMany,
    reindex,
    async update(entry) {
      await store.save(entry);
      await reindex([entry]);
    },
    claim: (id, owner, ttlMs) => leases.acquire(`outbox:${id}`, owner, ttlMs),
    // Transitional (issue 16): due() then a claim per entry, until the outbox moves to the database.
    async claimDue(platform, at, limit, owner, ttlMs) {
      const mine: OutboxEntry[] = [];
      for (const e of await store.due(at, limit * 4, platform)) {
        if (mine.length >= limit) break;
        if (!(await store.claim(e.id, owner, ttlMs))) continue;
        const now = await store.get(e.id);
        if (now?.status === 'pending') mine.push(now);
        else await store.release(e.id, owner);
      }
      return mine;
    },
    release: (id, owner) => leases.release(`outbox:${id}`, owner),
    async depth() {
      const indexes = [...OUTBOX_PLATFORMS.map(pendingIndexOf), LEGACY_PENDING];
      const pending = (await Promise.all(indexes.map((i) => sets.count(i)))).reduce((a, b) => a + b, 0);
      if (!pending) return { pending: 0, oldestCreatedAt: null };
      const ids = (await Promise.all(indexes.map((i) => sets.upTo(i, Number.MAX_SAFE_INTEGER, DEPTH_SCAN)))).flat().map((r) => r.member);
      const oldest =
        (await readStored(ids))
          .filter((e) => e.status === 'pending')
          .map((e) => e.createdAt)
          .sort()[0] ?? null;
      return { pending, oldestCreatedAt: oldest };
    },
    async deadLetters(limit) {
      const ids = (await sets.upTo(DEAD, Number.MAX_SAFE_INTEGER, limit)).map((r) => r.member);
      return (await getMany(ids)).filter((e) => e.status === 'dead');
    },
    async prune(before) {
      let pruned = 0;
      for (;;) {
        const ids = (await sets.upTo(DONE, before.getTime() - 1, BATCH)).map((r) => r.member);
        if (!ids.length) break;
        await entries.deleteMany(ids);
        await sets.remove(DEAD, ids);
        await sets.remove(DONE, ids);
        pruned += ids.length;
      }
      // Payloads outlive every entry that names them: entries are finished (and kept for the
      // retention) long before a payload of the same age is pruned here.
      for (;;) {
        const refs = (await sets.upTo(PAYLOADS, before.getTime() - 1, BATCH)).map((r) => r.member);
        if (!refs.length) return pruned;
        await payloads.deleteMany(refs);
        await sets.remove(PAYLOADS, refs);
      }
    },
  };
  return store;
}
