import { webApi } from '@slack/bolt';
import type { SendResult } from '../../delivery/sender';

type Permanent = Extract<SendResult, { permanent: true }>;

const INVITE = 'Invite the bot with /invite @ice-watch.';
const REINSTALL = 'The app was uninstalled or its token revoked: reinstall it in the workspace and update SLACK_BOT_TOKEN.';

/**
 * Platform errors of chat.postMessage that no retry can fix: each needs a person (to invite
 * the bot, unarchive the channel, reinstall the app...). The outbox pauses the subscription
 * and tells operators `reason` and `fix`. Codes from Slack's chat.postMessage reference.
 * Workspace-wide codes (token revoked, invalid auth) pause each of the workspace's
 * subscriptions as its next alert fails.
 */
export const PERMANENT_SLACK_ERRORS: Record<string, { reason: string; fix: string }> = {
  channel_not_found: {
    reason: 'the channel no longer exists, or it is private and the bot is not in it',
    fix: 'If the channel still exists, invite the bot with /invite @ice-watch.',
  },
  not_in_channel: { reason: 'the bot is not a member of the channel', fix: INVITE },
  is_archived: { reason: 'the channel was archived', fix: 'The channel was archived: unarchive it, or subscribe another channel.' },
  channel_is_archived: { reason: 'the channel was archived', fix: 'The channel was archived: unarchive it, or subscribe another channel.' },
  restricted_action: {
    reason: 'the workspace does not let the bot post in this channel',
    fix: 'Ask a workspace admin to let apps post in this channel (posting may be limited to admins), or subscribe another channel.',
  },
  ekm_access_denied: { reason: 'the workspace administrators have suspended posting', fix: 'Ask a workspace admin to restore posting.' },
  account_inactive: { reason: "the app's bot user was deactivated or the workspace deleted", fix: REINSTALL },
  token_revoked: { reason: "the app's bot token was revoked", fix: REINSTALL },
  invalid_auth: {
    reason: 'Slack refused the bot token',
    fix: `Check SLACK_BOT_TOKEN (the xoxb- token of this installation). ${REINSTALL}`,
  },
  not_authed: { reason: 'no bot token was sent to Slack', fix: 'Set SLACK_BOT_TOKEN.' },
  missing_scope: {
    reason: 'the app lacks the permission to post',
    fix: "Add the chat:write scope in the app's settings (the manifest `ice-watch slack-manifest` prints lists it), then reinstall the app.",
  },
};

/** What the client throws once its own retries of a 429 are spent (wrapped in a RequestError): the Retry-After is only in the message. */
const RATE_LIMIT_MESSAGE = /rate limit was exceeded.*retry-after: (\d+)/i;

/**
 * A failed chat.postMessage as a SendResult.
 * - Platform errors in PERMANENT_SLACK_ERRORS: permanent, with Slack's code.
 * - Any other platform error (internal_error, fatal_error, ratelimited, but also
 *   invalid_blocks or msg_too_long, which would be our bug): transient. The outbox retries
 *   with backoff and, when the attempts run out, keeps a dead letter and tells operators;
 *   pausing a channel's subscription for a fault that is not the channel's would be wrong.
 * - Rate limits: the WebClient already waited out each Retry-After (that is its job, not
 *   ours); when it still gives up, transient with `retryAfterMs` so the outbox waits too.
 * - HTTP errors (5xx), request errors and timeouts: transient.
 */
export function sendResultFromSlackError(err: unknown): Exclude<SendResult, { ok: true }> {
  // By `code`, not instanceof: the client may come from another copy of @slack/web-api.
  const kind = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (kind === webApi.ErrorCode.PlatformError) {
    // missing_scope answers carry `needed` (the scope), which the result type does not declare.
    const data: webApi.WebAPIPlatformError['data'] & { needed?: unknown } = (err as webApi.WebAPIPlatformError).data ?? {
      ok: false,
      error: 'unknown_error',
    };
    const code = String(data.error ?? 'unknown_error');
    const known = PERMANENT_SLACK_ERRORS[code];
    if (known) {
      const needed = code === 'missing_scope' && typeof data.needed === 'string' ? ` (needs ${data.needed})` : '';
      return { ok: false, permanent: true, code, reason: `${known.reason}${needed}`, fix: known.fix } satisfies Permanent;
    }
    const retryAfterSec = data.response_metadata?.retryAfter;
    return {
      ok: false,
      permanent: false,
      reason: `Slack refused the message: ${code}`,
      ...(retryAfterSec ? { retryAfterMs: retryAfterSec * 1000 } : {}),
    };
  }
  if (kind === webApi.ErrorCode.RateLimitedError) {
    const retryAfter = (err as webApi.WebAPIRateLimitedError).retryAfter;
    return { ok: false, permanent: false, reason: `Slack rate limit: retry after ${retryAfter} s`, retryAfterMs: retryAfter * 1000 };
  }
  if (kind === webApi.ErrorCode.HTTPError) {
    const { statusCode, statusMessage } = err as webApi.WebAPIHTTPError;
    return { ok: false, permanent: false, reason: `Slack answered HTTP ${statusCode}${statusMessage ? ` ${statusMessage}` : ''}` };
  }
  if (kind === webApi.ErrorCode.RequestError) {
    // The client wraps whatever its request threw: a timeout's DOMException (which, from
    // another realm, arrives as a plain Error named by its message) or, once its retries
    // of a 429 are spent, its own "A rate limit was exceeded (..., retry-after: N)".
    const { original, message: own } = err as webApi.WebAPIRequestError;
    const message = original?.message ?? own;
    const limited = RATE_LIMIT_MESSAGE.exec(message);
    if (limited)
      return {
        ok: false,
        permanent: false,
        reason: `Slack rate limit: retry after ${limited[1]} s`,
        retryAfterMs: Number(limited[1]) * 1000,
      };
    if (original?.name === 'TimeoutError' || /TimeoutError|aborted due to timeout/.test(message))
      return { ok: false, permanent: false, reason: 'Slack did not answer in time' };
    return { ok: false, permanent: false, reason: `could not reach Slack: ${message}` };
  }
  return { ok: false, permanent: false, reason: err instanceof Error ? err.message : String(err) };
}
