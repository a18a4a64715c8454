import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { StateAlert } from '../domain/alerts/alerts';
import type { Mode } from '../domain/alerts/subscriptions';
import type { StoreDb } from './db/database';
import type { Schema } from './db/schema';
import { inWriteTransaction } from './db/write-transaction';
import { type Audience, audienceSql, groupsJoin, type SubscriberGroup, subscribersOf } from './subscribers';

/** One channel's collected alerts for one digest period. */
export interface DigestBuffer {
  subscriptionKey: string;
  mode: Exclude<Mode, 'instant'>;
  period: string;
  alerts: StateAlert[];
}

/**
 * Alerts collected for digest subscriptions until their period ends: one `digest_items` row per
 * channel, period and alert, added with ON CONFLICT DO NOTHING (atomic, a buffer is never
 * rewritten), the alert itself stored once in `digest_alerts`.
 */
export interface DigestStore {
  /** Adds alerts to a channel's buffer for a period; an alert already there (same id) is not added twice. */
  add(subscriptionKey: string, mode: DigestBuffer['mode'], period: string, alerts: readonly StateAlert[]): Promise<void>;
  /**
   * Set-based planning: adds `alert` (cut down for this group) to the buffer of every unpaused
   * channel of `audience` and `group` whose mode is `group.mode`, in one INSERT ... SELECT.
   */
  addForSubscribers(audience: Audience, group: SubscriberGroup, period: string, alert: StateAlert, at: Date): Promise<void>;
  /** addForSubscribers for several groups of one audience at once (each its own period and cut of the alert), in one statement. */
  addForGroups(
    audience: Audience,
    groups: ReadonlyArray<{ group: SubscriberGroup; period: string; alert: StateAlert }>,
    at: Date,
  ): Promise<void>;
  /** Every buffer, for the digest job to pick those whose period is over. */
  all(): Promise<DigestBuffer[]>;
  remove(buffer: Pick<DigestBuffer, 'subscriptionKey' | 'period'>): Promise<void>;
  /** Forgets every buffer of a subscription (its channel removed on purpose), with the alerts no other buffer names. */
  removeAllFor(subscriptionKey: string): Promise<void>;
}

const refOf = (alert: StateAlert) => `alert:${createHash('sha256').update(JSON.stringify(alert)).digest('hex').slice(0, 40)}`;

export function createDigestStore(db: StoreDb): DigestStore {
  async function storeAlerts(trx: Kysely<Schema>, alerts: ReadonlyArray<[string, StateAlert]>, iso: string) {
    if (!alerts.length) return;
    await trx
      .insertInto('digest_alerts')
      .values(alerts.map(([ref, a]) => ({ ref, body: JSON.stringify(a), created_at: iso })))
      .onConflict((oc) => oc.column('ref').doNothing())
      .execute();
  }
  /** Deletes a subscription's items (of one period, or every period), then the alerts no item names any more. */
  async function removeItems(subscriptionKey: string, period: string | null) {
    await inWriteTransaction(db, async (trx) => {
      const refs = (
        await trx
          .selectFrom('digest_items')
          .select('alert_ref')
          .distinct()
          .where('subscription_key', '=', subscriptionKey)
          .$if(period !== null, (q) => q.where('period', '=', period!))
          .execute()
      ).map((r) => r.alert_ref);
      await trx
        .deleteFrom('digest_items')
        .where('subscription_key', '=', subscriptionKey)
        .$if(period !== null, (q) => q.where('period', '=', period!))
        .execute();
      if (refs.length)
        await trx
          .deleteFrom('digest_alerts')
          .where('ref', 'in', refs)
          .where((eb) =>
            eb.not(eb.exists(eb.selectFrom('digest_items as i').select('i.alert_id').whereRef('i.alert_ref', '=', 'digest_alerts.ref'))),
          )
          .execute();
    });
  }
  return {
    async add(subscriptionKey, mode, period, alerts) {
      const iso = new Date().toISOString();
      const refs = [...new Map(alerts.map((a) => [a.id, [refOf(a), a] as [string, StateAlert]])).values()];
      await inWriteTransaction(db, async (trx) => {
        await storeAlerts(trx, refs, iso);
        if (!refs.length) return;
        await trx
          .insertInto('digest_items')
          .values(
            refs.map(([ref, a]) => ({ subscription_key: subscriptionKey, period, mode, alert_id: a.id, alert_ref: ref, added_at: iso })),
          )
          .onConflict((oc) => oc.columns(['subscription_key', 'period', 'alert_id']).doNothing())
          .execute();
      });
    },
    async addForSubscribers(audience, group, period, alert, at) {
      const iso = at.toISOString();
      const ref = refOf(alert);
      await inWriteTransaction(db, async (trx) => {
        await storeAlerts(trx, [[ref, alert]], iso);
        await trx
          .insertInto('digest_items')
          .columns(['subscription_key', 'period', 'mode', 'alert_id', 'alert_ref', 'added_at'])
          .expression(
            subscribersOf(trx, audience, group).select((eb) => [
              's.key',
              eb.val(period).as('period'),
              's.mode',
              eb.val(alert.id).as('alert_id'),
              eb.val(ref).as('alert_ref'),
              eb.val(iso).as('added_at'),
            ]),
          )
          .onConflict((oc) => oc.columns(['subscription_key', 'period', 'alert_id']).doNothing())
          .execute();
      });
    },
    async addForGroups(audience, groups, at) {
      if (!groups.length) return;
      const iso = at.toISOString();
      const refs = groups.map(({ alert }) => refOf(alert));
      await inWriteTransaction(db, async (trx) => {
        await storeAlerts(
          trx,
          [...new Map(groups.map(({ alert }, i) => [refs[i]!, [refs[i]!, alert] as [string, StateAlert]])).values()],
          iso,
        );
        await sql`
          INSERT INTO digest_items (subscription_key, period, mode, alert_id, alert_ref, added_at)
          SELECT s.key, g.column4, s.mode, g.column5, g.column6, ${iso}
          FROM subscriptions s ${groupsJoin(groups.map(({ group, period, alert }, i) => ({ group, extra: [period, alert.id, refs[i]!] })))}
          WHERE ${audienceSql(audience)}
          ON CONFLICT (subscription_key, period, alert_id) DO NOTHING`.execute(trx);
      });
    },
    async all() {
      const k = await db.ready();
      const rows = await k
        .selectFrom('digest_items as i')
        .innerJoin('digest_alerts as a', 'a.ref', 'i.alert_ref')
        .select(['i.subscription_key', 'i.period', 'i.mode', 'i.alert_ref', 'a.body'])
        .orderBy('i.subscription_key')
        .orderBy('i.period')
        .orderBy('i.added_at')
        .orderBy('i.alert_id')
        .execute();
      const parsed = new Map<string, StateAlert>();
      const buffers = new Map<string, DigestBuffer>();
      for (const r of rows) {
        let alert = parsed.get(r.alert_ref);
        if (!alert) parsed.set(r.alert_ref, (alert = JSON.parse(r.body) as StateAlert));
        const key = `${r.subscription_key}|${r.period}`;
        const buffer = buffers.get(key) ?? {
          subscriptionKey: r.subscription_key,
          mode: r.mode as DigestBuffer['mode'],
          period: r.period,
          alerts: [],
        };
        buffer.alerts.push(alert);
        buffers.set(key, buffer);
      }
      return [...buffers.values()];
    },
    remove: ({ subscriptionKey, period }) => removeItems(subscriptionKey, period),
    removeAllFor: (subscriptionKey) => removeItems(subscriptionKey, null),
  };
}
