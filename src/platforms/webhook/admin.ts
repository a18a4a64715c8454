import { channelKey, DEFAULT_STATE_KINDS, type Subscription, TOTALS_KINDS } from '../../domain/alerts/subscriptions';
import { displayUrl } from '../../messages/webhook-text';
import type { DigestStore } from '../../store/digest-store';
import type { OutboxStore } from '../../store/outbox-port';
import type { SubscriptionStore } from '../../store/subscription-store';
import type { WebhookAdmin, WebhookEndpointView } from '../../store/webhook-admin';
import type { WebhookEndpoint, WebhookStore } from '../../store/webhook-store';
import { type AddressPolicy, checkWebhookAddress, parseWebhookUrl } from './address-guard';

/** A webhook subscription's workspace: every endpoint is a channel of this one "workspace". */
export const WEBHOOK_WORKSPACE = 'webhook';

/** The subscription key of an endpoint's subscription. */
export const webhookSubscriptionKey = (endpointId: string): string => channelKey('webhook', WEBHOOK_WORKSPACE, endpointId);

/** An endpoint as it leaves the admin: no secret, and its URL only as displayUrl shows it (for Slack and Teams the URL is a credential). */
const viewOf = ({ secret: _secret, url, ...view }: WebhookEndpoint): WebhookEndpointView => ({ ...view, displayUrl: displayUrl(url) });

export interface WebhookAdminDeps {
  endpoints: WebhookStore;
  subscriptions: SubscriptionStore;
  /** Removing an endpoint discards what is still queued for it: an endpoint removed on purpose is not reported as paused. */
  outbox: Pick<OutboxStore, 'discardPending'>;
  digests: Pick<DigestStore, 'removeAllFor'>;
  policy: AddressPolicy;
  now: () => Date;
}

/**
 * Webhooks as commands and the terminal manage them. Subscribing checks the URL (form and every
 * address, address-guard.ts), makes or finds its endpoint and writes an ordinary subscription
 * (platform and workspace `webhook`, channel = the endpoint id), so routing, kinds, models,
 * digests, pausing and the outbox need nothing of their own. Subscribing a URL again sets its
 * states (and kinds, models, preset when given), keeps its secret and resumes it.
 */
export function createWebhookAdmin({ endpoints, subscriptions, outbox, digests, policy, now }: WebhookAdminDeps): WebhookAdmin {
  async function find(idOrUrl: string): Promise<WebhookEndpoint | null> {
    const text = idOrUrl.trim();
    if (/^wh_[0-9a-f]+$/i.test(text)) return endpoints.get(text.toLowerCase());
    return endpoints.byUrl(parseWebhookUrl(text).href);
  }
  return {
    async subscribe(request) {
      const url = parseWebhookUrl(request.url);
      await checkWebhookAddress(url, policy);
      const at = now();
      const { endpoint, created } = await endpoints.ensure(url.href, {
        ...(request.preset ? { preset: request.preset } : {}),
        createdBy: request.by,
        at,
      });
      const key = webhookSubscriptionKey(endpoint.id);
      const iso = at.toISOString();
      const totalsOnly = request.states !== 'all' && request.states.length === 0;
      const { after } = await subscriptions.update(key, (old): Subscription => {
        const kinds = request.kinds ?? (totalsOnly ? TOTALS_KINDS : (old?.kinds ?? DEFAULT_STATE_KINDS));
        return {
          key,
          platform: 'webhook',
          workspaceId: WEBHOOK_WORKSPACE,
          channelId: endpoint.id,
          channelName: displayUrl(endpoint.url),
          states: request.states,
          kinds: [...new Set(kinds)],
          models: request.models ?? old?.models ?? null,
          mode: old?.mode ?? 'instant',
          createdBy: old?.createdBy ?? request.by,
          createdAt: old?.createdAt ?? iso,
          updatedBy: request.by,
          updatedAt: iso,
          paused: null,
        };
      });
      return { endpoint: viewOf(endpoint), secret: created ? endpoint.secret : null, subscription: after!, created };
    },
    async unsubscribe(idOrUrl) {
      const endpoint = await find(idOrUrl);
      if (!endpoint) return null;
      const key = webhookSubscriptionKey(endpoint.id);
      // The subscription first, so the router plans nothing more for it; then what was already planned.
      await subscriptions.delete(key);
      await outbox.discardPending(key);
      await digests.removeAllFor(key);
      await endpoints.remove(endpoint.id);
      return viewOf(endpoint);
    },
    async list() {
      const all = await endpoints.list();
      const subs = new Map((await subscriptions.inWorkspace('webhook', WEBHOOK_WORKSPACE)).map((s) => [s.channelId, s]));
      return all.map((e) => ({ endpoint: viewOf(e), subscription: subs.get(e.id) ?? null }));
    },
  };
}
