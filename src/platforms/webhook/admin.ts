import { channelKey, DEFAULT_STATE_KINDS, type Subscription, TOTALS_KINDS } from '../../domain/alerts/subscriptions';
import type { SubscriptionStore } from '../../store/subscription-store';
import type { WebhookAdmin, WebhookEndpointView } from '../../store/webhook-admin';
import type { WebhookEndpoint, WebhookStore } from '../../store/webhook-store';
import { type AddressPolicy, checkWebhookAddress, parseWebhookUrl } from './address-guard';

/** A webhook subscription's workspace: every endpoint is a channel of this one "workspace". */
export const WEBHOOK_WORKSPACE = 'webhook';

/** The subscription key of an endpoint's subscription. */
export const webhookSubscriptionKey = (endpointId: string): string => channelKey('webhook', WEBHOOK_WORKSPACE, endpointId);

const viewOf = ({ secret: _secret, ...view }: WebhookEndpoint): WebhookEndpointView => view;

/** A URL as listings may show it: its origin and path, never its query (Slack's and Teams' URLs carry their token there). */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname.length > 24 ? `${u.pathname.slice(0, 24)}…` : u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '(unreadable URL)';
  }
}

export interface WebhookAdminDeps {
  endpoints: WebhookStore;
  subscriptions: SubscriptionStore;
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
export function createWebhookAdmin({ endpoints, subscriptions, policy, now }: WebhookAdminDeps): WebhookAdmin {
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
      await subscriptions.delete(webhookSubscriptionKey(endpoint.id));
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
