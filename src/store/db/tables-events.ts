import { type Generated, type Kysely, type Migration, PostgresAdapter } from 'kysely';

/**
 * The event log: every alert the bot published (a state's 287(g) changes, corrections
 * included; a detention release or a daily count; a state's facility changes), kept for good
 * as the public record the feeds and the state pages serve. Unlike the outbox it is not per
 * channel and never pruned. One row per alert, its payload stored once (JSON); `event_facets`
 * holds one row per (kind, model) the alert carries, so a feed's filter is a query on an index.
 */
export interface EventTables {
  events: {
    /** Insertion order: the tie-break among alerts of one publication (states in alphabetical order). */
    seq: Generated<number>;
    /** The alert's own id, stable across a re-judged file (`participating:<sha256>:TX`, `detention:<as-of>:<sha256>`). */
    id: string;
    /** `participating`, `pending`, `detention.released`, `daily.reported` or `facilities.changed`. */
    type: string;
    /** The state's USPS code (ICE's own name when it matched none); null for a national alert. */
    state_code: string | null;
    title: string;
    /** When the bot published it (the poll's time), ISO text. */
    published_at: string;
    file_name: string | null;
    file_url: string | null;
    file_sha256: string | null;
    fetched_at: string | null;
    /** The whole alert (StateAlert or TotalsAlert), JSON. */
    payload: string;
  };
  event_facets: {
    event_id: string;
    /** A subscription kind (kindOfEvent): agreements, endings, pending, corrections, totals, facilities. */
    kind: string;
    /** The 287(g) model of the events of that kind, '' for events without one (a key column cannot be NULL). */
    model: string;
  };
}

export const eventsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('events')
      .addColumn('seq', serial(db), (c) => c.primaryKey())
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('type', 'varchar(32)', (c) => c.notNull())
      // A USPS code, or ICE's own state text when it matched no state (any length).
      .addColumn('state_code', 'text')
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('published_at', 'varchar(40)', (c) => c.notNull())
      .addColumn('file_name', 'text')
      .addColumn('file_url', 'text')
      .addColumn('file_sha256', 'varchar(128)')
      .addColumn('fetched_at', 'varchar(40)')
      .addColumn('payload', 'text', (c) => c.notNull())
      .execute();
    // A state's feed and the feed of all: newest first, straight off an index.
    await db.schema.createIndex('events_by_state').on('events').columns(['state_code', 'published_at', 'seq']).execute();
    await db.schema.createIndex('events_by_time').on('events').columns(['published_at', 'seq']).execute();
    await db.schema
      .createTable('event_facets')
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'varchar(32)', (c) => c.notNull())
      .addColumn('model', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('event_facets_pk', ['event_id', 'kind', 'model'])
      .execute();
    // A rare kind (corrections) across every state: from the facets to their events.
    await db.schema.createIndex('event_facets_by_kind').on('event_facets').columns(['kind', 'model', 'event_id']).execute();
  },
};

/** An auto-numbered key: `serial` on PostgreSQL, SQLite's rowid alias `integer primary key` otherwise. */
function serial(db: Kysely<unknown>): 'serial' | 'integer' {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'serial' : 'integer';
}
