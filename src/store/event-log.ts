import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { StateAlert } from '../domain/alerts/alerts';
import { cutForFeed, type FeedFilter, facetsOf, isStateAlert, type PublishedAlert } from '../domain/alerts/feed-cut';
import { type Publication, publicationOf } from '../domain/alerts/publication';
import type { TotalsAlert } from '../domain/totals/totals-alerts';
import { totalsAlertTitle } from '../domain/totals/totals-alerts';
import type { StoreDb } from './db/database';
import type { Schema } from './db/schema';
import type { EventTables } from './db/tables-events';
import { inWriteTransaction } from './db/write-transaction';

export type { FeedFilter, PublishedAlert } from '../domain/alerts/feed-cut';

export type { Publication } from '../domain/alerts/publication';

/** One published alert as the log keeps it, cut to the filter it was asked for. */
export interface EventLogEntry {
  /** The alert's own id (stable across a re-judged file). */
  id: string;
  /** USPS code (ICE's name when it matched no state); null for a national alert. */
  stateCode: string | null;
  /** When the bot published it, ISO text. */
  publishedAt: string;
  publication: Publication;
  /** The alert: a state's 287(g) alert (StateAlert) or a totals or facilities alert (TotalsAlert). */
  alert: PublishedAlert;
}

/** What changed last in a filter's part of the log: for ETag and Last-Modified, without reading the entries. */
export interface EventLogChange {
  count: number;
  /** The newest entry's publication time (ISO), null when there is none. */
  lastPublishedAt: string | null;
}

/**
 * The event log: every alert the bot published, kept for good (the public record the feeds and
 * the state pages serve). Recording is idempotent by the alert's id: a poll that crashed before
 * its snapshot was saved judges the same file again and records the same ids, which are kept once.
 */
export interface EventLog {
  /** Records alerts published at `at`; one already recorded (same id) is left as it was. Returns how many were new. */
  record(alerts: readonly PublishedAlert[], at: Date): Promise<number>;
  /** The newest `limit` entries of the filter's part, newest first, each cut to the filter's kinds and models. */
  latest(filter: FeedFilter, limit: number): Promise<EventLogEntry[]>;
  /** How many entries the filter's part holds and when the newest was published. */
  lastChange(filter: FeedFilter): Promise<EventLogChange>;
}

type Row = EventTables['events'];
const BATCH = 200;

function toRow(alert: PublishedAlert, iso: string): Omit<Row, 'seq'> {
  const p = publicationOf(alert);
  const state = isStateAlert(alert) ? (alert.stateCode ?? alert.state) : alert.kind === 'facilities.changed' ? alert.stateCode : null;
  return {
    id: alert.id,
    type: isStateAlert(alert) ? alert.source : alert.kind,
    state_code: state,
    title: isStateAlert(alert) ? alert.title : totalsAlertTitle(alert),
    published_at: iso,
    file_name: p.fileName,
    file_url: p.url,
    file_sha256: p.sha256,
    fetched_at: p.fetchedAt,
    payload: JSON.stringify(alert),
  };
}

export function createEventLog(db: StoreDb): EventLog {
  /** The filter's part of the log: its state, and an alert with a facet of the kinds and models asked for. */
  const inPart = (filter: FeedFilter) => (eb: ExpressionBuilder<Schema, 'events'>) => {
    const conditions = [];
    if (filter.stateCode) conditions.push(eb('events.state_code', '=', filter.stateCode));
    if (filter.kinds || filter.models) {
      let facets = eb.selectFrom('event_facets as f').select(sql<number>`1`.as('one')).whereRef('f.event_id', '=', 'events.id');
      if (filter.kinds) facets = facets.where('f.kind', 'in', [...filter.kinds]);
      const models = filter.models;
      if (models) facets = facets.where((f) => f.or([f('f.model', '=', ''), f('f.model', 'in', [...models])]));
      conditions.push(eb.exists(facets));
    }
    return eb.and(conditions);
  };

  return {
    async record(alerts, at) {
      if (!alerts.length) return 0;
      const iso = at.toISOString();
      const unique = [...new Map(alerts.map((a) => [a.id, a])).values()];
      return inWriteTransaction(db, async (trx) => {
        let added = 0;
        for (let i = 0; i < unique.length; i += BATCH) {
          const slice = unique.slice(i, i + BATCH);
          const inserted = await trx
            .insertInto('events')
            .values(slice.map((a) => toRow(a, iso)))
            .onConflict((oc) => oc.column('id').doNothing())
            .returning('id')
            .execute();
          added += inserted.length;
          const facets = slice.flatMap((a) => facetsOf(a).map((f) => ({ event_id: a.id, kind: f.kind, model: f.model ?? '' })));
          if (facets.length)
            await trx
              .insertInto('event_facets')
              .values(facets)
              .onConflict((oc) => oc.columns(['event_id', 'kind', 'model']).doNothing())
              .execute();
        }
        return added;
      });
    },

    async latest(filter, limit) {
      const k = await db.ready();
      const rows = await k
        .selectFrom('events')
        .select(['id', 'state_code', 'published_at', 'file_name', 'file_url', 'file_sha256', 'fetched_at', 'payload'])
        .where(inPart(filter))
        .orderBy('published_at', 'desc')
        .orderBy('seq', 'desc')
        .limit(Math.max(0, Math.floor(limit)))
        .execute();
      return rows.flatMap((r) => {
        // The facets chose the rows; the rule cuts each to the events asked for.
        const alert = cutForFeed(JSON.parse(r.payload) as StateAlert | TotalsAlert, filter);
        if (!alert) return [];
        return [
          {
            id: r.id,
            stateCode: r.state_code,
            publishedAt: r.published_at,
            publication: { fileName: r.file_name, url: r.file_url, sha256: r.file_sha256, fetchedAt: r.fetched_at },
            alert,
          },
        ];
      });
    },

    async lastChange(filter) {
      const k: Kysely<Schema> = await db.ready();
      const row = await k
        .selectFrom('events')
        .select((eb) => [eb.fn.countAll<number | string>().as('count'), eb.fn.max('published_at').as('last')])
        .where(inPart(filter))
        .executeTakeFirst();
      return { count: Number(row?.count ?? 0), lastPublishedAt: row?.last ?? null };
    },
  };
}
