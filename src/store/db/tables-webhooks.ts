import type { Kysely, Migration } from 'kysely';

/**
 * Webhook endpoints: where a `webhook` subscription (channel id = the endpoint's id) is POSTed,
 * with the secret its body is signed with. The subscription itself is an ordinary row of
 * `subscriptions`, so routing, pausing and the outbox need nothing of their own.
 */
export interface WebhookTables {
  webhook_endpoints: {
    /** `wh_` and 12 hex digits. */
    id: string;
    url: string;
    /** The HMAC key (64 hex digits), shown once to whoever created the endpoint. */
    secret: string;
    /** `json`, `slack` or `teams`. */
    preset: string;
    /** JSON { id, name }. */
    created_by: string;
    created_at: string;
  };
}

export const webhooksMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('webhook_endpoints')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('url', 'varchar(2048)', (c) => c.notNull().unique())
      .addColumn('secret', 'varchar(128)', (c) => c.notNull())
      .addColumn('preset', 'varchar(16)', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
      .execute();
  },
};
