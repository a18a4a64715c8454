/**
 * The channel-message part of the Discord REST stand-in (see discord-api.ts):
 * `POST /channels/:id/messages` with Discord's per-channel bucket and its headers, scripted
 * faults per channel, the checks Discord makes on a message body, and nonce deduplication.
 */

/** What the stand-in answers: a status, an optional JSON body and extra headers. */
export interface StandInAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A scripted answer for a channel's message posts. */
export type ChannelFault =
  /** A 429 with `{ retry_after, global }`, Retry-After (whole seconds, as Discord sends it) and X-RateLimit-* headers. */
  | { kind: 'rateLimit'; retryAfter: number; global?: boolean }
  /** A 5xx (500 unless given) in Discord's error shape. */
  | { kind: 'serverError'; status?: number }
  /** Answers normally, but only after `ms` (longer than the client's timeout: the client gives up; the message is still created). */
  | { kind: 'delay'; ms: number }
  /** An error in Discord's shape, e.g. 403 `{ code: 50013, message: 'Missing Permissions' }`, 404 `{ code: 10003, ... }`. */
  | { kind: 'error'; status: number; code: number; message: string };

/** A message the stand-in created. */
export interface CreatedMessage {
  id: string;
  channelId: string;
  /** The request body as posted. */
  body: Record<string, unknown>;
  /** What the stand-in answered (Discord's message object). */
  message: Record<string, unknown>;
  at: number;
}

/** One 429 the stand-in sent. */
export interface TooManyRequests {
  at: number;
  path: string;
  scope: 'global' | 'user';
  /** Sent because a test scripted it, not because a limit was exceeded. */
  scripted: boolean;
}

/** Discord's limit on messages per channel (5 per 5 s at the time of writing). */
export interface BucketLimit {
  limit: number;
  windowMs: number;
}

/** Discord's message limits (characters are UTF-16 units). */
const LIMITS = {
  content: 2000,
  nonce: 25,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  embedTotal: 6000,
};
const BUCKET_HASH = 'stand-in-channel-messages';
export const RATE_LIMITED_MESSAGE = 'You are being rate limited.';

const secs = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

/** The body of a 429, with Retry-After in whole seconds as Discord sends it (the JSON keeps the exact value). */
export function tooManyRequestsAnswer(retryAfterSec: number, global: boolean, bucketHeaders: Record<string, string> = {}): StandInAnswer {
  const headers: Record<string, string> = {
    'retry-after': String(Math.max(1, Math.ceil(retryAfterSec))),
    'x-ratelimit-scope': global ? 'global' : 'user',
    ...bucketHeaders,
  };
  if (global) headers['x-ratelimit-global'] = 'true';
  return { status: 429, headers, body: { message: RATE_LIMITED_MESSAGE, retry_after: Math.round(retryAfterSec * 1000) / 1000, global } };
}

interface Embed {
  title?: string;
  description?: string;
  fields?: Array<{ name?: string; value?: string }>;
  footer?: { text?: string };
  author?: { name?: string };
}

