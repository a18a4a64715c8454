/**
 * A loopback stand-in for Slack, for tests: the Web API methods ice-watch calls (Bolt's
 * `clientOptions.slackApiUrl` points at `apiUrl`), the response_url endpoints that slash
 * commands and buttons answer to, the file upload flow (files.getUploadURLExternal, the
 * upload URL, files.completeUploadExternal; an image block naming a file that was not
 * uploaded is refused, as Slack does), and a client that sends Bolt's receiver correctly (or
 * deliberately wrongly) signed requests. Records everything; never touches the internet.
 *
 * @example
 *   const slack = await startSlackApi();
 *   const app = createSlackApp({ ..., apiUrl: slack.apiUrl });
 *   const res = await slack.sendCommand(port, SECRET, { command: '/agreements', text: 'texas' });
 *   const [answer] = await slack.waitForResponses(1);
 *   await slack.close();
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  headers: IncomingHttpHeaders;
}

export interface ResponseUrlPost {
  /** The id in the response_url's path. */
  id: string;
  body: Record<string, any>;
}

export type ApiHandler = (params: Record<string, unknown>) => Record<string, unknown>;

/**
 * One file through Slack's upload flow (files.uploadV2 in the Node SDK):
 * files.getUploadURLExternal, a POST of the bytes to the upload URL, files.completeUploadExternal.
 */
export interface FileUpload {
  fileId: string;
  filename: string;
  /** The length announced to files.getUploadURLExternal. */
  length: number;
  altText: string | null;
  /** The bytes posted to the upload URL (null until they are). */
  data: Buffer | null;
  /** The form field the bytes came in, and the content type of the upload request. */
  field: string | null;
  contentType: string | null;
  /** Set by files.completeUploadExternal: the title, and the channel when it was shared in one. */
  completed: { title: string; channelId: string | null } | null;
}

/** How the stand-in answers one chat.postMessage. */
export type PostOutcome =
  /** Posted: the method's handler answers (by default `{ ok: true, channel, ts, message }`). */
  | { ok: true }
  /** A platform error, as Slack sends it: HTTP 200 with `{ ok: false, error }`. */
  | { error: string; extra?: Record<string, unknown> }
  /** Rate limited: HTTP 429 with `Retry-After: <seconds>`. */
  | { status: 429; retryAfter: number }
  /** Any other HTTP status (500, 503...) with a short text body. */
  | { status: number }
  /** Answers `then` (default: ok) only after `delayMs`, e.g. later than the client's timeout. */
  | { delayMs: number; then?: PostOutcome };

/** One chat.postMessage as the stand-in received and answered it. */
export interface PostedMessage {
  channel: string;
  /** The form body, with `blocks` and `attachments` decoded from their JSON; other values as sent (strings). */
  body: Record<string, unknown>;
  /**
   * `ok`, the platform error code, or `HTTP <status>`; empty until answered. A late `ok`
   * counts even when the client had already hung up: Slack would have posted the message.
   */
  answer: string;
}

export interface SlackStandIn {
  /** `http://127.0.0.1:<port>/api/`, for SLACK_API_URL. */
  apiUrl: string;
  calls: ApiCall[];
  callsTo(method: string): ApiCall[];
  /** Every file upload started, in order: what each step of the upload flow received. */
  uploads: FileUpload[];
  /** Replaces the answer of one Web API method (JSON; `ok` is the handler's to set). */
  on(method: string, handler: ApiHandler): void;
  /** Every chat.postMessage received, in order, with what it was answered. */
  posts: PostedMessage[];
  /** The posts to a channel (or to all) that were answered ok: the messages Slack would show. */
  delivered(channel?: string): PostedMessage[];
  /**
   * Scripts chat.postMessage for one channel: each post takes the next outcome, and the last
   * one repeats (a deleted channel stays deleted). No outcomes: back to the handler's answer.
   */
  scriptPosts(channel: string, ...outcomes: PostOutcome[]): void;
  /** A fresh response_url on this stand-in. */
  responseUrl(id?: string): string;
  responses: ResponseUrlPost[];
  /** Resolves once `count` response_url posts have arrived (all of them, in order). */
  waitForResponses(count: number, timeoutMs?: number): Promise<ResponseUrlPost[]>;
  /** Resolves with the first post to the response_url with this id. */
  waitForResponse(id: string, timeoutMs?: number): Promise<ResponseUrlPost>;
  /** Sends a slash command to Bolt's receiver as Slack would (form body, v0 signature). */
  sendCommand(port: number, secret: string, fields: Record<string, string>, opts?: SignOptions): Promise<Response>;
  /** Sends a block_actions payload (a button click) to the receiver. */
  sendAction(port: number, secret: string, payload: Record<string, unknown>, opts?: SignOptions): Promise<Response>;
  close(): Promise<void>;
}

