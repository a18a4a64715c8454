/**
 * A loopback stand-in for Discord's REST API, for tests that drive discord.js's own code
 * (STYLE rule 9): point a Client or REST at `api.apiUrl` (`rest: { api }`; discord.js adds
 * `/v10`). It records every request (method, path, query, JSON body, headers) and answers
 * the routes the bot uses: interaction callbacks, the interaction webhook (edit, delete,
 * follow-up, fetch of the original response), bulk overwrite of commands (global and guild)
 * and `GET /gateway/bot`. Anything else is a 404 in Discord's error shape. An interaction
 * whose token starts with `expired-` gets Discord's "Unknown interaction" (10062), as after
 * its 3 s; with `acceptTokens`, other bot tokens get a 401.
 *
 * Channel messages (`POST /channels/:id/messages`, for alert senders) are created and kept
 * (`messages()`), with Discord's checks that matter to a sender: embed and content limits and
 * a nonce of at most 25 characters (400, code 50035, otherwise); with `enforce_nonce: true`
 * a second POST with the same nonce from the same bot token returns the first message
 * (recorded in `duplicates`). Each channel has Discord's message bucket (5 per 5 s by default)
 * and every response carries real `X-RateLimit-*` headers; `globalRateLimit` adds the token's
 * global limit (interaction routes are exempt, as on Discord); `faultChannel` scripts a
 * channel's answers (429, 5xx, a slow answer, 403/404 with a JSON error code). Every 429 sent
 * is in `tooManyRequests`.
 *
 * @example
 *   const api = await startDiscordApi();
 *   const client = new Client({ intents: [], rest: { api: api.apiUrl } });
 *   // ... feed a raw interaction, then:
 *   expect(api.callbacks()[0].body).toEqual({ type: 4, data: { ... } });
 *   await api.close();
 *
 * @example
 *   const api = await startDiscordApi({ globalRateLimit: { perSecond: 200 } });
 *   api.faultChannel(CHANNEL, { kind: 'error', status: 403, code: 50013, message: 'Missing Permissions' });
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createChannelBuckets,
  createFaultScript,
  invalidBodyAnswer,
  tooManyRequestsAnswer,
  type BucketLimit,
  type ChannelFault,
  type CreatedMessage,
  type StandInAnswer,
  type TooManyRequests,
} from './discord-channels';

export type { BucketLimit, ChannelFault, CreatedMessage, TooManyRequests } from './discord-channels';

export interface RecordedDiscordRequest {
  method: string;
  /** Path below the version, segments decoded, e.g. `/webhooks/1/tok/messages/@original`. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** JSON bodies parsed; for multipart/form-data (a message with files), its `payload_json` parsed. */
  body: unknown;
  /** The files of a multipart/form-data request (`files[0]`, ...), in order; empty for JSON requests. */
  files: RecordedFile[];
}

/** One file part of a multipart request, as discord.js sends attachments. */
export interface RecordedFile {
  /** The form field, e.g. `files[0]`. */
  field: string;
  name: string;
  contentType: string;
  data: Buffer;
}

/** Reads a request body: JSON, or multipart/form-data with `payload_json` and file parts (decoded by undici's own FormData parser). */
async function readBody(raw: Buffer, contentType: string): Promise<{ body: unknown; files: RecordedFile[] }> {
  if (!raw.length) return { body: undefined, files: [] };
  if (contentType.includes('application/json')) return { body: JSON.parse(raw.toString('utf8')), files: [] };
  if (!contentType.includes('multipart/form-data')) return { body: raw.toString('utf8'), files: [] };
  const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  const files: RecordedFile[] = [];
  let body: unknown;
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') {
      if (field === 'payload_json') body = JSON.parse(value);
    } else {
      files.push({ field, name: value.name, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) });
    }
  }
  return { body, files };
}

