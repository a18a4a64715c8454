import type { Kysely, Migration } from 'kysely';

/**
 * The outbox: one row per planned message, the alert it carries stored once in outbox_payloads.
 * A sender claims rows by writing its name and an expiry on the database's clock (PostgreSQL:
 * `FOR UPDATE SKIP LOCKED`), so a dead sender's claims lapse and another takes them.
 */
export interface DeliveryTables {
  outbox: {
    id: string;
    platform: string;
    workspace_id: string;
    channel_id: string;
    subscription_key: string;
    mode: string;
    /** The shared alert or totals payload (outbox_payloads.ref), null when the body carries it all. */
    payload_ref: string | null;
    /** The rest of the planned delivery (JSON). */
    body: string;
    status: string;
    attempts: number;
    created_at: string;
    next_attempt_at: string;
    sent_at: string | null;
    last_error: string | null;
    claimed_by: string | null;
    /** Milliseconds since the epoch on the database's clock; the claim is free after it. */
    claim_expires: number | null;
    /** Set when a send began and its outcome is not yet recorded (record before send). */
    sending_since: string | null;
  };
  outbox_payloads: { ref: string; body: string; created_at: string };
  /** Operator-notice episodes under way (told once, repeated at growing intervals, one "recovered"). */
  operator_episodes: { key: string; body: string };
}

export const deliveryMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('outbox_payloads')
      .addColumn('ref', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('outbox')
      .addColumn('id', 'varchar(1024)', (c) => c.primaryKey())
      .addColumn('platform', 'varchar(32)', (c) => c.notNull())
      .addColumn('workspace_id', 'varchar(256)', (c) => c.notNull())
      .addColumn('channel_id', 'varchar(256)', (c) => c.notNull())
      .addColumn('subscription_key', 'varchar(512)', (c) => c.notNull())
      .addColumn('mode', 'varchar(16)', (c) => c.notNull())
      .addColumn('payload_ref', 'varchar(128)')
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
      .addColumn('next_attempt_at', 'varchar(40)', (c) => c.notNull())
      .addColumn('sent_at', 'varchar(40)')
      .addColumn('last_error', 'text')
      .addColumn('claimed_by', 'varchar(256)')
      .addColumn('claim_expires', 'bigint')
      .addColumn('sending_since', 'varchar(40)')
      .execute();
    await db.schema.createIndex('outbox_due').on('outbox').columns(['platform', 'status', 'next_attempt_at']).execute();
    await db.schema.createIndex('outbox_by_status').on('outbox').columns(['status', 'created_at']).execute();
    // No index on payload_ref: every planned row would pay for it; prune finds unnamed payloads with one scan.
    await db.schema
      .createTable('operator_episodes')
      .addColumn('key', 'varchar(512)', (c) => c.primaryKey())
      .addColumn('body', 'text', (c) => c.notNull())
      .execute();
  },
};
