import type { Migration } from 'kysely';
import { coordinationMigration } from './tables-coordination';
import { deliveryMigration } from './tables-delivery';
import { eventsMigration } from './tables-events';
import { keyValueMigration } from './tables-keyvalue';
import { sourcesMigration } from './tables-sources';
import { subscriptionsMigration } from './tables-subscriptions';
import { webhooksMigration } from './tables-webhooks';

/**
 * The schema's migrations, in order (Kysely runs them by name, sorted). A released migration is
 * never edited: a change of schema is a new entry here.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-sources': sourcesMigration,
  '0002-subscriptions': subscriptionsMigration,
  '0003-delivery': deliveryMigration,
  '0004-coordination': coordinationMigration,
  '0005-events': eventsMigration,
  '0006-webhooks': webhooksMigration,
  '0007-keyvalue': keyValueMigration,
};
