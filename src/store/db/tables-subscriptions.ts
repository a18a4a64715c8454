import type { Kysely, Migration } from 'kysely';

/**
 * Channel subscriptions: one row per channel, and one row per state it follows, so finding the
 * channels of a state is an indexed join and planning an alert is one INSERT ... SELECT.
 */
export interface SubscriptionTables {
  subscriptions: {
    key: string;
    platform: string;
    workspace_id: string;
    channel_id: string;
    channel_name: string | null;
    /** 1: every state (no rows in subscription_states). */
    all_states: number;
    /** 1: the channel follows the national totals. */
    totals: number;
    /** JSON array of kinds. */
    kinds: string;
    /** JSON array of models, or null for all. */
    models: string | null;
    mode: string;
    paused_reason: string | null;
    paused_since: string | null;
    created_by: string;
    created_at: string;
    updated_by: string;
    updated_at: string;
  };
  subscription_states: { subscription_key: string; state_code: string };
  /** Digest subscriptions' alerts collected for their period, one row per alert (added atomically, never rewritten). */
  digest_items: { subscription_key: string; period: string; mode: string; alert_id: string; alert: string; added_at: string };
}

export const subscriptionsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('subscriptions')
      .addColumn('key', 'varchar(512)', (c) => c.primaryKey())
      .addColumn('platform', 'varchar(32)', (c) => c.notNull())
      .addColumn('workspace_id', 'varchar(256)', (c) => c.notNull())
      .addColumn('channel_id', 'varchar(256)', (c) => c.notNull())
      .addColumn('channel_name', 'text')
      .addColumn('all_states', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('totals', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('kinds', 'text', (c) => c.notNull())
      .addColumn('models', 'text')
      .addColumn('mode', 'varchar(16)', (c) => c.notNull())
      .addColumn('paused_reason', 'text')
      .addColumn('paused_since', 'varchar(40)')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('subscriptions_by_workspace').on('subscriptions').columns(['platform', 'workspace_id']).execute();
    await db.schema
      .createTable('subscription_states')
      .addColumn('subscription_key', 'varchar(512)', (c) => c.notNull().references('subscriptions.key').onDelete('cascade'))
      .addColumn('state_code', 'varchar(8)', (c) => c.notNull())
      .addPrimaryKeyConstraint('subscription_states_pk', ['subscription_key', 'state_code'])
      .execute();
    await db.schema
      .createIndex('subscription_states_by_state')
      .on('subscription_states')
      .columns(['state_code', 'subscription_key'])
      .execute();
    await db.schema
      .createTable('digest_items')
      .addColumn('subscription_key', 'varchar(512)', (c) => c.notNull())
      .addColumn('period', 'varchar(32)', (c) => c.notNull())
      .addColumn('mode', 'varchar(16)', (c) => c.notNull())
      .addColumn('alert_id', 'varchar(512)', (c) => c.notNull())
      .addColumn('alert', 'text', (c) => c.notNull())
      .addColumn('added_at', 'varchar(40)', (c) => c.notNull())
      .addPrimaryKeyConstraint('digest_items_pk', ['subscription_key', 'period', 'alert_id'])
      .execute();
  },
};
