import { type Generated, type Kysely, type Migration, PostgresAdapter } from 'kysely';

/**
 * The 287(g) sources and the enforcement totals: what ICE published and what the bot judged.
 * JSON columns hold text on both engines (parsed by the store), times are ISO-8601 UTC text
 * (they sort as text), and a list of ~2,500 rows is one document per content hash. Text primary
 * keys are also NOT NULL: SQLite lets a NULL into a primary key that is not an integer.
 */
export interface SourceTables {
  /** Each 287(g) source's current accepted list and the guards' state (held rows, unconfirmed endings, ...). */
  source_states: {
    source: string;
    view_hash: string;
    view_meta: string;
    detected_kind: string;
    warnings: string;
    last_file_sha256: string;
    /** held, unconfirmed, heldAdditions, recentlyEnded, lastSeenAt, recentRenames (JSON). */
    guard: string;
    updated_at: string;
  };
  /** An accepted list's rows, stored once per content hash. */
  snapshots: { content_hash: string; source: string; row_count: number; rows: string; created_at: string };
  /** Every accepted change of a source, in order. */
  history: {
    id: Generated<number>;
    source: string;
    content_hash: string;
    verdict: string;
    row_count: number;
    file_name: string;
    sha256: string;
    fetched_at: string;
    events: string | null;
  };
  /** What the bot knows of each agreement over time (first seen, last seen, ended, renames, gaps, corrections). */
  agreements: {
    source: string;
    identity: string;
    state: string;
    state_code: string | null;
    agency: string;
    model: string;
    signed: string | null;
    first_seen: string;
    last_seen: string;
    ended_at: string | null;
    previous_names: string | null;
    gaps: string | null;
    corrections: string | null;
  };
  /** The last judgements of each source's publications (the newest 50 kept). */
  judgements: {
    id: Generated<number>;
    source: string;
    verdict: string;
    reason: string | null;
    file_name: string;
    sha256: string;
    at: string;
    event_count: number;
    notices: string;
  };
  /** Detention-statistics releases, oldest first. */
  detention_releases: { id: Generated<number>; sha256: string; file_name: string; url: string; fetched_at: string; release: string };
  /** The optional daily arrest series, one row per day. */
  daily_counts: { date: string; body: string };
  /** Totals files judged and not kept (republished or refused), so they are not judged again. */
  judged_files: { sha256: string; at: string };
}

export const sourcesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('source_states')
      .addColumn('source', 'varchar(64)', (c) => c.primaryKey().notNull())
      .addColumn('view_hash', 'varchar(128)', (c) => c.notNull())
      .addColumn('view_meta', 'text', (c) => c.notNull())
      .addColumn('detected_kind', 'varchar(64)', (c) => c.notNull())
      .addColumn('warnings', 'text', (c) => c.notNull())
      .addColumn('last_file_sha256', 'varchar(128)', (c) => c.notNull())
      .addColumn('guard', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('snapshots')
      .addColumn('content_hash', 'varchar(128)', (c) => c.primaryKey().notNull())
      .addColumn('source', 'varchar(64)', (c) => c.notNull())
      .addColumn('row_count', 'integer', (c) => c.notNull())
      .addColumn('rows', 'text', (c) => c.notNull())
      .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('history')
      .addColumn('id', serial(db), (c) => c.primaryKey())
      .addColumn('source', 'varchar(64)', (c) => c.notNull())
      .addColumn('content_hash', 'varchar(128)', (c) => c.notNull())
      .addColumn('verdict', 'varchar(32)', (c) => c.notNull())
      .addColumn('row_count', 'integer', (c) => c.notNull())
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('sha256', 'varchar(128)', (c) => c.notNull())
      .addColumn('fetched_at', 'varchar(40)', (c) => c.notNull())
      .addColumn('events', 'text')
      .execute();
    await db.schema.createIndex('history_by_source').on('history').columns(['source', 'id']).execute();
    await db.schema
      .createTable('agreements')
      .addColumn('source', 'varchar(64)', (c) => c.notNull())
      .addColumn('identity', 'varchar(1024)', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('state_code', 'varchar(8)')
      .addColumn('agency', 'text', (c) => c.notNull())
      .addColumn('model', 'varchar(16)', (c) => c.notNull())
      .addColumn('signed', 'varchar(10)')
      .addColumn('first_seen', 'varchar(40)', (c) => c.notNull())
      .addColumn('last_seen', 'varchar(40)', (c) => c.notNull())
      .addColumn('ended_at', 'varchar(40)')
      .addColumn('previous_names', 'text')
      .addColumn('gaps', 'text')
      .addColumn('corrections', 'text')
      .addPrimaryKeyConstraint('agreements_pk', ['source', 'identity'])
      .execute();
    await db.schema
      .createTable('judgements')
      .addColumn('id', serial(db), (c) => c.primaryKey())
      .addColumn('source', 'varchar(64)', (c) => c.notNull())
      .addColumn('verdict', 'varchar(32)', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('sha256', 'varchar(128)', (c) => c.notNull())
      .addColumn('at', 'varchar(40)', (c) => c.notNull())
      .addColumn('event_count', 'integer', (c) => c.notNull())
      .addColumn('notices', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('judgements_by_source').on('judgements').columns(['source', 'id']).execute();
    await db.schema
      .createTable('detention_releases')
      .addColumn('id', serial(db), (c) => c.primaryKey())
      .addColumn('sha256', 'varchar(128)', (c) => c.notNull().unique())
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('fetched_at', 'varchar(40)', (c) => c.notNull())
      .addColumn('release', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('daily_counts')
      .addColumn('date', 'varchar(10)', (c) => c.primaryKey().notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('judged_files')
      .addColumn('sha256', 'varchar(128)', (c) => c.primaryKey().notNull())
      .addColumn('at', 'varchar(40)', (c) => c.notNull())
      .execute();
  },
};

/** An auto-numbered key: `serial` on PostgreSQL, SQLite's rowid alias `integer primary key` otherwise. */
function serial(db: Kysely<unknown>): 'serial' | 'integer' {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'serial' : 'integer';
}
