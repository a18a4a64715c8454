import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AlertSender, SendResult } from '../../delivery/sender';
import type { Logger } from '../../logging/logger';
import type { WebhookStore } from '../../store/webhook-store';
import { type AddressPolicy, checkWebhookAddress, guardedLookup, WebhookAddressError, WebhookResolveError } from './address-guard';
import { renderWebhookBody } from './presets';
import { sendResultFromError, sendResultFromStatus } from './send-results';
import { signWebhookBody, WEBHOOK_HEADERS } from './signature';

/** How long one POST may take, connection included (the outbox's own bound is longer). */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** How much of an endpoint's answer is read (for the operators' notice); the rest is dropped unread. */
export const WEBHOOK_MAX_ANSWER_BYTES = 2_048;

export interface WebhookSenderDeps {
  endpoints: Pick<WebhookStore, 'get'>;
  policy: AddressPolicy;
  logger: Logger;
  timeoutMs?: number;
  now?: () => Date;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * POSTs each alert to its endpoint (the subscription's channel id is the endpoint's id): the
 * preset's JSON, signed (signature.ts) with the endpoint's secret, with the outbox delivery id
 * in X-Ice-Watch-Delivery: the same id on every retry, so a receiver drops repeats by it.
 *
 * Safety: the host is resolved and checked (address-guard.ts) before each send, and the
 * connection resolves through the same check (a name that changes its answer in between cannot
 * slip an internal address in); no redirect is followed; the answer is read up to
 * WEBHOOK_MAX_ANSWER_BYTES and dropped; each request is bounded by `timeoutMs`.
 * Results (send-results.ts): 2xx sent; 408, 429, 5xx, network errors and timeouts retried by the
 * outbox (after Retry-After); other 4xx and 3xx permanent: the outbox pauses the subscription and
 * tells operators. The sender itself never retries.
 */
export function createWebhookSender(deps: WebhookSenderDeps): AlertSender {
  const log = deps.logger.child({ platform: 'webhook' });
  const now = deps.now ?? (() => new Date());
  const timeoutMs = deps.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const lookup = guardedLookup(deps.policy);

  function post(url: URL, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<Answer> {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Answer>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers, lookup, agent: false, signal }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          res.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        };
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk.subarray(0, WEBHOOK_MAX_ANSWER_BYTES - size));
          size += chunk.length;
          if (size >= WEBHOOK_MAX_ANSWER_BYTES) done();
        });
        res.on('end', done);
        res.on('error', done);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  return {
    platform: 'webhook',
    // One endpoint's 429 is its own server's: the other endpoints are still sent to.
    rateLimitedPer: 'destination',
    wording: {
      destination: (id) => `webhook ${id}`,
      resume: 'subscribing its URL again (ice-watch subscribe --webhook <url> ..., or /webhook add) resumes its alerts',
    },
    async send(delivery, options = {}): Promise<SendResult> {
      const endpoint = await deps.endpoints.get(delivery.channelId);
      if (!endpoint)
        return {
          ok: false,
          permanent: true,
          code: 'endpoint_removed',
          reason: `webhook endpoint ${delivery.channelId} was removed`,
          fix: 'Nothing to do if it was removed on purpose; else subscribe its URL again (ice-watch subscribe --webhook <url> ...).',
        };
      const url = new URL(endpoint.url);
      const body = renderWebhookBody(delivery, endpoint.preset);
      const timestamp = Math.floor(now().getTime() / 1000);
      const headers = {
        'Content-Type': 'application/json',
        'User-Agent': 'ice-watch-webhooks',
        [WEBHOOK_HEADERS.delivery]: delivery.id,
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WEBHOOK_HEADERS.signature]: signWebhookBody(endpoint.secret, timestamp, body),
      };
      const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
      let result: SendResult;
      try {
        // Checked here for an IP literal (which the connection does not resolve) and for a clear reason in the notice.
        await checkWebhookAddress(url, deps.policy);
        const answer = await post(url, body, headers, AbortSignal.any(signals));
        result = sendResultFromStatus(answer.status, { retryAfter: answer.headers['retry-after'], body: answer.body, now: now() });
      } catch (err) {
        const refused = err instanceof WebhookAddressError && !(err instanceof WebhookResolveError);
        result = sendResultFromError(err, refused);
      }
      // The endpoint's id, never its URL (which may carry a token) nor its secret.
      if (!result.ok) log.debug({ endpoint: endpoint.id, delivery: delivery.id, result }, 'webhook: alert not delivered');
      return result;
    },
  };
}
