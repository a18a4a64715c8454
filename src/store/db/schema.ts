import type { CoordinationTables } from './tables-coordination';
import type { DeliveryTables } from './tables-delivery';
import type { KeyValueTables } from './tables-keyvalue';
import type { EventTables } from './tables-events';
import type { SourceTables } from './tables-sources';
import type { SubscriptionTables } from './tables-subscriptions';
import type { WebhookTables } from './tables-webhooks';

/** Every table of the bot's database, for Kysely's types: one file per area declares its tables and their migration. */
export type Schema = SourceTables & SubscriptionTables & DeliveryTables & CoordinationTables & EventTables & WebhookTables & KeyValueTables;
