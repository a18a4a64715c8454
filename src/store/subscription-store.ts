import { type Kysely, sql } from 'kysely';
import { isSubscriptionRecord, type Subscription } from '../domain/alerts/subscriptions';
import { UserError } from '../domain/user-error';
import type { StoreDb } from './db/database';
import type { Schema } from './db/schema';
import type { SubscriptionTables } from './db/tables-subscriptions';
import { inWriteTransaction } from './db/write-transaction';
import { type Audience, type SubscriberGroup, subscribersOf } from './subscribers';

/**
 * Channel subscriptions: one `subscriptions` row per channel and one `subscription_states` row per
 * state it follows (none for all states), so the channels of a state, of the totals or of a
 * workspace are indexed queries. A channel's change is one transaction holding the channel's row
 * (PostgreSQL `FOR UPDATE`; SQLite's write lock), so two commands changing one channel at once,
 * in one process or in several, both keep their change: 40 `/subscribe` at once store 40 states.
 */
export interface SubscriptionStore {
  get(key: string): Promise<Subscription | null>;
  /**
   * Changes one channel's subscription atomically: `change` gets the stored record (null:
   * none) and returns the next one (null: remove it; the very same object: leave it
   * untouched). It runs inside the channel's transaction, so keep it quick (values, not platform
   * calls: start those before and await them inside); what it throws passes through and
   * nothing is written. Resolves to what was stored before and after. A channel held by
   * someone else for too long is a UserError ("try again").
   */
  update(
    key: string,
    change: (old: Subscription | null) => Subscription | null | Promise<Subscription | null>,
  ): Promise<SubscriptionChange>;
  /** Saves (creates or replaces) a channel's subscription: `update` with a fixed value. */
  put(sub: Subscription): Promise<void>;
  /** Saves many subscriptions at once (imports, benchmarks): batched inserts in one transaction. */
  putMany(subs: readonly Subscription[]): Promise<void>;
  /** Removes a channel's subscription; false when there was none. */
  delete(key: string): Promise<boolean>;
  /** The subscriptions that follow a state (by USPS code), all states, or totals; paused ones included (callers skip them). */
  forState(stateCode: string): Promise<Subscription[]>;
  /** forState for several states at once, in one query. */
  forStates(stateCodes: readonly string[]): Promise<Map<string, Subscription[]>>;
  forTotals(): Promise<Subscription[]>;
  /** Every subscription of one workspace (for operators and listings). */
  inWorkspace(platform: string, workspaceId: string): Promise<Subscription[]>;
  /**
   * The groups of unpaused channels an audience reaches (subscribers.ts), each with a sample
   * subscription of the group (key '', following the audience's state) for planDeliveries to cut
   * the alert once per group. A group whose stored kinds or models cannot be read is reported
   * (onCorrupt, with its channels' keys) and left out.
   */
  groupsFollowing(audience: Audience): Promise<Array<{ group: SubscriberGroup; sample: Subscription }>>;
}

/** What an update stored: the record before and after (null: none). */
export interface SubscriptionChange {
  before: Subscription | null;
  after: Subscription | null;
}

export interface SubscriptionStoreOptions {
  /** Told about a row that cannot be read as a subscription; it is skipped. */
  onCorrupt?: (key: string, problem: string) => void;
  /** How long a change waits for another change of the same channel (PostgreSQL lock_timeout; default 10 s). SQLite waits its busy timeout. */
  lockWaitMs?: number;
}

/** Shown when a channel stays locked past the wait: another change is stuck. */
export const CHANNEL_BUSY = "This channel's subscription is being changed by another command right now. Try again in a minute.";

type Row = SubscriptionTables['subscriptions'];
type StateRow = Pick<SubscriptionTables['subscription_states'], 'subscription_key' | 'state_code' | 'position'>;
const BATCH = 500;

/** A subscription as its row (and its states' rows). */
function toRow(s: Subscription): Row {
  return {
    key: s.key,
    platform: s.platform,
    workspace_id: s.workspaceId,
    channel_id: s.channelId,
    channel_name: s.channelName,
    all_states: s.states === 'all' ? 1 : 0,
    totals: s.kinds.includes('totals') ? 1 : 0,
    kinds: JSON.stringify(s.kinds),
    models: s.models ? JSON.stringify(s.models) : null,
    mode: s.mode,
    paused_reason: s.paused?.reason ?? null,
    paused_since: s.paused?.since ?? null,
    created_by: JSON.stringify(s.createdBy),
    created_at: s.createdAt,
    updated_by: JSON.stringify(s.updatedBy),
    updated_at: s.updatedAt,
  };
}
const stateRowsOf = (s: Subscription): StateRow[] =>
  s.states === 'all' ? [] : [...new Set(s.states)].map((code, position) => ({ subscription_key: s.key, state_code: code, position }));

