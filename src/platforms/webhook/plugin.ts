import type { Config } from '../../config';
import type { Stores } from '../../store/open-stores';
import type { WebhookAdmin } from '../../store/webhook-admin';
import type { PlatformPlugin } from '../plugin';
import type { AddressPolicy } from './address-guard';
import { createWebhookAdmin } from './admin';
import { createWebhookSender } from './webhook-sender';

/** Where webhooks may call, from the settings (WEBHOOK_ALLOW_PRIVATE_ADDRESSES). */
export const webhookPolicyOf = (config: Pick<Config, 'WEBHOOK_ALLOW_PRIVATE_ADDRESSES'>): AddressPolicy => ({
  allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_ADDRESSES,
});

/**
 * The webhook admin over the stores: the one wiring, used by every platform's /webhook and by
 * the terminal's subscribe --webhook, webhooks and unsubscribe --webhook.
 */
export function webhookAdminOf(
  stores: Pick<Stores, 'webhooks' | 'subscriptions' | 'outbox' | 'digests'>,
  config: Pick<Config, 'WEBHOOK_ALLOW_PRIVATE_ADDRESSES'>,
  now: () => Date = () => new Date(),
): WebhookAdmin {
  return createWebhookAdmin({
    endpoints: stores.webhooks,
    subscriptions: stores.subscriptions,
    outbox: stores.outbox,
    digests: stores.digests,
    policy: webhookPolicyOf(config),
    now,
  });
}

/**
 * Webhooks: alerts POSTed as signed JSON (or a Slack or Teams incoming-webhook message) to the
 * endpoints `ice-watch subscribe --webhook` added. It only delivers (no listener, no token, no
 * SDK: node's http), so it is always loaded, costs nothing when no endpoint exists, and is no
 * chat platform: it never ends console mode.
 */
export const webhookPlatform: PlatformPlugin<'webhook'> = {
  id: 'webhook',
  name: 'webhook',
  deliversOnly: true,
  configured: () => true,
  // Endpoints are managed from the operators' channels and the terminal only.
  whoMayManage: 'operators',
  async load({ config, stores, logger, now }) {
    return {
      sender: createWebhookSender({ endpoints: stores.webhooks, policy: webhookPolicyOf(config), logger, now }),
      start: async () => undefined,
      stop: async () => undefined,
    };
  },
};
