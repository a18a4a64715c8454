/** The outbox's port: what the router, the worker and /status use (createOutboxStore implements it on the database). */
import type { StateAlert } from '../domain/alerts/alerts';
import type { PlannedDelivery } from '../domain/alerts/delivery-plan';
import { PLATFORM_IDS, type Platform } from '../domain/platforms';
import type { TotalsAlert } from '../domain/totals/totals-alerts';
import type { Audience, SubscriberGroup } from './subscribers';

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
   * When a send of this entry began and its outcome is not recorded yet ("record before send"):
   * the worker writes it before calling the platform and clears it with the result, so a send cut
   * short by a crash is known as such. Absent is the same as null.
   */
  sendingSince?: string | null;
}

/**
 * The outbox: deliveries are written here before the snapshot that caused them is stored. One
 * `outbox` row per planned message; the alert (or totals alert) it carries is stored once in
 * `outbox_payloads` by content and named by the rows. Finding what is due is an indexed query;
 * a sender claims rows with one conditional UPDATE on the database's clock (PostgreSQL: `FOR
 * UPDATE SKIP LOCKED`), so a dead sender's claims lapse and another instance takes them.
 */
export interface OutboxStore {
  /** Adds deliveries not seen before (by id); returns how many were new. One transaction. */
  enqueue(deliveries: readonly PlannedDelivery[], at: Date): Promise<number>;
  /**
   * Set-based planning: queues one delivery of `payload` (the alert cut down for this group, or a
   * totals alert) for every unpaused channel of `audience` (and `group`, when given) in one
   * INSERT ... SELECT, id `<idPrefix>:<subscription key>`, ids already queued left alone.
   * Returns how many were new. Node never sees the channels.
   */
  enqueueForSubscribers(
    audience: Audience,
    group: SubscriberGroup | null,
    payload: { idPrefix: string; alert: StateAlert } | { idPrefix: string; totals: TotalsAlert },
    at: Date,
  ): Promise<number>;
  /**
   * enqueueForSubscribers for several groups of one audience at once, each with its own cut of the
   * alert: one INSERT ... SELECT joining the groups (subscribers.ts groupsJoin), one scan.
   */
  enqueueForGroups(
    audience: Audience,
    groups: ReadonlyArray<{ group: SubscriberGroup; alert: StateAlert }>,
    idPrefix: string,
    at: Date,
  ): Promise<number>;
  /**
   * Pending entries whose next attempt is due, oldest first; with `platform`, only that
   * platform's (so one platform's backlog never hides another's due entries).
   */
  due(at: Date, limit: number, platform?: OutboxPlatform): Promise<OutboxEntry[]>;
  get(id: string): Promise<OutboxEntry | null>;
  /** Writes one entry's new state at once (what a crash must not lose: "sent"). */
  save(entry: OutboxEntry): Promise<void>;
  /** save for several entries, in one transaction. */
  saveMany(entries: readonly OutboxEntry[]): Promise<void>;
  /** Kept for callers of the former layout, whose index trailed the entries: the database's indexes follow every write, so it does nothing. */
  reindex(entries: readonly OutboxEntry[]): Promise<void>;
  /** save, for a single entry (the former save + reindex). */
  update(entry: OutboxEntry): Promise<void>;
  /**
   * Claims an entry for one sender for `ttlMs`: true when it was unclaimed, its claim expired on
   * the database's clock, or it is already the caller's; false when another holds it (or it does
   * not exist). A claim lapses by itself if its holder dies.
   */
  claim(id: string, owner: string, ttlMs: number): Promise<boolean>;
  release(id: string, owner: string): Promise<void>;
  /**
   * Claims up to `limit` due pending entries of a platform at once, oldest first, skipping those
   * another sender holds (PostgreSQL: rows another transaction is claiming are skipped, not waited
   * for), and returns them. Two instances calling it at once never get the same entry. Entries the
   * caller itself holds are returned again (a send that could not start, a restart under the same name):
   * a sender marks what it sent before it asks for more.
   */
  claimDue(platform: OutboxPlatform, at: Date, limit: number, owner: string, ttlMs: number): Promise<OutboxEntry[]>;
  /**
   * Frees every claim, for the instance that has just become the only sender (the leader, or the one
   * process of a SQLite file): the claims left are a former sender's, which cannot send any more, so
   * its entries are sent now instead of when their claims lapse. Returns how many were freed.
   */
  releaseAllClaims(): Promise<number>;
  /** Pending entries: how many, and the oldest's creation time. */
  depth(): Promise<{ pending: number; oldestCreatedAt: string | null }>;
  /** Entries given up on (dead), oldest first. */
  deadLetters(limit: number): Promise<OutboxEntry[]>;
  /**
   * Forgets the pending entries of one subscription (its channel removed on purpose: a webhook
   * endpoint), so they are not sent, failed and reported as a paused channel. Returns how many.
   */
  discardPending(subscriptionKey: string): Promise<number>;
  /** Forgets sent, paused and dead entries created before `before`, then the payloads no entry names (housekeeping). */
  prune(before: Date): Promise<number>;
}

/** The platforms entries are queued for (every platform, src/domain/platforms.ts). */
export const OUTBOX_PLATFORMS: readonly Platform[] = PLATFORM_IDS;
export type OutboxPlatform = Platform;
