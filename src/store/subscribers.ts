import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Schema } from './db/schema';

/**
 * Set-based planning (issue 16): the database selects the channels an alert reaches and inserts
 * their deliveries itself (INSERT ... SELECT), so routing one alert to 100,000 channels never
 * loads 100,000 subscriptions into Node. The subscription store, the outbox and the digest store
 * share this one definition of "who follows it", so they cannot disagree.
 */

/** Whom an alert is for: the channels following a state (its USPS code, or its name when it has none), or the national totals. */
export type Audience = { state: string } | { totals: true };

/**
 * Channels that differ only in what identifies them plan alike: same kinds, models and mode as
 * stored (the JSON text), so the cut-down alert is built once per group in Node with
 * planDeliveries and inserted for every channel of the group by the database.
 */
export interface SubscriberGroup {
  kinds: string;
  models: string | null;
  mode: string;
}

/**
 * The unpaused subscriptions (as `s`) an audience reaches, optionally only one group's: a state's
 * followers are the all-states channels and those with a subscription_states row for it (indexed).
 */
export function subscribersOf(k: Kysely<Schema>, audience: Audience, group?: SubscriberGroup) {
  let q = k.selectFrom('subscriptions as s').where('s.paused_reason', 'is', null);
  if ('totals' in audience) q = q.where('s.totals', '=', 1);
  else
    q = q.where((eb) =>
      eb.or([
        eb('s.all_states', '=', 1),
        eb(
          's.key',
          'in',
          eb.selectFrom('subscription_states as ss').select('ss.subscription_key').where('ss.state_code', '=', audience.state),
        ),
      ]),
    );
  if (group) {
    q = q.where('s.kinds', '=', group.kinds).where('s.mode', '=', group.mode);
    q = group.models === null ? q.where('s.models', 'is', null) : q.where('s.models', '=', group.models);
  }
  return q;
}

/** The WHERE of `subscribersOf` as raw SQL over `s` (for the INSERT ... SELECT statements that join groups). */
export function audienceSql(audience: Audience): RawBuilder<unknown> {
  const who =
    'totals' in audience
      ? sql`s.totals = 1`
      : sql`(s.all_states = 1 OR s.key IN (SELECT ss.subscription_key FROM subscription_states ss WHERE ss.state_code = ${audience.state}))`;
  return sql`s.paused_reason IS NULL AND ${who}`;
}

/**
 * Several groups, each with the values its rows get (a payload ref, a period), as a VALUES list
 * joined to `s`: one statement plans every group at once instead of one scan per group. VALUES'
 * columns are column1, column2, ... on both engines: the group is column1-3, `extra` column4 on.
 */
export function groupsJoin(groups: ReadonlyArray<{ group: SubscriberGroup; extra: readonly string[] }>): RawBuilder<unknown> {
  const rows = groups.map(({ group, extra }) => sql`(${sql.join([group.kinds, group.models, group.mode, ...extra])})`);
  return sql`JOIN (VALUES ${sql.join(rows)}) AS g ON s.kinds = g.column1 AND s.models IS NOT DISTINCT FROM g.column2 AND s.mode = g.column3`;
}
