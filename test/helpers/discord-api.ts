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
 * @example
 *   const api = await startDiscordApi();
 *   const client = new Client({ intents: [], rest: { api: api.apiUrl } });
 *   // ... feed a raw interaction, then:
 *   expect(api.callbacks()[0].body).toEqual({ type: 4, data: { ... } });
 *   await api.close();
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedDiscordRequest {
  method: string;
  /** Path below the version, segments decoded, e.g. `/webhooks/1/tok/messages/@original`. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
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
  close(): Promise<void>;
}

const VERSION_PREFIX = /^\/api\/v\d+/;
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

export interface DiscordApiOptions {
  /** Bot tokens it accepts on authenticated routes (default: any); others get Discord's 401. */
  acceptTokens?: string[];
}

export async function startDiscordApi(options: DiscordApiOptions = {}): Promise<DiscordApi> {
  const acceptedTokens = options.acceptTokens ? new Set(options.acceptTokens) : null;
  const requests: RecordedDiscordRequest[] = [];
  const commands = new Map<string, unknown[]>();
  const waiters = new Set<() => void>();
  let origin = '';

  const send = (res: ServerResponse, status: number, body?: unknown) => {
    if (body === undefined) {
      res.writeHead(status).end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  function answer(req: RecordedDiscordRequest, res: ServerResponse) {
    const { method, path } = req;
    const body = (req.body ?? {}) as Record<string, unknown>;
    let m: RegExpExecArray | null;
    const auth = req.headers.authorization;
    if (acceptedTokens && auth && !acceptedTokens.has(auth.replace(/^Bot /, ''))) return send(res, 401, { message: '401: Unauthorized', code: 0 });
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
        url: origin.replace(/^http/, 'ws'),
        shards: 1,
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
      });
    }
    return send(res, 404, { message: '404: Not Found', code: 0 });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text || undefined;
      if (text && String(req.headers['content-type']).includes('application/json')) body = JSON.parse(text);
      const recorded: RecordedDiscordRequest = {
        method: req.method ?? 'GET',
        path: url.pathname.replace(VERSION_PREFIX, '').split('/').map(decodeURIComponent).join('/'),
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
      };
      requests.push(recorded);
      answer(recorded, res);
      for (const wake of [...waiters]) wake();
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
          reject(new Error(`no ${count} ${method} ${path} within ${timeoutMs} ms; got ${requests.map((r) => `${r.method} ${r.path}`).join(', ') || 'nothing'}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    registered: (appId, guildId) => commands.get(`${appId}|${guildId ?? ''}`),
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