export interface SignOptions {
  /** Seconds since the epoch to sign and send (default: now). */
  timestamp?: number;
  /** Overrides the computed signature. */
  signature?: string;
}

/** Slack's v0 request signature: `v0=` + HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret. */
export function signSlackRequest(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

const DEFAULTS: Record<string, ApiHandler> = {
  'auth.test': () => ({
    ok: true,
    url: 'https://test.slack.com/',
    team: 'Test',
    user: 'ice-watch',
    team_id: 'T0TEST',
    user_id: 'U0BOT',
    bot_id: 'B0BOT',
  }),
  'conversations.info': (p) => ({
    ok: true,
    channel: { id: p.channel, name: 'alerts', is_channel: true, is_member: true, is_archived: false },
  }),
  'users.info': (p) => ({ ok: true, user: { id: p.user, name: 'someone', is_admin: false, is_owner: false, is_primary_owner: false } }),
  'chat.postMessage': (p) => ({ ok: true, channel: p.channel, ts: `${Date.now() / 1000}`, message: { text: p.text } }),
};

/** chat.postMessage's form body as a test reads it: blocks and attachments decoded. */
function decodePostBody(params: Record<string, unknown>): Record<string, unknown> {
  const body = { ...params };
  for (const key of ['blocks', 'attachments']) if (typeof body[key] === 'string') body[key] = JSON.parse(body[key] as string);
  return body;
}

/** The slack_file ids of a message's image blocks. */
function imageFileIds(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return [];
  return blocks.flatMap((b: any) => (b?.type === 'image' && b.slack_file?.id ? [String(b.slack_file.id)] : []));
}

function parseBody(raw: string, type: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (type?.includes('application/json')) return JSON.parse(raw);
  return Object.fromEntries(new URLSearchParams(raw));
}

export async function startSlackApi(): Promise<SlackStandIn> {
  const calls: ApiCall[] = [];
  const responses: ResponseUrlPost[] = [];
  const handlers = new Map<string, ApiHandler>(Object.entries(DEFAULTS));
  const waiters: Array<() => void> = [];
  const sockets = new Set<Socket>();
  const posts: PostedMessage[] = [];
  const scripts = new Map<string, PostOutcome[]>();
  const timers = new Set<NodeJS.Timeout>();
  const uploads: FileUpload[] = [];
  let nextId = 1;
  let origin = '';

  /** Like Slack: an image block may show only a file whose upload was completed. */
  const unknownImages = (blocks: unknown) => imageFileIds(blocks).filter((id) => !uploads.some((u) => u.fileId === id && u.completed));

  handlers.set('files.getUploadURLExternal', (p) => {
    const length = Number(p.length);
    if (!p.filename || !Number.isInteger(length) || length <= 0) return { ok: false, error: 'invalid_arguments' };
    const fileId = `F0UPLOAD${uploads.length + 1}`;
    uploads.push({
      fileId,
      filename: String(p.filename),
      length,
      altText: p.alt_text === undefined ? null : String(p.alt_text),
      data: null,
      field: null,
      contentType: null,
      completed: null,
    });
    return { ok: true, upload_url: `${origin}/upload/${fileId}`, file_id: fileId };
  });
  handlers.set('files.completeUploadExternal', (p) => {
    const files = (typeof p.files === 'string' ? JSON.parse(p.files) : p.files) as Array<{ id: string; title?: string }>;
    const found = files.map((f) => uploads.find((u) => u.fileId === f.id && u.data !== null));
    if (found.some((u) => !u)) return { ok: false, error: 'file_not_found' };
    for (const [i, f] of files.entries())
      found[i]!.completed = { title: f.title ?? found[i]!.filename, channelId: p.channel_id ? String(p.channel_id) : null };
    return {
      ok: true,
      files: files.map((f, i) => ({ id: f.id, title: found[i]!.completed!.title, name: found[i]!.filename, mimetype: 'image/png' })),
    };
  });

  /** The bytes posted to an upload URL: the first file part of the multipart body (the SDK's field is `body`), else the raw body. */
  async function receiveUpload(fileId: string, raw: Buffer, type: string, res: ServerResponse) {
    const upload = uploads.find((u) => u.fileId === fileId);
    if (!upload) return void res.writeHead(404).end();
    let data = raw;
    let field: string | null = null;
    if (type.includes('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
      for (const [name, value] of form.entries()) {
        if (typeof value !== 'string') {
          data = Buffer.from(await value.arrayBuffer());
          field = name;
          break;
        }
      }
    }
    Object.assign(upload, { data, field, contentType: type });
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${data.length}`);
  }

  function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  }

  function answerPost(params: Record<string, unknown>, res: ServerResponse, outcome: PostOutcome | undefined, post: PostedMessage) {
    if (outcome && 'delayMs' in outcome) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        answerPost(params, res, outcome.then, post);
      }, outcome.delayMs);
      timers.add(timer);
      return;
    }
    if (!outcome || 'ok' in outcome) {
      const answer = (handlers.get('chat.postMessage') ?? DEFAULTS['chat.postMessage'])(params);
      post.answer = answer.ok ? 'ok' : String(answer.error);
      json(res, 200, answer);
    } else if ('error' in outcome) {
      post.answer = outcome.error;
      json(res, 200, { ok: false, error: outcome.error, ...outcome.extra });
    } else if ('retryAfter' in outcome) {
      post.answer = 'HTTP 429';
      json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(outcome.retryAfter) });
    } else {
      post.answer = `HTTP ${outcome.status}`;
      if (!res.destroyed) res.writeHead(outcome.status, { 'content-type': 'text/plain' }).end('stand-in failure');
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path.startsWith('/upload/')) {
        void receiveUpload(path.slice('/upload/'.length), Buffer.concat(chunks), String(req.headers['content-type'] ?? ''), res).catch(() =>
          res.writeHead(400).end(),
        );
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = parseBody(raw, req.headers['content-type']);
      if (path.startsWith('/api/')) {
        const method = path.slice('/api/'.length);
        calls.push({ method, params: body, headers: req.headers });
        if (method === 'chat.postMessage') {
          const channel = String(body.channel ?? '');
          const script = scripts.get(channel);
          const outcome = script && (script.length > 1 ? script.shift() : script[0]);
          const post: PostedMessage = { channel, body: decodePostBody(body), answer: '' };
          posts.push(post);
          const missing = unknownImages(post.body.blocks);
          answerPost(
            body,
            res,
            missing.length ? { error: 'invalid_blocks', extra: { errors: [`unknown slack_file ${missing.join(', ')}`] } } : outcome,
            post,
          );
          return;
        }
        const handler = handlers.get(method);
        const answer = handler ? handler(body) : { ok: false, error: 'unknown_method' };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        return;
      }
      if (path.startsWith('/response/')) {
        if (unknownImages(body.blocks).length) {
          // Slack refuses the whole message; nothing is posted.
          res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_blocks');
          return;
        }
        responses.push({ id: path.slice('/response/'.length), body });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        for (const w of waiters.splice(0)) w();
        return;
      }
      res.writeHead(404).end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function waitUntil<T>(found: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`waited ${timeoutMs} ms for ${what}; got ${responses.length} posts`)), timeoutMs);
      const check = () => {
        const value = found();
        if (value === undefined) waiters.push(check);
        else {
          clearTimeout(timer);
          resolve(value);
        }
      };
      check();
    });
  }

  async function post(port: number, secret: string, body: string, opts: SignOptions = {}): Promise<Response> {
    const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
    return fetch(`http://127.0.0.1:${port}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': opts.signature ?? signSlackRequest(secret, ts, body),
      },
      body,
    });
  }

  return {
    apiUrl: `${origin}/api/`,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    on: (method, handler) => void handlers.set(method, handler),
    posts,
    uploads,
    delivered: (channel) => posts.filter((p) => p.answer === 'ok' && (channel === undefined || p.channel === channel)),
    scriptPosts(channel, ...outcomes) {
      if (outcomes.length) scripts.set(channel, [...outcomes]);
      else scripts.delete(channel);
    },
    responseUrl: (id) => `${origin}/response/${id ?? `r${nextId++}`}`,
    responses,
    waitForResponses: (count, timeoutMs) =>
      waitUntil(() => (responses.length >= count ? responses.slice(0, count) : undefined), `${count} response_url posts`, timeoutMs),
    waitForResponse: (id, timeoutMs) => waitUntil(() => responses.find((r) => r.id === id), `a post to response_url ${id}`, timeoutMs),
    sendCommand: (port, secret, fields, opts) => post(port, secret, new URLSearchParams(fields).toString(), opts),
    sendAction: (port, secret, payload, opts) =>
      post(port, secret, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), opts),
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
