import type { PlannedDelivery } from '../../domain/alerts/delivery-plan';
import { type Publication, publicationOf } from '../../domain/alerts/publication';
import { deliveryToReply } from '../../messages/alert-message';
import { renderReplyAsText } from '../../messages/plain-text';

/** What kind of alert a webhook body carries. */
export type WebhookAlertType = 'alert.287g' | 'alert.totals' | 'alert.daily' | 'alert.facilities' | 'digest';

/** The ICE publication an alert came from (null fields: not known for this kind, e.g. a daily count): as the event log keeps it. */
export type WebhookPublication = Publication;

/**
 * The body of the `json` preset, ice-watch's own format (README "Webhooks"):
 * - `id`: the outbox delivery id, the same on every retry of this alert to this endpoint:
 *   receivers drop a repeat by it (delivery is at least once);
 * - `type`: `alert.287g` (a state's 287(g) changes), `alert.totals` (a detention release),
 *   `alert.daily` (a daily count), `alert.facilities` (a state's detention facilities), `digest`;
 * - `state`: the USPS code (or the state's name where ICE gave none); null for national alerts;
 * - `text`: the message as the console prints it, the same words as every chat alert;
 * - `events`: the alert's events as data (ICE's values as published, untrusted text);
 * - `publication`: the file they came from.
 */
export interface WebhookBody {
  id: string;
  type: WebhookAlertType;
  state: string | null;
  text: string;
  events: unknown[];
  publication: WebhookPublication | null;
}

/** A planned delivery as the `json` preset's body. Pure. */
export function buildWebhookBody(delivery: PlannedDelivery): WebhookBody {
  const text = renderReplyAsText(deliveryToReply(delivery), { banner: Boolean(delivery.alert && !delivery.digest) });
  const base = { id: delivery.id, text };
  if (delivery.digest) {
    const alerts = delivery.digest.alerts;
    const latest = [...alerts].sort((a, b) => a.file.fetchedAt.localeCompare(b.file.fetchedAt)).at(-1);
    return {
      ...base,
      type: 'digest',
      state: null,
      events: alerts.flatMap((a) => a.events),
      publication: latest ? publicationOf(latest) : null,
    };
  }
  const t = delivery.totals;
  if (t?.kind === 'facilities.changed')
    return {
      ...base,
      type: 'alert.facilities',
      state: t.stateCode,
      events: t.events,
      publication: publicationOf(t),
    };
  if (t?.kind === 'detention.released') {
    // The release's headline figures; its facility table (hundreds of rows) is not an event.
    const { facilities: _rows, facilitiesRefused: _why, ...release } = t.release;
    return {
      ...base,
      type: 'alert.totals',
      state: null,
      events: [{ type: t.kind, ...release, comparison: t.comparison }],
      publication: publicationOf(t),
    };
  }
  if (t?.kind === 'daily.reported')
    return {
      ...base,
      type: 'alert.daily',
      state: null,
      events: [{ type: t.kind, ...t.report }],
      publication: publicationOf(t),
    };
  const alert = delivery.alert;
  if (!alert) throw new Error(`delivery ${delivery.id} carries nothing to post`);
  return {
    ...base,
    type: 'alert.287g',
    state: alert.stateCode ?? alert.state,
    events: alert.events,
    publication: publicationOf(alert),
  };
}
