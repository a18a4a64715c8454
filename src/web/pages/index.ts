/**
 * The state pages on the bot's HTTP server: `/states` (every state), `/states/<state>` (one state's
 * page, no script) and `/states/<state>/chart.png` (its chart). A state is named as in chat ("texas",
 * "TX", "Texs"); anything but the canonical slug moves there. A store that fails answers 503, logged.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { summarizeAgreements, type NationalSummary } from '../../domain/agreements/state-summary';
import { UserError } from '../../domain/user-error';
import { renderChartWithin } from '../../charts/render-chart';
import type { Logger } from '../../logging/logger';
import { sourceFooter } from '../../messages/format';
import { type OpsRoute, paramsOf } from '../../observability/http-server';
import { notModified } from '../conditional-get';
import { lookUpState } from '../state-slug';
import { createChartRenders, type DrawChart } from './chart-renders';
import { html } from './html';
import { renderPage } from './layout';
import { parsePageFilter } from './page-filter';
import { createDetentionReads, loadStatePage, NothingStoredYetError, readStateAgreements, type StatePageReads } from './state-page-data';
import { renderStatePage } from './state-page';
import { renderStateIndex } from './state-index';

export type { LatestEvents } from './state-page-data';

export interface StatePagesDeps extends StatePageReads {
  logger: Logger;
  /** PUBLIC_URL (no trailing slash): its path starts every link and redirect (`/ice-watch/states/texas`). */
  publicUrl?: string;
  /** Draws a chart (renderChartWithin by default; a test's stand-in). */
  drawChart?: DrawChart;
}

/** Pages may be kept this long by browsers and proxies (a poll runs every 15 minutes at most). */
const PAGE_MAX_AGE_S = 60;
/** A chart changes only with the list: kept longer. */
const CHART_MAX_AGE_S = 300;
/** Charts drawn recently, by what they show (a PNG is ~50-100 KB). */
const CHART_CACHE = 32;
/** Chart renders that may wait behind the one running; more are told to come back (503). */
const CHART_WAITING = 4;
/** A page waits this long for its picture; a reader's browser waits anyway, a chat does not. */
const CHART_DEADLINE_MS = 5_000;

/** The query string of a request (`?model=TFM`, or ''), read without parsing the whole target (which may be no URL). */
const searchOf = (req: IncomingMessage): string => {
  const url = req.url ?? '';
  const at = url.indexOf('?');
  return at < 0 || at === url.length - 1 ? '' : url.slice(at);
};

