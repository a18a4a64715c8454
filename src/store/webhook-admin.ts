import type { Kind, Subscription } from '../domain/alerts/subscriptions';
import type { Model } from '../domain/types';
import type { WebhookEndpoint, WebhookPreset } from './webhook-store';

/**
 * An endpoint as listings, replies and JSON show it: never its secret, and never its whole URL
 * (for Slack's and Teams' incoming webhooks the URL is the credential): `displayUrl` is its
 * origin and the start of its path.
 */
export type WebhookEndpointView = Omit<WebhookEndpoint, 'secret' | 'url'> & { displayUrl: string };

/** What subscribing a webhook asks for (arguments already parsed). */
export interface WebhookSubscribeRequest {
  url: string;
  /** USPS codes or 'all'; empty with kinds `totals`: the national totals only. */
  states: string[] | 'all';
  /** Null: the endpoint's kinds as they were (or the default for a new one). */
  kinds: Kind[] | null;
  /** Null: as they were (or every model). */
  models: Model[] | null;
  /** Null: as it was (or `json`). */
  preset: WebhookPreset | null;
  by: { id: string; name: string };
}

export interface WebhookSubscribed {
  endpoint: WebhookEndpointView;
  /** The signing secret: only when the endpoint was created now (shown once, never again). */
  secret: string | null;
  subscription: Subscription;
  /** True when the URL was not subscribed before. */
  created: boolean;
}

/**
 * The port commands and the terminal manage webhooks through (the platform's admin.ts
 * implements it: URL checks, the endpoint, its subscription). Every method refuses a URL it
 * may not call with a UserError saying why.
 */
export interface WebhookAdmin {
  /** Adds the endpoint of a URL (a new id and secret) or updates its subscription (secret kept), then resumes it. */
  subscribe(request: WebhookSubscribeRequest): Promise<WebhookSubscribed>;
  /** Removes an endpoint (by id or URL) and its subscription; null when none matches. */
  unsubscribe(idOrUrl: string): Promise<WebhookEndpointView | null>;
  /** Every endpoint with its subscription (null when it has none). */
  list(): Promise<Array<{ endpoint: WebhookEndpointView; subscription: Subscription | null }>>;
}
