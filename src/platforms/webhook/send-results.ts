import type { SendResult } from '../../delivery/sender';

type Failure = Exclude<SendResult, { ok: true }>;

/** Longest part of an endpoint's answer kept for operators (untrusted text, cleaned). */
const SNIPPET_CHARS = 160;

/** Retry-After as milliseconds: seconds, or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now: Date): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

/** The first words of an answer's body, safe for a log line or an operator notice. */
export const snippetOf = (body: string): string =>
  body
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g, ' ')
    .trim()
    .slice(0, SNIPPET_CHARS);

/**
 * An endpoint's HTTP answer as a SendResult:
 * - 2xx: delivered;
 * - 429, 5xx and 408: try again later, after Retry-After when given (the outbox's own back-off otherwise);
 * - 3xx: permanent (redirects are not followed: a redirect could lead to an internal address);
 * - any other 4xx (404, 410, 403...): permanent: the endpoint is gone or refuses us, and no
 *   retry changes that; the outbox pauses the subscription and tells operators.
 */
export function sendResultFromStatus(
  status: number,
  answer: { retryAfter: string | string[] | undefined; body: string; now: Date },
): SendResult {
  if (status >= 200 && status < 300) return { ok: true };
  const said = snippetOf(answer.body);
  const words = `HTTP ${status}${said ? ` (${said})` : ''}`;
  if (status === 429 || status === 408 || status >= 500) {
    const wait = retryAfterMs(answer.retryAfter, answer.now);
    return {
      ok: false,
      permanent: false,
      reason: `the webhook endpoint answered ${words}`,
      ...(wait !== null ? { retryAfterMs: wait } : {}),
    };
  }
  if (status >= 300 && status < 400)
    return {
      ok: false,
      permanent: true,
      code: `http_${status}`,
      reason: `the webhook endpoint redirects (${words})`,
      fix: 'ice-watch does not follow redirects: subscribe the endpoint’s final URL (ice-watch subscribe --webhook <url> ...), and unsubscribe this one.',
    };
  return {
    ok: false,
    permanent: true,
    code: `http_${status}`,
    reason: `the webhook endpoint refused the alert: ${words}`,
    fix:
      status === 404 || status === 410
        ? 'The endpoint is gone: ask its owner for the new URL and subscribe it (ice-watch subscribe --webhook <url> ...), or remove this one (ice-watch unsubscribe --webhook <id>).'
        : 'Check the endpoint with its owner (its URL, its credentials, what it accepts); once fixed, subscribing the URL again resumes it.',
  };
}

/** A request that got no HTTP answer (refused, reset, timed out, address refused by the guard). */
export function sendResultFromError(err: unknown, refusedAddress: boolean): Failure {
  // By shape, not instanceof: node's errors may come from another realm (a test runner's).
  const { name, message, code } = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
  };
  if (refusedAddress)
    return {
      ok: false,
      permanent: true,
      code: 'address_refused',
      reason: String(message),
      fix: 'Subscribe a URL on a public address, or (for a receiver inside your network) set WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true and subscribe it again.',
    };
  if (name === 'TimeoutError' || name === 'AbortError')
    return { ok: false, permanent: false, reason: 'the webhook endpoint did not answer in time' };
  return {
    ok: false,
    permanent: false,
    reason: `could not reach the webhook endpoint: ${typeof code === 'string' ? `${code} ` : ''}${String(message)}`,
  };
}