export function createStatePageRoutes(deps: StatePagesDeps): OpsRoute[] {
  const log = deps.logger.child({ component: 'state-pages' });
  const base = deps.publicUrl ? new URL(deps.publicUrl).pathname.replace(/\/+$/, '') : '';
  const detention = deps.totals ? createDetentionReads(deps.totals) : null;
  const charts = createChartRenders({
    draw: deps.drawChart ?? (async (spec, l) => (await renderChartWithin(spec, l, CHART_DEADLINE_MS))?.png ?? null),
    log,
    keep: CHART_CACHE,
    waiting: CHART_WAITING,
  });

  /** Serves `answer`, and turns a failure into the short page a reader can act on. */
  const serve = (res: ServerResponse, what: string, answer: () => Promise<void>) => {
    answer().catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (err instanceof UserError) return sendHtml(res, 400, messagePage(base, 'Not a valid filter', err.message));
      if (err instanceof NothingStoredYetError) {
        const page = messagePage(base, 'Nothing to show yet', `${err.message} Try again after the first poll.`);
        return sendHtml(res, 503, page, { 'retry-after': '300' });
      }
      log.error({ err, page: what }, 'a state page could not be read from the store');
      const page = messagePage(
        base,
        'Temporarily unavailable',
        'The data behind this page cannot be read right now. Try again in a minute.',
      );
      sendHtml(res, 503, page, { 'retry-after': '60' });
    });
  };
  /** The validators and cache headers of an answer, on its 200 and on its 304 alike (RFC 9110 section 15.4.5). */
  const answer = (req: IncomingMessage, res: ServerResponse, headers: Record<string, string>, send: () => void) => {
    // If-None-Match only: Last-Modified (the list's fetch) does not cover the events and detention a page shows.
    if (notModified(req, headers.etag!, null)) return void res.writeHead(304, headers).end();
    send();
  };
  /** The state named by the path, or the answer already sent (404, or a move to the canonical slug). */
  const stateOf = (req: IncomingMessage, res: ServerResponse, rest: string) => {
    const found = lookUpState(paramsOf(req).state ?? '');
    if (found.kind === 'unknown') return void sendHtml(res, 404, unknownStatePage(base, found.message));
    if (found.kind === 'redirect') return void redirect(res, `${base}/states/${found.slug}${rest}${searchOf(req)}`, found.permanent);
    return found;
  };

  return [
    {
      path: '/states',
      method: ['GET'],
      handler: (req, res) =>
        serve(res, '/states', async () => {
          const stored = await deps.snapshots.getState('participating');
          if (!stored) throw new NothingStoredYetError('No 287(g) list has been fetched yet.');
          const pending = await deps.snapshots.getState('pending');
          const etag = `"${stored.view.contentHash.slice(0, 20)}-${pending?.view.contentHash.slice(0, 8) ?? 'none'}-${hash(base).slice(0, 6)}"`;
          const headers = { etag, ...cacheHeaders(PAGE_MAX_AGE_S, new Date(stored.view.meta.fetchedAt)) };
          answer(req, res, headers, () => {
            const national = summarizeAgreements(stored.view.rows, pending?.view.rows ?? null, 'all') as NationalSummary;
            sendHtml(res, 200, renderStateIndex(national, sourceFooter(stored.view.meta, { list: 'participating list' }), base), headers);
          });
        }),
    },
    {
      path: '/states/:state',
      method: ['GET'],
      handler: (req, res) => {
        const found = stateOf(req, res, '');
        if (!found) return;
        serve(res, `/states/${found.slug}`, async () => {
          const filter = parsePageFilter(new URLSearchParams(searchOf(req)));
          const reads = { ...deps, detention };
          const page = await loadStatePage(reads, base, found.state, found.slug, filter, (err: unknown) =>
            log.warn({ err, state: found.state.code }, 'the latest events could not be read; the page says so'),
          );
          const headers = { etag: page.etag, ...cacheHeaders(PAGE_MAX_AGE_S, page.lastModified) };
          answer(req, res, headers, () => sendHtml(res, 200, renderStatePage(page.model), headers));
        });
      },
    },
    {
      path: '/states/:state/chart.png',
      method: ['GET'],
      handler: (req, res) => {
        const found = stateOf(req, res, '/chart.png');
        if (!found) return;
        serve(res, `/states/${found.slug}/chart.png`, async () => {
          const filter = parsePageFilter(new URLSearchParams(searchOf(req)));
          const { list, chart, drawn } = await readStateAgreements(deps.snapshots, found.state, filter);
          // No picture for a county the state does not list, nor for nothing: only what a page would show is drawn.
          if (!drawn) return plain(res, 404, 'no chart: nothing to draw for this state and filter');
          // Keyed by what the picture shows: two filters that draw the same chart share one render.
          const key = hash(JSON.stringify(chart));
          const etag = `"chart-${key.slice(0, 27)}"`;
          const headers = { etag, ...cacheHeaders(CHART_MAX_AGE_S, new Date(list.meta.fetchedAt)) };
          if (notModified(req, etag, null)) return void res.writeHead(304, headers).end();
          const png = charts.get(key, chart);
          const bytes = png === 'busy' ? null : await png;
          if (!bytes) return plain(res, 503, 'chart not ready', { 'retry-after': '30' });
          res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(bytes.length), ...headers });
          res.end(bytes);
        });
      },
    },
  ];
}

const hash = (text: string) => createHash('sha256').update(text).digest('base64url');

function cacheHeaders(maxAgeS: number, lastModified: Date): Record<string, string> {
  return { 'cache-control': `public, max-age=${maxAgeS}`, 'last-modified': lastModified.toUTCString() };
}

function plain(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(`${body}\n`);
}

function sendHtml(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'x-content-type-options': 'nosniff',
    // No script, no frame, nothing from elsewhere: what the page is, said to the browser.
    'content-security-policy':
      "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ...(status === 200 ? {} : { 'cache-control': 'no-store' }),
    ...headers,
  });
  res.end(body);
}

function redirect(res: ServerResponse, location: string, permanent: boolean): void {
  res.writeHead(permanent ? 301 : 302, { location, 'cache-control': permanent ? 'public, max-age=86400' : 'no-store' });
  res.end();
}

function messagePage(base: string, title: string, message: string): string {
  return renderPage({
    base,
    title: `${title} · ice-watch`,
    body: html`<h1>${title}</h1><p>${message}</p><p><a href="${base}/states">All states</a></p>`,
  });
}

function unknownStatePage(base: string, message: string): string {
  return renderPage({
    base,
    title: 'Unknown state · ice-watch',
    body: html`<h1>Unknown state</h1><p>${message}</p><p><a href="${base}/states">Choose a state from the list of all states</a></p>`,
  });
}
