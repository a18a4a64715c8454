import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stateByCode } from '../../domain/states';
import type { Logger } from '../../logging/logger';
import { type OpsRoute, paramsOf } from '../../observability/http-server';
import type { EventLog } from '../../store/event-log';
import { ATOM_CONTENT_TYPE, renderAtom } from './atom';
import { httpDate, notModified } from '../conditional-get';
import { type FeedContext, type FeedRequest, feedDocument, feedEntry, filterQuery } from './feed-document';
import { FeedRequestError, parseFeedRequest } from './feed-request';
import { JSON_FEED_CONTENT_TYPE, renderJsonFeed } from './json-feed';

export const FEED_PATH = '/feeds/:file';
/** Entries per feed: readers poll, so a few weeks of news is plenty and the answer stays small. */
export const FEED_ENTRIES = 50;
/** Readers and proxies may reuse a feed this long (the bot polls ICE every 15 minutes). */
const CACHE_CONTROL = 'public, max-age=300';
/** Feeds kept rendered, by ETag: a poll changes the log every 15 minutes at most, readers ask far more often. */
const RENDERED_FEEDS = 64;
/** Bumped when the feeds' layout changes, so that readers holding an old ETag get the new one. */
const LAYOUT_VERSION = '1';

export interface FeedRoutesDeps {
  events: EventLog;
  logger: Logger;
  /** PUBLIC_URL (no trailing slash); unset: the request's Host header. */
  publicUrl?: string;
  ice287gPageUrl: string;
  iceDetentionPageUrl: string;
}

/**
 * The base of absolute links: PUBLIC_URL, else <scheme>://<Host>, the scheme `https` only when a proxy says so
 * (X-Forwarded-Proto, its first value; anything but http or https is ignored). A Host that is not a host name is not echoed.
 */
export function baseUrlOf(req: IncomingMessage, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl;
  const host = req.headers.host ?? '';
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]!
    .trim()
    .toLowerCase();
  const scheme = forwarded === 'https' ? 'https' : 'http';
  return `${scheme}://${/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) ? host : 'localhost'}`;
}

const text = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) =>
  void res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(`${body}\n`);

/**
 * `/feeds/<state>.atom`, `/feeds/<state>.json`, `/feeds/all.atom`, `/feeds/all.json`, served
 * from the event log: the validators first (one cheap query), the entries only when the reader's
 * copy is out of date. A store that does not answer is a 503, logged; the process goes on.
 */
export function createFeedRoutes(deps: FeedRoutesDeps): OpsRoute[] {
  const log = deps.logger.child({ component: 'feeds' });
  // The ETag names everything a body is made of (format, filter, base URL, the log's last change), so a body
  // rendered for an ETag is the body for it until the log changes; the oldest goes first past the bound.
  const rendered = new Map<string, string>();
  const keep = (etag: string, body: string) => {
    if (rendered.size >= RENDERED_FEEDS) rendered.delete(rendered.keys().next().value as string);
    rendered.set(etag, body);
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let request: FeedRequest;
    try {
      request = parseFeedRequest(paramsOf(req).file ?? '', new URL(req.url ?? '/', 'http://feeds').searchParams);
    } catch (err) {
      if (err instanceof FeedRequestError) return text(res, err.status, err.message);
      throw err;
    }
    const context: FeedContext = {
      baseUrl: baseUrlOf(req, deps.publicUrl),
      ice287gPageUrl: deps.ice287gPageUrl,
      iceDetentionPageUrl: deps.iceDetentionPageUrl,
    };
    // The validators are the state's (or the whole log's), whatever the filter: one indexed count, so a 304 stays
    // cheap however rare the kinds asked for. A filtered feed may then answer 200 for an alert it does not show.
    const change = await deps.events.lastChange({ stateCode: request.filter.stateCode, kinds: null, models: null });
    const etag = `W/"${createHash('sha256')
      .update(
        [
          LAYOUT_VERSION,
          request.format,
          request.filter.stateCode,
          filterQuery(request.filter),
          context.baseUrl,
          change.count,
          change.lastPublishedAt,
        ].join('\n'),
      )
      .digest('base64url')
      .slice(0, 27)}"`;
    const headers: Record<string, string> = { etag, 'cache-control': CACHE_CONTROL };
    if (change.lastPublishedAt) headers['last-modified'] = httpDate(change.lastPublishedAt);
    if (notModified(req, etag, change.lastPublishedAt)) return void res.writeHead(304, headers).end();
    let body = rendered.get(etag);
    if (body === undefined) {
      const logged = change.count ? await deps.events.latest(request.filter, FEED_ENTRIES) : [];
      const entries = logged.map((e) => feedEntry(e, request, context, stateByCode));
      const doc = feedDocument(request, entries, logged[0]?.publishedAt ?? null, context);
      body = request.format === 'atom' ? renderAtom(doc) : renderJsonFeed(doc);
      keep(etag, body);
    }
    res.writeHead(200, {
      ...headers,
      'content-type': request.format === 'atom' ? ATOM_CONTENT_TYPE : JSON_FEED_CONTENT_TYPE,
      'content-length': String(Buffer.byteLength(body)),
    });
    res.end(body);
  }

  return [
    {
      path: FEED_PATH,
      method: ['GET'],
      handler: (req, res) => {
        serve(req, res).catch((err: unknown) => {
          log.error({ err, url: req.url }, 'feed failed');
          if (!res.headersSent)
            text(res, 503, 'The feed is not available right now: its store did not answer. Try again in a few minutes.', {
              'retry-after': '60',
            });
          else res.destroy();
        });
      },
    },
  ];
}
