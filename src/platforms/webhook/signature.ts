import { createHmac, timingSafeEqual } from 'node:crypto';

/** The headers every webhook request carries (README "Webhooks" shows how a receiver checks them). */
export const WEBHOOK_HEADERS = {
  delivery: 'X-Ice-Watch-Delivery',
  timestamp: 'X-Ice-Watch-Timestamp',
  signature: 'X-Ice-Watch-Signature',
} as const;

/**
 * The signature of one request: `sha256=` and the hex HMAC-SHA256, keyed with the endpoint's
 * secret, of `<timestamp>.<body>` (timestamp: Unix seconds, as sent in X-Ice-Watch-Timestamp).
 * Signing the timestamp with the body lets a receiver refuse an old request replayed at it.
 */
export function signWebhookBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * A receiver's check (the README's recipe, and the tests'): the signature matches, compared in
 * constant time, and the timestamp is within `toleranceSec` of `nowSec`.
 */
export function verifyWebhookSignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  options: { nowSec?: number; toleranceSec?: number } = {},
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || !headers.signature) return false;
  const now = options.nowSec ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSec ?? 300)) return false;
  const expected = Buffer.from(signWebhookBody(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