/** A row back as a subscription, or the reason it is not one. */
function fromRow(row: Row, states: readonly string[]): Subscription | string {
  let value: unknown;
  try {
    value = {
      key: row.key,
      platform: row.platform,
      workspaceId: row.workspace_id,
      channelId: row.channel_id,
      channelName: row.channel_name,
      states: Number(row.all_states) === 1 ? 'all' : [...states],
      kinds: JSON.parse(row.kinds),
      models: row.models === null ? null : JSON.parse(row.models),
      mode: row.mode,
      createdBy: JSON.parse(row.created_by),
      createdAt: row.created_at,
      updatedBy: JSON.parse(row.updated_by),
      updatedAt: row.updated_at,
      paused: row.paused_reason === null ? null : { reason: row.paused_reason, since: row.paused_since ?? '' },
    };
  } catch (err) {
    return `cannot be read: ${err instanceof Error ? err.message : String(err)}`;
  }
  return isSubscriptionRecord(value) ? value : 'not a subscription record';
}

const isLockTimeout = (err: unknown) => {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '55P03' || code === 'SQLITE_BUSY';
};

export function createSubscriptionStore(db: StoreDb, options: SubscriptionStoreOptions = {}): SubscriptionStore {
  const corrupt = (key: string, problem: string) => options.onCorrupt?.(key, problem);

  /** Rows and their states to subscriptions; an unreadable row is reported and skipped. */
  function assemble(rows: readonly Row[], states: readonly StateRow[]): Subscription[] {
    const byKey = new Map<string, StateRow[]>();
    for (const s of states) byKey.set(s.subscription_key, [...(byKey.get(s.subscription_key) ?? []), s]);
    const out: Subscription[] = [];
    for (const row of rows) {
      const own = (byKey.get(row.key) ?? []).sort((a, b) => Number(a.position) - Number(b.position)).map((s) => s.state_code);
      const sub = fromRow(row, own);
      if (typeof sub === 'string') corrupt(row.key, sub);
      else out.push(sub);
    }
    return out;
  }
  /** The subscriptions whose keys a subquery selects: their rows and their states, two queries. */
  async function load(k: Kysely<Schema>, where: (q: ReturnType<typeof base>) => ReturnType<typeof base>) {
    const rows = await where(base(k)).selectAll('s').orderBy('s.key').execute();
    if (!rows.length) return [];
    const states = await k
      .selectFrom('subscription_states')
      .select(['subscription_key', 'state_code', 'position'])
      .where('subscription_key', 'in', where(base(k)).select('s.key'))
      .execute();
    return assemble(rows, states);
  }
  const base = (k: Kysely<Schema>) => k.selectFrom('subscriptions as s');

  async function readLocked(trx: Kysely<Schema>, key: string): Promise<Row | undefined> {
    let q = trx.selectFrom('subscriptions').selectAll().where('key', '=', key);
    if (db.dialect === 'postgres') q = q.forUpdate();
    return q.executeTakeFirst();
  }
  /** Replaces a channel's row and states inside the caller's transaction. */
  async function write(trx: Kysely<Schema>, next: Subscription) {
    const row = toRow(next);
    const { key: _key, ...rest } = row;
    await trx
      .insertInto('subscriptions')
      .values(row)
      .onConflict((oc) => oc.column('key').doUpdateSet(rest))
      .execute();
    await trx.deleteFrom('subscription_states').where('subscription_key', '=', next.key).execute();
    const states = stateRowsOf(next);
    if (states.length) await trx.insertInto('subscription_states').values(states).execute();
  }

  /**
   * Changes of one channel from this process, in the order they were asked for: the database's
   * locks keep concurrent changes from losing each other but grant them in no set order (waiters on
   * a new channel's row all wake at once), and "subscribe, then unsubscribe" must end unsubscribed.
   */
  const queues = new Map<string, Promise<unknown>>();
  function inOrder<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = queues.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.catch(() => undefined);
    queues.set(key, settled);
    void settled.then(() => {
      if (queues.get(key) === settled) queues.delete(key);
    });
    return run;
  }

  const update = (key: string, change: (old: Subscription | null) => Subscription | null | Promise<Subscription | null>) =>
    inOrder(key, () => updateNow(key, change));

  async function updateNow(key: string, change: (old: Subscription | null) => Subscription | null | Promise<Subscription | null>) {
    try {
      return await inWriteTransaction(db, async (trx) => {
        if (db.dialect === 'postgres') await sql`SET LOCAL lock_timeout = ${sql.lit(`${options.lockWaitMs ?? 10_000}ms`)}`.execute(trx);
        let row = await readLocked(trx, key);
        let placeholder = false;
        if (!row && db.dialect === 'postgres') {
          // A new channel has no row to lock: insert one (invisible to others until commit; a
          // concurrent insert of the same key waits for ours), then lock whichever row won.
          const inserted = await trx
            .insertInto('subscriptions')
            .values({ ...PLACEHOLDER, key })
            .onConflict((oc) => oc.column('key').doNothing())
            .executeTakeFirst();
          placeholder = Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
          row = await readLocked(trx, key);
        }
        let before: Subscription | null = null;
        if (row && !placeholder) {
          const states = await trx
            .selectFrom('subscription_states')
            .select(['subscription_key', 'state_code', 'position'])
            .where('subscription_key', '=', key)
            .execute();
          // A row that cannot be read counts as none: the change replaces it.
          before = assemble([row], states)[0] ?? null;
        }
        const after = await change(before);
        if (after !== before || placeholder) {
          if (after && after.key !== key) throw new Error(`a subscription for ${after.key} cannot be stored under ${key}`);
          if (after) await write(trx, after);
          else await trx.deleteFrom('subscriptions').where('key', '=', key).execute();
        }
        return { before, after };
      });
    } catch (err) {
      throw isLockTimeout(err) ? new UserError(CHANNEL_BUSY) : err;
    }
  }

  async function forStates(stateCodes: readonly string[]): Promise<Map<string, Subscription[]>> {
    const codes = [...new Set(stateCodes)];
    const result = new Map<string, Subscription[]>(stateCodes.map((c) => [c, []]));
    if (!codes.length) return result;
    const k = await db.ready();
    const subs = await load(k, (q) =>
      q.where((eb) =>
        eb.or([
          eb('s.all_states', '=', 1),
          eb('s.key', 'in', eb.selectFrom('subscription_states as ss').select('ss.subscription_key').where('ss.state_code', 'in', codes)),
        ]),
      ),
    );
    for (const code of codes)
      result.set(
        code,
        subs.filter((s) => s.states === 'all' || s.states.includes(code)),
      );
    return result;
  }

  return {
    async get(key) {
      const k = await db.ready();
      return (await load(k, (q) => q.where('s.key', '=', key)))[0] ?? null;
    },
    update,
    async put(sub) {
      await update(sub.key, () => sub);
    },
    async putMany(list) {
      const unique = [...new Map(list.map((s) => [s.key, s])).values()];
      await inWriteTransaction(db, async (trx) => {
        for (let i = 0; i < unique.length; i += BATCH) {
          const batch = unique.slice(i, i + BATCH);
          await trx
            .insertInto('subscriptions')
            .values(batch.map(toRow))
            .onConflict((oc) =>
              oc.column('key').doUpdateSet((eb) => {
                const set: Record<string, unknown> = {};
                for (const c of Object.keys(toRow(batch[0]!)).filter((c) => c !== 'key'))
                  set[c] = eb.ref(`excluded.${c}` as 'excluded.mode');
                return set as never;
              }),
            )
            .execute();
          await trx
            .deleteFrom('subscription_states')
            .where(
              'subscription_key',
              'in',
              batch.map((s) => s.key),
            )
            .execute();
          const states = batch.flatMap(stateRowsOf);
          for (let j = 0; j < states.length; j += BATCH * 2)
            await trx
              .insertInto('subscription_states')
              .values(states.slice(j, j + BATCH * 2))
              .execute();
        }
      });
    },
    async delete(key) {
      const done = await inWriteTransaction(db, (k) => k.deleteFrom('subscriptions').where('key', '=', key).executeTakeFirst());
      return Number(done.numDeletedRows) > 0;
    },
    forState: async (stateCode) => (await forStates([stateCode])).get(stateCode)!,
    forStates,
    async forTotals() {
      const k = await db.ready();
      return (await load(k, (q) => q.where('s.totals', '=', 1))).filter((s) => s.kinds.includes('totals'));
    },
    async inWorkspace(platform, workspaceId) {
      const k = await db.ready();
      return load(k, (q) => q.where('s.platform', '=', platform).where('s.workspace_id', '=', workspaceId));
    },
    async groupsFollowing(audience) {
      const k = await db.ready();
      const groups = await subscribersOf(k, audience).select(['s.kinds', 's.models', 's.mode']).distinct().execute();
      const out: Array<{ group: SubscriberGroup; sample: Subscription }> = [];
      for (const group of groups) {
        const sample = sampleOf(group, audience);
        if (typeof sample !== 'string') {
          out.push({ group, sample });
          continue;
        }
        const keys = await subscribersOf(k, audience, group).select('s.key').execute();
        for (const { key } of keys) corrupt(key, sample);
      }
      return out;
    },
  };
}

/** What a PostgreSQL change of a new channel holds its place with until it writes the real row. */
const PLACEHOLDER: Omit<Row, 'key'> = {
  platform: '',
  workspace_id: '',
  channel_id: '',
  channel_name: null,
  all_states: 0,
  totals: 0,
  kinds: '[]',
  models: null,
  mode: '',
  // Paused, so that nothing could plan for it even if it were seen.
  paused_reason: 'placeholder',
  paused_since: null,
  created_by: '{}',
  created_at: '',
  updated_by: '{}',
  updated_at: '',
};

/** A group's sample subscription (see groupsFollowing), or why its stored kinds or models cannot be read. */
function sampleOf(group: SubscriberGroup, audience: Audience): Subscription | string {
  const who = { id: '', name: '' };
  const candidate = fromRow(
    {
      ...PLACEHOLDER,
      key: '',
      platform: 'console',
      kinds: group.kinds,
      models: group.models,
      mode: group.mode,
      paused_reason: null,
      all_states: 'state' in audience ? 0 : 1,
      created_by: JSON.stringify(who),
      updated_by: JSON.stringify(who),
    },
    'state' in audience ? [audience.state] : [],
  );
  return candidate;
}
