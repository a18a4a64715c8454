import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { PlannedDelivery } from '../domain/alerts/delivery-plan';
import type { StoreDb } from './db/database';
import type { Schema } from './db/schema';
import type { DeliveryTables } from './db/tables-delivery';
import { inWriteTransaction } from './db/write-transaction';
import { audienceSql, groupsJoin, subscribersOf } from './subscribers';

export { OUTBOX_PLATFORMS, type OutboxEntry, type OutboxPlatform, type OutboxStatus, type OutboxStore } from './outbox-port';
import type { OutboxEntry, OutboxStatus, OutboxStore } from './outbox-port';

type Row = DeliveryTables['outbox'];
/** The delivery's fields that have columns of their own; the rest is the row's body (JSON). */
const COLUMNS = ['id', 'subscriptionKey', 'platform', 'workspaceId', 'channelId', 'mode'] as const;
/** The body's marker of which field the shared payload fills. */
type Body = Record<string, unknown> & { payload?: 'alert' | 'totals' };
const BATCH = 500;
/** A time as stored (ISO text compares in time order); times past year 9999 (tests' "far future") as the last ISO time. */
const timeOf = (at: Date) => (at.getTime() >= Date.UTC(10_000, 0, 1) ? '9999-12-31T23:59:59.999Z' : at.toISOString());