/** Discord's 400 for a body it will not take (code 50035 with the field errors, or 50006 for an empty message). */
export function invalidBodyAnswer(body: Record<string, unknown>): StandInAnswer | null {
  const errors: Record<string, string> = {};
  const len = (v: unknown) => (typeof v === 'string' ? v.length : 0);
  if (len(body.content) > LIMITS.content) errors.content = `Must be ${LIMITS.content} or fewer in length.`;
  if (body.nonce !== undefined && String(body.nonce).length > LIMITS.nonce) errors.nonce = `Must be ${LIMITS.nonce} or fewer in length.`;
  const embeds = Array.isArray(body.embeds) ? (body.embeds as Embed[]) : [];
  if (embeds.length > LIMITS.embeds) errors.embeds = `Must be ${LIMITS.embeds} or fewer in length.`;
  embeds.forEach((e, i) => {
    const fields = e.fields ?? [];
    const checks: Array<[string, number, number]> = [
      ['title', len(e.title), LIMITS.title],
      ['description', len(e.description), LIMITS.description],
      ['fields', fields.length, LIMITS.fields],
      ['footer.text', len(e.footer?.text), LIMITS.footer],
      ['author.name', len(e.author?.name), LIMITS.author],
      ...fields.flatMap(
        (f, j): Array<[string, number, number]> => [
          [`fields.${j}.name`, len(f.name), LIMITS.fieldName],
          [`fields.${j}.value`, len(f.value), LIMITS.fieldValue],
        ],
      ),
    ];
    for (const [key, size, max] of checks) if (size > max) errors[`embeds.${i}.${key}`] = `Must be ${max} or fewer in length.`;
    fields.forEach((f, j) => {
      if (!len(f.name) || !len(f.value)) errors[`embeds.${i}.fields.${j}`] = 'This field is required';
    });
    const total =
      len(e.title) +
      len(e.description) +
      len(e.footer?.text) +
      len(e.author?.name) +
      fields.reduce((n, f) => n + len(f.name) + len(f.value), 0);
    if (total > LIMITS.embedTotal) errors[`embeds.${i}`] = `Embed size exceeds maximum size of ${LIMITS.embedTotal}`;
  });
  if (Object.keys(errors).length) {
    const nested = Object.fromEntries(
      Object.entries(errors).map(([k, message]) => [k, { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message }] }]),
    );
    return { status: 400, body: { code: 50035, message: 'Invalid Form Body', errors: nested } };
  }
  if (!len(body.content) && !embeds.length && !(Array.isArray(body.components) && body.components.length)) {
    return { status: 400, body: { code: 50006, message: 'Cannot send an empty message' } };
  }
  return null;
}

/**
 * Per-channel message buckets: a window opens at a channel's first post and closes `windowMs`
 * later; posts beyond `limit` in a window get a 429 (scope user). Every answer carries
 * X-RateLimit-Limit / -Remaining / -Reset / -Reset-After / -Bucket, as Discord's do.
 */
export function createChannelBuckets(limit: BucketLimit | null) {
  const windows = new Map<string, { start: number; count: number }>();
  const headersOf = (w: { start: number; count: number }, now: number): Record<string, string> =>
    limit
      ? {
          'x-ratelimit-limit': String(limit.limit),
          'x-ratelimit-remaining': String(Math.max(0, limit.limit - w.count)),
          'x-ratelimit-reset': secs(w.start + limit.windowMs),
          'x-ratelimit-reset-after': secs(w.start + limit.windowMs - now),
          'x-ratelimit-bucket': BUCKET_HASH,
        }
      : {};
  return {
    /** Counts a post; a 429 answer when the channel's bucket is empty, else the headers for the answer. */
    take(channelId: string, now: number): { refused: StandInAnswer | null; headers: Record<string, string> } {
      if (!limit) return { refused: null, headers: {} };
      let w = windows.get(channelId);
      if (!w || now >= w.start + limit.windowMs) windows.set(channelId, (w = { start: now, count: 0 }));
      if (w.count >= limit.limit) {
        const headers = headersOf(w, now);
        return { refused: tooManyRequestsAnswer((w.start + limit.windowMs - now) / 1000, false, headers), headers };
      }
      w.count++;
      return { refused: null, headers: headersOf(w, now) };
    },
    /** Headers of a bucket that a scripted 429 says is empty for `retryAfterSec`. */
    emptyFor(retryAfterSec: number, now: number): Record<string, string> {
      return {
        'x-ratelimit-limit': String(limit?.limit ?? 5),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': secs(now + retryAfterSec * 1000),
        'x-ratelimit-reset-after': secs(retryAfterSec * 1000),
        'x-ratelimit-bucket': BUCKET_HASH,
      };
    },
  };
}

/** Scripted faults per channel: each answers `times` posts in turn (Infinity: until cleared). */
export function createFaultScript() {
  const scripts = new Map<string, Array<{ fault: ChannelFault; left: number }>>();
  return {
    add(channelId: string, fault: ChannelFault, times: number) {
      const list = scripts.get(channelId) ?? [];
      list.push({ fault, left: times });
      scripts.set(channelId, list);
    },
    clear(channelId?: string) {
      if (channelId === undefined) scripts.clear();
      else scripts.delete(channelId);
    },
    /** The fault that answers this post, if any (used up one time). */
    take(channelId: string): ChannelFault | null {
      const list = scripts.get(channelId);
      const next = list?.[0];
      if (!list || !next) return null;
      if (--next.left <= 0) list.shift();
      return next.fault;
    },
  };
}
