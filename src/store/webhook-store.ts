import { randomBytes } from 'node:crypto';
import { cleanText } from '../domain/text';
import { UserError } from '../domain/user-error';
import type { StoreDb } from './db/database';
import type { WebhookTables } from './db/tables-webhooks';

/** What a webhook endpoint is sent: ice-watch's signed JSON, or an incoming-webhook message of Slack or Microsoft Teams. */
export const WEBHOOK_PRESETS = ['json', 'slack', 'teams'] as const;
export type WebhookPreset = (typeof WEBHOOK_PRESETS)[number];
const isPreset = (v: string): v is WebhookPreset => (WEBHOOK_PRESETS as readonly string[]).includes(v);

/** A preset as typed (/webhook add … preset:slack, --preset slack); null when none was given; a UserError when unknown. */
export function parseWebhookPreset(text: string | undefined): WebhookPreset | null {
  if (text === undefined || !text.trim()) return null;
  const p = cleanText(text).toLowerCase();
  if (!isPreset(p)) throw new UserError(`Unknown preset "${p.slice(0, 40)}": json, slack or teams.`);
  return p;
}

/** One endpoint alerts are POSTed to; its subscription is the `webhook` channel with its id. */
export interface WebhookEndpoint {
  /** `wh_` and 12 hex digits: the channel id of its subscription. */
  id: string;
  url: string;
  /** The HMAC-SHA256 key of its signatures (64 hex digits): never logged, shown once at creation. */
  secret: string;
  preset: WebhookPreset;
  createdBy: { id: string; name: string };
  createdAt: string;
}

/**
 * The webhook endpoints (table `webhook_endpoints`). One endpoint per URL: adding a URL again
 * returns the endpoint already there with its secret unchanged (its subscriber's verifier keeps
 * working), its preset changed when one is given.
 */
export interface WebhookStore {
  /** The endpoint of `url`, created (a new id and secret) when there is none; `created` says which. */
  ensure(
    url: string,
    options: { preset?: WebhookPreset; createdBy: WebhookEndpoint['createdBy']; at: Date },
  ): Promise<{ endpoint: WebhookEndpoint; created: boolean }>;
  get(id: string): Promise<WebhookEndpoint | null>;
  byUrl(url: string): Promise<WebhookEndpoint | null>;
  /** Every endpoint, oldest first. */
  list(): Promise<WebhookEndpoint[]>;
  /** Forgets an endpoint; false when there was none. Its subscription is the caller's to remove. */
  remove(id: string): Promise<boolean>;
}

type Row = WebhookTables['webhook_endpoints'];

/** A fresh endpoint id: `wh_` and 12 random hex digits. */
export const newWebhookId = (): string => `wh_${randomBytes(6).toString('hex')}`;
/** A fresh signing secret: 32 random bytes as hex. */
export const newWebhookSecret = (): string => randomBytes(32).toString('hex');

function fromRow(row: Row): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    secret: row.secret,
    preset: isPreset(row.preset) ? row.preset : 'json',
    createdBy: JSON.parse(row.created_by),
    createdAt: row.created_at,
  };
}

export function createWebhookStore(db: StoreDb): WebhookStore {
  const byUrl = async (url: string) => {
    const k = await db.ready();
    const row = await k.selectFrom('webhook_endpoints').selectAll().where('url', '=', url).executeTakeFirst();
    return row ? fromRow(row) : null;
  };
  return {
    async ensure(url, { preset, createdBy, at }) {
      const k = await db.ready();
      // Insert-if-absent by the unique URL: two adds of one URL at once make one endpoint with one secret.
      const inserted = await k
        .insertInto('webhook_endpoints')
        .values({
          id: newWebhookId(),
          url,
          secret: newWebhookSecret(),
          preset: preset ?? 'json',
          created_by: JSON.stringify(createdBy),
          created_at: at.toISOString(),
        })
        .onConflict((oc) => oc.column('url').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return { endpoint: fromRow(inserted), created: true };
      if (preset) await k.updateTable('webhook_endpoints').set({ preset }).where('url', '=', url).execute();
      const endpoint = await byUrl(url);
      if (!endpoint) throw new Error(`webhook endpoint for a URL vanished while being added`);
      return { endpoint, created: false };
    },
    async get(id) {
      const k = await db.ready();
      const row = await k.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? fromRow(row) : null;
    },
    byUrl,
    async list() {
      const k = await db.ready();
      const rows = await k.selectFrom('webhook_endpoints').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(fromRow);
    },
    async remove(id) {
      const k = await db.ready();
      const result = await k.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