export interface DiscordApi {
  /** `http://127.0.0.1:<port>/api`: what DISCORD_API_URL / `rest.api` takes. */
  apiUrl: string;
  origin: string;
  requests: RecordedDiscordRequest[];
  /** Requests with this method whose path matches. */
  requestsTo(method: string, path: RegExp | string): RecordedDiscordRequest[];
  /** `POST /interactions/:id/:token/callback` requests, in order. */
  callbacks(): RecordedDiscordRequest[];
  /** Resolves once `count` requests match (for handlers that run detached, like a client's event). */
  waitFor(method: string, path: RegExp | string, count?: number, timeoutMs?: number): Promise<RecordedDiscordRequest[]>;
  /** The commands last registered, globally (no guild) or in a guild. */
  registered(appId: string, guildId?: string): unknown[] | undefined;
  /** Messages created by `POST /channels/:id/messages` (in one channel, or all), in order; nonce duplicates are not new messages. */
  messages(channelId?: string): CreatedMessage[];
  /** Posts answered with an earlier message because their nonce was seen before with `enforce_nonce: true`. */
  duplicates: RecordedDiscordRequest[];
  /** Every 429 sent, global limit, channel buckets and scripted ones alike. */
  tooManyRequests: TooManyRequests[];
  /** The global limit's windows so far (start in ms since the epoch, requests let through). */
  globalWindows: Array<{ start: number; count: number }>;
  /** Scripts a channel's next message posts: `fault` answers `times` of them (default: every one until clearFaults). */
  faultChannel(channelId: string, fault: ChannelFault, times?: number): void;
  clearFaults(channelId?: string): void;
  /**
   * What a GET of `path` answers (status 200 unless given), for the read routes `ice-watch doctor`
   * uses: `/channels/:id`, `/guilds/:id`, `/guilds/:id/members/:user`. `GET /users/@me` answers the
   * stand-in's bot user by default.
   */
  setResource(path: string, body: unknown, status?: number): void;
  close(): Promise<void>;
}

const VERSION_PREFIX = /^\/api\/v\d+/;
/** The bot user the stand-in posts channel messages as. */
export const STAND_IN_BOT_ID = '1300000000000000001';
/** Routes that Discord exempts from the global rate limit. */
const GLOBAL_LIMIT_EXEMPT = /^\/(interactions|webhooks)\//;
let nextId = 1_300_000_000_000_000_000n;
const snowflake = () => String(nextId++);

function fakeMessage(appId: string, body: Record<string, unknown>, id = snowflake()) {
  return {
    id,
    channel_id: '0',
    type: 0,
    content: body.content ?? '',
    embeds: body.embeds ?? [],
    components: body.components ?? [],
    attachments: [],
    author: { id: appId, username: 'ice-watch', discriminator: '0000', global_name: null, avatar: null, bot: true },
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    pinned: false,
    flags: body.flags ?? 0,
    webhook_id: appId,
    application_id: appId,
  };
}

function channelMessage(channelId: string, body: Record<string, unknown>): Record<string, unknown> {
  const { webhook_id: _webhook, ...message } = fakeMessage(STAND_IN_BOT_ID, body);
  return { ...message, channel_id: channelId, nonce: body.nonce ?? null };
}

export interface DiscordApiOptions {
  /** Bot tokens it accepts on authenticated routes (default: any); others get Discord's 401. */
  acceptTokens?: string[];
  /**
   * The token's global limit: at most `perSecond` requests in a 1 s window, a window opening
   * at the first request after the last one closed; beyond it a 429 with `X-RateLimit-Global`,
   * `X-RateLimit-Scope: global` and Retry-After. Unset: no global limit.
   */
  globalRateLimit?: { perSecond: number };
  /** Each channel's message bucket (default Discord's 5 per 5 s); null: unlimited and no X-RateLimit-* headers. */
  channelBucket?: BucketLimit | null;
  /**
   * What `GET /gateway/bot` answers: the gateway's URL (default: this server's origin as ws://,
   * where nothing listens; a gateway stand-in gives its own), the recommended shard count
   * (default 1) and max_concurrency (default 1).
   */
  gateway?: { url?: string; shards?: number; maxConcurrency?: number };
}