export function createOutboxStore(db: StoreDb): OutboxStore {
  const refOf = new WeakMap<object, string>();
  const payloadRef = (field: string, value: object) => {
    let ref = refOf.get(value);
    if (!ref) refOf.set(value, (ref = `${field}:${createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 40)}`));
    return ref;
  };

  /** A delivery as a new row, and the payload it names (stored once, by content). */
  function toRow(d: PlannedDelivery, iso: string): { row: Row; payload: [string, object] | null } {
    const body: Body = { ...(d as unknown as Record<string, unknown>) };
    for (const c of COLUMNS) delete body[c];
    // The alert is shared by every channel of a poll (a digest's own alert travels in its body with it).
    const field = d.alert ? 'alert' : d.totals ? 'totals' : null;
    let payload: [string, object] | null = null;
    if (field) {
      const value = d[field]!;
      payload = [payloadRef(field, value), value];
      delete body[field];
      body.payload = field;
    }
    return {
      row: {
        id: d.id,
        platform: d.platform,
        // A hand-made delivery (tests, tools) may leave these out; the columns are NOT NULL.
        workspace_id: d.workspaceId ?? '',
        channel_id: d.channelId ?? '',
        subscription_key: d.subscriptionKey ?? '',
        mode: d.mode ?? 'instant',
        payload_ref: payload?.[0] ?? null,
        body: JSON.stringify(body),
        status: 'pending',
        attempts: 0,
        created_at: iso,
        next_attempt_at: iso,
        sent_at: null,
        last_error: null,
        claimed_by: null,
        claim_expires: null,
        sending_since: null,
      },
      payload,
    };
  }

  /**
   * Stores payloads once; one already there gets a fresh time, so a prune running meanwhile
   * (which forgets only old unnamed payloads) cannot take it from the rows about to name it.
   */
  async function writePayloads(trx: Kysely<Schema>, payloads: ReadonlyMap<string, object>, iso: string) {
    const list = [...payloads];
    for (let i = 0; i < list.length; i += BATCH)
      await trx
        .insertInto('outbox_payloads')
        .values(list.slice(i, i + BATCH).map(([ref, value]) => ({ ref, body: JSON.stringify(value), created_at: iso })))
        .onConflict((oc) => oc.column('ref').doUpdateSet({ created_at: iso }))
        .execute();
  }

  /** Rows back as entries, each payload read and parsed once; a pending entry whose payload is gone becomes a dead letter (in the store too). */
  async function fromRows(k: Kysely<Schema>, rows: readonly Row[]): Promise<OutboxEntry[]> {
    const refs = [...new Set(rows.flatMap((r) => (r.payload_ref ? [r.payload_ref] : [])))];
    const found = new Map<string, unknown>();
    for (let i = 0; i < refs.length; i += BATCH)
      for (const p of await k
        .selectFrom('outbox_payloads')
        .select(['ref', 'body'])
        .where('ref', 'in', refs.slice(i, i + BATCH))
        .execute())
        found.set(p.ref, JSON.parse(p.body));
    const damaged: OutboxEntry[] = [];
    const entries = rows.map((r) => {
      const { payload, ...rest } = JSON.parse(r.body) as Body;
      const delivery = {
        id: r.id,
        subscriptionKey: r.subscription_key,
        platform: r.platform,
        workspaceId: r.workspace_id,
        channelId: r.channel_id,
        mode: r.mode,
        ...rest,
      } as Record<string, unknown>;
      let missing: string | null = null;
      if (payload && r.payload_ref) {
        const value = found.get(r.payload_ref);
        if (value === undefined) missing = `its ${payload} (${r.payload_ref}) is missing from the store`;
        else delivery[payload] = value;
      }
      const entry: OutboxEntry = {
        id: r.id,
        delivery: delivery as unknown as PlannedDelivery,
        status: r.status as OutboxStatus,
        attempts: Number(r.attempts),
        createdAt: r.created_at,
        nextAttemptAt: r.next_attempt_at,
        sentAt: r.sent_at,
        lastError: r.last_error,
        sendingSince: r.sending_since,
      };
      if (!missing || entry.status !== 'pending') return entry;
      // A damaged entry cannot be sent: it becomes a dead letter (shown by /status) instead of blocking the others.
      const dead = { ...entry, status: 'dead' as const, lastError: `cannot be sent: ${missing}` };
      damaged.push(dead);
      return dead;
    });
    if (damaged.length)
      await inWriteTransaction(db, async (trx) => {
        for (const e of damaged)
          await trx
            .updateTable('outbox')
            .set({ status: 'dead', last_error: e.lastError })
            .where('id', '=', e.id)
            .where('status', '=', 'pending')
            .execute();
      });
    return entries;
  }

  /** An entry's changing state, as columns. */
  const stateOf = (e: OutboxEntry) => ({
    status: e.status,
    attempts: e.attempts,
    next_attempt_at: e.nextAttemptAt,
    sent_at: e.sentAt,
    last_error: e.lastError,
    sending_since: e.sendingSince ?? null,
  });

  async function saveMany(list: readonly OutboxEntry[]) {
    if (!list.length) return;
    await inWriteTransaction(db, async (trx) => {
      const missing: OutboxEntry[] = [];
      for (const e of list) {
        const done = await trx.updateTable('outbox').set(stateOf(e)).where('id', '=', e.id).executeTakeFirst();
        if (Number(done.numUpdatedRows) === 0) missing.push(e);
      }
      // An entry saved before it was ever queued (a test, a re-import): written whole.
      if (!missing.length) return;
      const payloads = new Map<string, object>();
      const rows = missing.map((e) => {
        const { row, payload } = toRow(e.delivery, e.createdAt);
        if (payload) payloads.set(payload[0], payload[1]);
        return { ...row, ...stateOf(e) };
      });
      await writePayloads(trx, payloads, new Date().toISOString());
      for (let i = 0; i < rows.length; i += BATCH)
        await trx
          .insertInto('outbox')
          .values(rows.slice(i, i + BATCH))
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
    });
  }

  const read = async (k: Kysely<Schema>, q: Promise<Row[]>) => fromRows(k, await q);

  const store: OutboxStore = {
    async enqueue(deliveries, at) {
      const iso = at.toISOString();
      const unique = [...new Map(deliveries.map((d) => [d.id, d])).values()];
      if (!unique.length) return 0;
      return inWriteTransaction(db, async (trx) => {
        let fresh = 0;
        for (let i = 0; i < unique.length; i += BATCH) {
          const payloads = new Map<string, object>();
          const rows = unique.slice(i, i + BATCH).map((d) => {
            const { row, payload } = toRow(d, iso);
            if (payload) payloads.set(payload[0], payload[1]);
            return row;
          });
          await writePayloads(trx, payloads, iso);
          const done = await trx
            .insertInto('outbox')
            .values(rows)
            .onConflict((oc) => oc.column('id').doNothing())
            .executeTakeFirst();
          fresh += Number(done.numInsertedOrUpdatedRows ?? 0);
        }
        return fresh;
      });
    },

    async enqueueForSubscribers(audience, group, payload, at) {
      const iso = at.toISOString();
      const field = 'alert' in payload ? 'alert' : 'totals';
      const value: object = 'alert' in payload ? payload.alert : payload.totals;
      const ref = payloadRef(field, value);
      const body = JSON.stringify({ payload: field });
      return inWriteTransaction(db, async (trx) => {
        await writePayloads(trx, new Map([[ref, value]]), iso);
        const done = await trx
          .insertInto('outbox')
          .columns([
            'id',
            'platform',
            'workspace_id',
            'channel_id',
            'subscription_key',
            'mode',
            'payload_ref',
            'body',
            'status',
            'attempts',
            'created_at',
            'next_attempt_at',
          ])
          .expression(
            subscribersOf(trx, audience, group ?? undefined).select([
              sql<string>`${`${payload.idPrefix}:`} || s.key`.as('id'),
              's.platform',
              's.workspace_id',
              's.channel_id',
              's.key',
              's.mode',
              sql<string>`${ref}`.as('payload_ref'),
              sql<string>`${body}`.as('body'),
              sql<string>`${'pending'}`.as('status'),
              sql<number>`0`.as('attempts'),
              sql<string>`${iso}`.as('created_at'),
              sql<string>`${iso}`.as('next_attempt_at'),
            ]),
          )
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst();
        return Number(done.numInsertedOrUpdatedRows ?? 0);
      });
    },

    async enqueueForGroups(audience, groups, idPrefix, at) {
      if (!groups.length) return 0;
      const iso = at.toISOString();
      const refs = groups.map(({ alert }) => payloadRef('alert', alert));
      const body = JSON.stringify({ payload: 'alert' });
      return inWriteTransaction(db, async (trx) => {
        await writePayloads(trx, new Map(groups.map(({ alert }, i) => [refs[i]!, alert])), iso);
        const done = await sql`
          INSERT INTO outbox (id, platform, workspace_id, channel_id, subscription_key, mode, payload_ref, body, status, attempts, created_at, next_attempt_at)
          SELECT ${`${idPrefix}:`} || s.key, s.platform, s.workspace_id, s.channel_id, s.key, s.mode, g.column4, ${body}, 'pending', 0, ${iso}, ${iso}
          FROM subscriptions s ${groupsJoin(groups.map(({ group }, i) => ({ group, extra: [refs[i]!] })))}
          WHERE ${audienceSql(audience)}
          ON CONFLICT (id) DO NOTHING`.execute(trx);
        return Number(done.numAffectedRows ?? 0);
      });
    },

    async due(at, limit, platform) {
      const k = await db.ready();
      let q = k.selectFrom('outbox').selectAll().where('status', '=', 'pending').where('next_attempt_at', '<=', timeOf(at));
      if (platform) q = q.where('platform', '=', platform);
      const found = await read(k, q.orderBy('next_attempt_at').orderBy('id').limit(limit).execute());
      return found.filter((e) => e.status === 'pending').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
    async get(id) {
      const k = await db.ready();
      return (await read(k, k.selectFrom('outbox').selectAll().where('id', '=', id).execute()))[0] ?? null;
    },
    async save(entry) {
      await saveMany([entry]);
    },
    saveMany,
    async reindex() {},
    async update(entry) {
      await saveMany([entry]);
    },
    async claim(id, owner, ttlMs) {
      const now = db.nowMs();
      // One statement; in a write transaction only so that SQLite waits for its lock without blocking (write-transaction.ts).
      const claimed = await inWriteTransaction(db, (k) =>
        k
          .updateTable('outbox')
          .set({ claimed_by: owner, claim_expires: sql<number>`${now} + ${ttlMs}` })
          .where('id', '=', id)
          .where((eb) =>
            eb.or([
              eb('claimed_by', 'is', null),
              eb('claimed_by', '=', owner),
              eb('claim_expires', 'is', null),
              eb('claim_expires', '<', now),
            ]),
          )
          .returning('id')
          .executeTakeFirst(),
      );
      return claimed !== undefined;
    },
    async release(id, owner) {
      await inWriteTransaction(db, (k) =>
        k
          .updateTable('outbox')
          .set({ claimed_by: null, claim_expires: null })
          .where('id', '=', id)
          .where('claimed_by', '=', owner)
          .execute(),
      );
    },
    async claimDue(platform, at, limit, owner, ttlMs) {
      const now = db.nowMs();
      const claim = async (trx: Kysely<Schema>) => {
        let pick = trx
          .selectFrom('outbox')
          .select('id')
          .where('platform', '=', platform)
          .where('status', '=', 'pending')
          .where('next_attempt_at', '<=', timeOf(at))
          // Free, lapsed, or already this owner's: a sender whose send could not start (the database refused the
          // record) or a lone instance restarting after a crash (one owner name) takes its own claims back at once.
          // A sender's lane claims one batch at a time, so its own claims are never in flight when it asks.
          .where((eb) => eb.or([eb('claim_expires', 'is', null), eb('claim_expires', '<', now), eb('claimed_by', '=', owner)]))
          .orderBy('next_attempt_at')
          .orderBy('id')
          .limit(limit);
        // Rows another instance is claiming right now are skipped, not waited for.
        if (db.dialect === 'postgres') pick = pick.forUpdate().skipLocked();
        return trx
          .updateTable('outbox')
          .set({ claimed_by: owner, claim_expires: sql<number>`${now} + ${ttlMs}` })
          .where('id', 'in', pick)
          .returningAll()
          .execute();
      };
      const rows = db.dialect === 'postgres' ? await claim(await db.ready()) : await inWriteTransaction(db, claim);
      const entries = await fromRows(await db.ready(), rows);
      return entries
        .filter((e) => e.status === 'pending')
        .sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt) || a.id.localeCompare(b.id));
    },
    async releaseAllClaims() {
      const done = await inWriteTransaction(db, (k) =>
        k.updateTable('outbox').set({ claimed_by: null, claim_expires: null }).where('claimed_by', 'is not', null).executeTakeFirst(),
      );
      return Number(done.numUpdatedRows ?? 0);
    },
    async depth() {
      const k = await db.ready();
      const r = await k
        .selectFrom('outbox')
        .select((eb) => [eb.fn.countAll<number>().as('pending'), eb.fn.min('created_at').as('oldest')])
        .where('status', '=', 'pending')
        .executeTakeFirstOrThrow();
      return { pending: Number(r.pending), oldestCreatedAt: (r.oldest as string | null) ?? null };
    },
    async deadLetters(limit) {
      const k = await db.ready();
      return read(
        k,
        k.selectFrom('outbox').selectAll().where('status', '=', 'dead').orderBy('created_at').orderBy('id').limit(limit).execute(),
      );
    },
    async discardPending(subscriptionKey) {
      const done = await inWriteTransaction(db, (trx) =>
        trx.deleteFrom('outbox').where('subscription_key', '=', subscriptionKey).where('status', '=', 'pending').executeTakeFirst(),
      );
      // Their payloads, if no other entry names them, go with the next prune.
      return Number(done.numDeletedRows);
    },
    async prune(before) {
      const iso = before.toISOString();
      return inWriteTransaction(db, async (trx) => {
        const done = await trx
          .deleteFrom('outbox')
          .where('status', 'in', ['sent', 'paused', 'dead'])
          .where('created_at', '<', iso)
          .executeTakeFirst();
        await trx
          .deleteFrom('outbox_payloads')
          .where('created_at', '<', iso)
          .where((eb) =>
            eb.not(eb.exists(eb.selectFrom('outbox as o').select('o.id').whereRef('o.payload_ref', '=', 'outbox_payloads.ref'))),
          )
          .execute();
        return Number(done.numDeletedRows);
      });
    },
  };
  return store;
}
