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
    /** 1: the channel follows the national totals (its kinds include `totals`). */
    totals: number;
    /** JSON array of kinds, as the channel gave them: planning groups channels by this text. */
    kinds: string;
    /** JSON array of models, or null for all. */
    models: string | null;
    mode: string;
    paused_reason: string | null;
    paused_since: string | null;
    /** JSON { id, name }. */
    created_by: string;
    created_at: string;
    /** JSON { id, name }. */
    updated_by: string;
    updated_at: string;
  };
  /** The states a channel follows; `position` keeps the order the channel gave them in. */
  subscription_states: { subscription_key: string; state_code: string; position: number };
  /**
   * Digest subscriptions' alerts collected for their period, one row per channel and alert (added
   * atomically, never rewritten); the alert itself is stored once in digest_alerts.
   */
  digest_items: { subscription_key: string; period: string; mode: string; alert_id: string; alert_ref: string; added_at: string };
  /** A digest alert (cut down to what a group of channels follows), stored once by content. */
  digest_alerts: { ref: string; body: string; created_at: string };
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
    await db.schema.createIndex('subscriptions_all_states').on('subscriptions').columns(['all_states', 'key']).execute();
    await db.schema.createIndex('subscriptions_totals').on('subscriptions').columns(['totals', 'key']).execute();
    await db.schema
      .createTable('subscription_states')
      .addColumn('subscription_key', 'varchar(512)', (c) => c.notNull().references('subscriptions.key').onDelete('cascade'))
      .addColumn('state_code', 'varchar(64)', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('subscription_states_pk', ['subscription_key', 'state_code'])
      .execute();
    await db.schema
      .createIndex('subscription_states_by_state')
      .on('subscription_states')
      .columns(['state_code', 'subscription_key'])
      .execute();
    await db.schema
      .createTable('digest_alerts')
      .addColumn('ref', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('digest_items')
      .addColumn('subscription_key', 'varchar(512)', (c) => c.notNull())
      .addColumn('period', 'varchar(32)', (c) => c.notNull())
      .addColumn('mode', 'varchar(16)', (c) => c.notNull())
      .addColumn('alert_id', 'varchar(512)', (c) => c.notNull())
      .addColumn('alert_ref', 'varchar(128)', (c) => c.notNull())
      .addColumn('added_at', 'varchar(40)', (c) => c.notNull())
      .addPrimaryKeyConstraint('digest_items_pk', ['subscription_key', 'period', 'alert_id'])
      .execute();
    await db.schema.createIndex('digest_items_by_alert').on('digest_items').column('alert_ref').execute();
  },
};