export async function startDiscordApi(options: DiscordApiOptions = {}): Promise<DiscordApi> {
  const acceptedTokens = options.acceptTokens ? new Set(options.acceptTokens) : null;
  const requests: RecordedDiscordRequest[] = [];
  const commands = new Map<string, unknown[]>();
  const waiters = new Set<() => void>();
  const created: CreatedMessage[] = [];
  const byNonce = new Map<string, Record<string, unknown>>();
  const duplicates: RecordedDiscordRequest[] = [];
  const tooManyRequests: TooManyRequests[] = [];
  const buckets = createChannelBuckets(options.channelBucket === undefined ? { limit: 5, windowMs: 5000 } : options.channelBucket);
  const faults = createFaultScript();
  const timers = new Set<NodeJS.Timeout>();
  let globalWindow = { start: 0, count: 0 };
  const globalWindows: Array<{ start: number; count: number }> = [];
  let origin = '';

  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    if (res.destroyed) return;
    if (body === undefined) {
      res.writeHead(status, headers).end();
      return;
    }
    res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const reply = (res: ServerResponse, a: StandInAnswer) => send(res, a.status, a.body, a.headers);
  const refuse = (path: string, a: StandInAnswer, scripted: boolean): StandInAnswer => {
    tooManyRequests.push({ at: Date.now(), path, scope: a.headers?.['x-ratelimit-global'] ? 'global' : 'user', scripted });
    return a;
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  /** The global limit's answer for a request, or null when it is within the limit. */
  function globalLimit(path: string, now: number): StandInAnswer | null {
    const limit = options.globalRateLimit;
    if (!limit || GLOBAL_LIMIT_EXEMPT.test(path)) return null;
    if (now >= globalWindow.start + 1000) globalWindows.push((globalWindow = { start: now, count: 0 }));
    if (globalWindow.count < limit.perSecond) {
      globalWindow.count++;
      return null;
    }
    return refuse(path, tooManyRequestsAnswer((globalWindow.start + 1000 - now) / 1000, true), false);
  }

  /** `POST /channels/:id/messages`: bucket, scripted fault, Discord's checks, nonce dedupe, then a new message. */
  async function postMessage(req: RecordedDiscordRequest, channelId: string): Promise<StandInAnswer> {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const taken = buckets.take(channelId, Date.now());
    if (taken.refused) return refuse(req.path, taken.refused, false);
    const fault = faults.take(channelId);
    if (fault?.kind === 'rateLimit') {
      const bucket = fault.global ? {} : buckets.emptyFor(fault.retryAfter, Date.now());
      return refuse(req.path, tooManyRequestsAnswer(fault.retryAfter, fault.global ?? false, bucket), true);
    }
    if (fault?.kind === 'serverError') {
      const status = fault.status ?? 500;
      return { status, body: { message: `${status}: Internal Server Error`, code: 0 } };
    }
    if (fault?.kind === 'error')
      return { status: fault.status, headers: taken.headers, body: { message: fault.message, code: fault.code } };
    if (fault?.kind === 'delay') await sleep(fault.ms);
    const invalid = invalidBodyAnswer(body);
    if (invalid) return { ...invalid, headers: taken.headers };
    const nonceKey =
      body.enforce_nonce === true && body.nonce !== undefined ? `${req.headers.authorization ?? ''}|${String(body.nonce)}` : null;
    const earlier = nonceKey ? byNonce.get(nonceKey) : undefined;
    if (earlier) {
      duplicates.push(req);
      return { status: 200, headers: taken.headers, body: earlier };
    }
    const message = channelMessage(channelId, body);
    if (nonceKey) byNonce.set(nonceKey, message);
    created.push({ id: String(message.id), channelId, body, message, at: Date.now() });
    return { status: 200, headers: taken.headers, body: message };
  }

  const resources = new Map<string, { status: number; body: unknown }>();

  async function answer(req: RecordedDiscordRequest, res: ServerResponse) {
    const { method, path } = req;
    const body = (req.body ?? {}) as Record<string, unknown>;
    let m: RegExpExecArray | null;
    const auth = req.headers.authorization;
    if (acceptedTokens && auth && !acceptedTokens.has(auth.replace(/^Bot /, '')))
      return send(res, 401, { message: '401: Unauthorized', code: 0 });
    const overGlobal = globalLimit(path, Date.now());
    if (overGlobal) return reply(res, overGlobal);
    if (method === 'POST' && (m = /^\/channels\/([^/]+)\/messages$/.exec(path))) return reply(res, await postMessage(req, m[1]));
    if (/^\/(interactions\/[^/]+|webhooks\/[^/]+)\/expired-/.test(path)) {
      // Discord's answer once an interaction's 3 s (or its token's 15 min) have passed.
      return send(res, 404, { message: 'Unknown interaction', code: 10062 });
    }
    if (method === 'POST' && /^\/interactions\/[^/]+\/[^/]+\/callback$/.test(path)) {
      return req.query.with_response === 'true' ? send(res, 200, { interaction: { id: path.split('/')[2], type: 2 } }) : send(res, 204);
    }
    if ((m = /^\/webhooks\/([^/]+)\/([^/]+)\/messages\/([^/]+)$/.exec(path))) {
      if (method === 'PATCH' || method === 'GET') return send(res, 200, fakeMessage(m[1], body, m[3] === '@original' ? undefined : m[3]));
      if (method === 'DELETE') return send(res, 204);
    }
    if (method === 'POST' && (m = /^\/webhooks\/([^/]+)\/([^/]+)$/.exec(path))) return send(res, 200, fakeMessage(m[1], body));
    if ((m = /^\/applications\/([^/]+)(?:\/guilds\/([^/]+))?\/commands$/.exec(path))) {
      const key = `${m[1]}|${m[2] ?? ''}`;
      if (method === 'PUT') {
        const list = (Array.isArray(req.body) ? req.body : []).map((c: Record<string, unknown>) => ({
          ...c,
          id: snowflake(),
          application_id: m![1],
          version: snowflake(),
          ...(m![2] ? { guild_id: m![2] } : {}),
        }));
        commands.set(key, list);
        return send(res, 200, list);
      }
      if (method === 'GET') return send(res, 200, commands.get(key) ?? []);
    }
    if (method === 'GET' && path === '/gateway/bot') {
      return send(res, 200, {
        url: options.gateway?.url ?? origin.replace(/^http/, 'ws'),
        shards: options.gateway?.shards ?? 1,
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: options.gateway?.maxConcurrency ?? 1 },
      });
    }
    const resource = method === 'GET' ? resources.get(path) : undefined;
    if (resource) return send(res, resource.status, resource.body);
    if (method === 'GET' && path === '/users/@me')
      return send(res, 200, {
        id: STAND_IN_BOT_ID,
        username: 'ice-watch',
        discriminator: '0000',
        global_name: null,
        avatar: null,
        bot: true,
      });
    return send(res, 404, { message: '404: Not Found', code: 0 });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      void readBody(Buffer.concat(chunks), String(req.headers['content-type'] ?? ''))
        .then(({ body, files }) => {
          const recorded: RecordedDiscordRequest = {
            method: req.method ?? 'GET',
            path: url.pathname.replace(VERSION_PREFIX, '').split('/').map(decodeURIComponent).join('/'),
            query: Object.fromEntries(url.searchParams),
            headers: req.headers,
            body,
            files,
          };
          requests.push(recorded);
          void answer(recorded, res).catch((err: unknown) => send(res, 500, { message: `stand-in failed: ${String(err)}`, code: 0 }));
          for (const wake of [...waiters]) wake();
        })
        .catch((err: unknown) => send(res, 400, { message: `stand-in could not read the body: ${String(err)}`, code: 50109 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const matches = (r: RecordedDiscordRequest, method: string, path: RegExp | string) =>
    r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path));
  const requestsTo = (method: string, path: RegExp | string) => requests.filter((r) => matches(r, method, path));

  return {
    apiUrl: `${origin}/api`,
    origin,
    requests,
    requestsTo,
    callbacks: () => requestsTo('POST', /^\/interactions\/[^/]+\/[^/]+\/callback$/),
    waitFor(method, path, count = 1, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = requestsTo(method, path);
          if (found.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `no ${count} ${method} ${path} within ${timeoutMs} ms; got ${requests.map((r) => `${r.method} ${r.path}`).join(', ') || 'nothing'}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    registered: (appId, guildId) => commands.get(`${appId}|${guildId ?? ''}`),
    messages: (channelId) => (channelId === undefined ? [...created] : created.filter((c) => c.channelId === channelId)),
    duplicates,
    tooManyRequests,
    globalWindows,
    faultChannel: (channelId, fault, times = Infinity) => faults.add(channelId, fault, times),
    clearFaults: (channelId) => faults.clear(channelId),
    setResource: (path, body, status = 200) => void resources.set(path, { status, body }),
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
