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
import { html } from './html';
import { renderPage } from './layout';
import { filterQuery, parsePageFilter } from './page-filter';
import { loadStatePage, NothingStoredYetError, readStateAgreements, type StatePageReads } from './state-page-data';
import { renderStatePage } from './state-page';
import { renderStateIndex } from './state-index';
import { lookUpState } from '../state-slug';

export type { LatestEvents } from './state-page-data';

export interface StatePagesDeps extends StatePageReads {
  logger: Logger;
}

/** Pages may be kept this long by browsers and proxies (a poll runs every 15 minutes at most). */
const PAGE_MAX_AGE_S = 60;
/** A chart changes only with the list: kept longer. */
const CHART_MAX_AGE_S = 300;
/** Charts drawn recently, by list, state and filter (a PNG is ~50-100 KB). */
const CHART_CACHE = 32;
/** A page waits this long for its picture; a reader's browser waits anyway, a chat does not. */
const CHART_DEADLINE_MS = 5_000;

export function createStatePageRoutes(deps: StatePagesDeps): OpsRoute[] {
  const log = deps.logger.child({ component: 'state-pages' });
  const charts = new Map<string, Promise<Buffer | null>>();

  /** Serves `answer`, and turns a failure into the short page a reader can act on. */
  const serve = (res: ServerResponse, what: string, answer: () => Promise<void>) => {
    answer().catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (err instanceof UserError) return sendHtml(res, 400, messagePage('Not a valid filter', err.message));
      if (err instanceof NothingStoredYetError) {
        return sendHtml(res, 503, messagePage('Nothing to show yet', `${err.message} Try again after the first poll.`), {
          'retry-after': '300',
        });
      }
      log.error({ err, page: what }, 'a state page could not be read from the store');
      sendHtml(
        res,
        503,
        messagePage('Temporarily unavailable', 'The data behind this page cannot be read right now. Try again in a minute.'),
        {
          'retry-after': '60',
        },
      );
    });
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
          const national = summarizeAgreements(stored.view.rows, pending?.view.rows ?? null, 'all') as NationalSummary;
          const body = renderStateIndex(national, sourceFooter(stored.view.meta, { list: 'participating list' }));
          const etag = `"${stored.view.contentHash.slice(0, 20)}-${pending?.view.contentHash.slice(0, 8) ?? 'none'}"`;
          if (notModified(req, etag)) return void res.writeHead(304, { etag }).end();
          sendHtml(res, 200, body, { etag, ...cacheHeaders(PAGE_MAX_AGE_S, new Date(stored.view.meta.fetchedAt)) });
        }),
    },
    {
      path: '/states/:state',
      method: ['GET'],
      handler: (req, res) => {
        const found = lookUpState(paramsOf(req).state ?? '');
        const search = new URL(req.url ?? '/', 'http://page').search;
        if (found.kind === 'unknown') return sendHtml(res, 404, unknownStatePage(found.message));
        if (found.kind === 'redirect') return redirect(res, `/states/${found.slug}${search}`, found.permanent);
        serve(res, `/states/${found.slug}`, async () => {
          const filter = parsePageFilter(new URLSearchParams(search));
          const page = await loadStatePage(deps, found.state, found.slug, filter, (err) =>
            log.warn({ err, state: found.state.code }, 'the latest events could not be read; the page says so'),
          );
          if (notModified(req, page.etag)) return void res.writeHead(304, { etag: page.etag }).end();
          sendHtml(res, 200, renderStatePage(page.model), { etag: page.etag, ...cacheHeaders(PAGE_MAX_AGE_S, page.lastModified) });
        });
      },
    },
    {
      path: '/states/:state/chart.png',
      method: ['GET'],
      handler: (req, res) => {
        const found = lookUpState(paramsOf(req).state ?? '');
        const search = new URL(req.url ?? '/', 'http://page').search;
        if (found.kind === 'unknown') return sendHtml(res, 404, unknownStatePage(found.message));
        if (found.kind === 'redirect') return redirect(res, `/states/${found.slug}/chart.png${search}`, found.permanent);
        serve(res, `/states/${found.slug}/chart.png`, async () => {
          const filter = parsePageFilter(new URLSearchParams(search));
          const { list, chart } = await readStateAgreements(deps.snapshots, found.state, filter);
          const key = `${list.contentHash}|${found.state.code}|${filterQuery(filter)}`;
          const etag = `"chart-${createHash('sha256').update(key).digest('base64url').slice(0, 27)}"`;
          if (notModified(req, etag)) return void res.writeHead(304, { etag }).end();
          let png = charts.get(key);
          if (!png) {
            png = renderChartWithin(chart, log, CHART_DEADLINE_MS).then((r) => r?.png ?? null);
            charts.set(key, png);
            if (charts.size > CHART_CACHE) charts.delete(charts.keys().next().value!);
          }
          const bytes = await png;
          if (!bytes) {
            charts.delete(key);
            return void res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '30' }).end('chart not ready\n');
          }
          res.writeHead(200, {
            'content-type': 'image/png',
            'content-length': String(bytes.length),
            etag,
            ...cacheHeaders(CHART_MAX_AGE_S, new Date(list.meta.fetchedAt)),
          });
          res.end(bytes);
        });
      },
    },
  ];
}

function cacheHeaders(maxAgeS: number, lastModified: Date): Record<string, string> {
  return { 'cache-control': `public, max-age=${maxAgeS}`, 'last-modified': lastModified.toUTCString() };
}

/** The client holds this version already (If-None-Match; the Last-Modified alone does not cover the events). */
function notModified(req: IncomingMessage, etag: string): boolean {
  const sent = req.headers['if-none-match'];
  return Boolean(sent?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag));
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

function messagePage(title: string, message: string): string {
  return renderPage({
    title: `${title} · ice-watch`,
    body: html`<h1>${title}</h1><p>${message}</p><p><a href="/states">All states</a></p>`,
  });
}

function unknownStatePage(message: string): string {
  return renderPage({
    title: 'Unknown state · ice-watch',
    body: html`<h1>Unknown state</h1><p>${message}</p><p><a href="/states">Choose a state from the list of all states</a></p>`,
  });
}
