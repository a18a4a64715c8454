import { DiscordAPIError, HTTPError, RateLimitError, RESTJSONErrorCodes } from 'discord.js';
import type { SendResult } from '../../delivery/sender';

type Failure = Exclude<SendResult, { ok: true }>;
type Permanent = Extract<Failure, { permanent: true }>;

const GRANT = 'Give the bot View Channel, Send Messages and Embed Links in that channel.';

/**
 * What a person must do, by Discord's JSON error code: each of these stays true for every
 * later message to the channel, so retrying cannot help (SPEC section 6: pause, tell operators).
 */
const PERMANENT_CODES: Partial<Record<number, { reason: string; fix: string }>> = {
  [RESTJSONErrorCodes.UnknownChannel]: {
    reason: 'the channel no longer exists',
    fix: 'The channel was deleted; subscribe another channel with /subscribe if alerts should go on.',
  },
  [RESTJSONErrorCodes.UnknownGuild]: {
    reason: 'the bot is no longer in that server',
    fix: 'Invite the bot back to the server (it was kicked, or the server was deleted).',
  },
  [RESTJSONErrorCodes.MissingAccess]: {
    reason: 'the bot can no longer see the channel',
    fix: `${GRANT} If the bot was removed from the server, invite it back.`,
  },
  [RESTJSONErrorCodes.MissingPermissions]: {
    reason: 'the bot lacks permission to post there',
    fix: GRANT,
  },
  [RESTJSONErrorCodes.CannotSendMessagesInNonTextChannel]: {
    reason: 'the channel does not take messages',
    fix: 'Subscribe a text or announcement channel instead (this one is a voice, category or forum channel).',
  },
  [RESTJSONErrorCodes.CannotExecuteActionOnThisChannelType]: {
    reason: 'the channel does not take messages',
    fix: 'Subscribe a text or announcement channel instead (this one is a voice, category or forum channel).',
  },
};

/** By HTTP status, for an error whose code is not in PERMANENT_CODES. */
const PERMANENT_STATUSES: Partial<Record<number, { reason: string; fix: string }>> = {
  401: {
    reason: 'Discord refused the bot token',
    fix: "Set DISCORD_TOKEN to the bot's current token (it was reset or revoked in the Developer Portal) and restart ice-watch.",
  },
  403: { reason: 'Discord refused the bot access to the channel', fix: GRANT },
  404: { reason: 'Discord does not know the channel', fix: 'The channel was deleted, or the bot was removed from its server.' },
};

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
}

/** Fields of a thrown value, by shape: undici throws DOMExceptions, which fail `instanceof Error` across realms (jest's vm). */
const errorLike = (err: unknown): ErrorLike => (err !== null && typeof err === 'object' ? (err as ErrorLike) : { message: String(err) });

const errorText = (err: ErrorLike) => {
  const code = err.code !== undefined ? ` (${String(err.code)})` : '';
  return `${String(err.message || err.name || 'unknown error')}${code}`;
};

/** discord.js aborts a request after its REST `timeout`; undici rejects with an AbortError (or TimeoutError). */
function isTimeout(err: ErrorLike): boolean {
  return err.name === 'AbortError' || err.name === 'TimeoutError' || err.code === 'UND_ERR_ABORTED';
}

/**
 * Maps what `rest.post` threw to a SendResult. Permanent (pause the subscription): the channel
 * or server is gone, the bot lost access or permission, the token was refused (401, 403, 404
 * and the codes above). Transient (retry later): 5xx after the library's own retries, timeouts,
 * network errors, a rate limit the library was told to surface (retryAfterMs from Discord),
 * and any other 4xx: a 400 means this one message is wrong, not the channel, so it must not
 * pause the channel; the outbox gives up on it after its attempts and tells operators.
 */
export function sendResultOfError(err: unknown): Failure {
  if (err instanceof RateLimitError) {
    const wait = Math.max(err.retryAfter, err.timeToReset, 0);
    return {
      ok: false,
      permanent: false,
      reason: `Discord rate limit (${err.global ? 'global' : err.route}), retry in ${Math.ceil(wait)} ms`,
      retryAfterMs: Math.ceil(wait),
    };
  }
  if (err instanceof DiscordAPIError) {
    const code = typeof err.code === 'number' ? err.code : 0;
    const known = PERMANENT_CODES[code] ?? PERMANENT_STATUSES[err.status];
    if (known) return permanent(code ? String(code) : `HTTP ${err.status}`, known);
    if (err.status === 429) {
      const seconds = (err.rawError as { retry_after?: unknown }).retry_after;
      const retryAfterMs = typeof seconds === 'number' ? Math.ceil(seconds * 1000) : undefined;
      return {
        ok: false,
        permanent: false,
        reason: `Discord rate limit: ${err.message}`,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
    }
    return {
      ok: false,
      permanent: false,
      reason: `Discord rejected the message (HTTP ${err.status}, code ${String(err.code)}): ${err.message}`,
    };
  }
  if (err instanceof HTTPError) return { ok: false, permanent: false, reason: `Discord answered HTTP ${err.status} ${err.message}`.trim() };
  const e = errorLike(err);
  if (isTimeout(e)) return { ok: false, permanent: false, reason: 'Discord did not answer in time (REST timeout)' };
  if (typeof e.message === 'string' && /^Expected token to be set/.test(e.message)) {
    return {
      ok: false,
      permanent: false,
      reason: `the Discord REST client has no bot token yet (not logged in, or Discord refused the token): ${e.message}`,
    };
  }
  return { ok: false, permanent: false, reason: `could not reach Discord: ${errorText(e)}` };
}

function permanent(code: string, { reason, fix }: { reason: string; fix: string }): Permanent {
  return { ok: false, permanent: true, code, reason, fix };
}
