/**
 * A loopback stand-in for ICE's web site, for tests: the 287(g) page and the
 * detention-management page with configurable links, the files behind them
 * (ETag, Last-Modified, 304 on matching conditionals), fault injection per
 * path, and a record of every request. Never touches the internet.
 *
 * @example
 *   const site = await startIceSite();
 *   const links = site.publish({ participating: { file: fixture('participatingAgencies05162025am.xlsx'), form: 'file-download' } });
 *   // ... poll site.pageUrl, then: site.requestsTo(links.participating!) ...
 *   await site.close();
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { basename } from 'node:path';

export const PAGE_287G_PATH = '/identify-and-arrest/287g';
export const DETENTION_PAGE_PATH = '/detain/detention-management';

/** How one list is linked from the 287(g) page. */
export interface PublishedList {
  /** Path of the workbook to serve (a fixture). */
  file: string;
  /** `/doclib/287gMOA/<name>` or `/file-download/download/public/<new id>` (no file name in the URL). */
  form: 'doclib' | 'file-download';
  /** File name in the doclib URL or in Content-Disposition (default: the fixture's name). */
  name?: string;
  /** Link text (default like ICE's: "Participating Agencies (XLSX, 150.2 KB)"). */
  text?: string;
  /** Last-Modified of the file (default: publication time). */
  lastModified?: Date;
}

export interface Publication {
  participating?: PublishedList | null;
  pending?: PublishedList | null;
}

export interface DetentionLink {
  /** File name, e.g. `FY26_detentionStats02022026.xlsx`, served under `/doclib/detention/`. */
  name: string;
  /** Workbook to serve there (optional: a link can point nowhere, as long as nobody fetches it). */
  file?: string;
  text?: string;
}

export type Fault = { status: number } | { delayMs: number } | { html: true };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The status answered, once the response is sent. */
  status?: number;
  /** Body bytes sent. */
  bytes?: number;
}

export interface IceSite {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  pageUrl: string;
  detentionPageUrl: string;
  /** Replaces the 287(g) page's links; returns the absolute URLs now linked (null: none). Omitted lists keep their link. */
  publish(publication: Publication): { participating: string | null; pending: string | null };
  /** Replaces the detention page's links; returns their absolute URLs. */
  publishDetention(links: DetentionLink[]): string[];
  /** Serves a file at any path (with ETag and Last-Modified); returns its absolute URL. */
  serveFile(path: string, file: string, opts?: { contentDisposition?: string; lastModified?: Date }): string;
  /** Answers `from` with a 302 to `to` (a path or an absolute URL). */
  redirect(from: string, to: string): void;
  /** Makes a path (or absolute URL) fail until healed; `times` limits it to the next n requests. */
  fail(pathOrUrl: string, fault: Fault, times?: number): void;
  heal(pathOrUrl?: string): void;
  requests: RecordedRequest[];
  /** Requests whose path (query ignored) is this path or URL's path. */
  requestsTo(pathOrUrl: string): RecordedRequest[];
  close(): Promise<void>;
}

interface Served {
  bytes: Buffer;
  etag: string;
  lastModified: string;
  contentDisposition?: string;
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Starts the stand-in on 127.0.0.1, on a free port. */
export async function startIceSite(initial: Publication & { detention?: DetentionLink[] } = {}): Promise<IceSite> {
  const files = new Map<string, Served>();
  const redirects = new Map<string, string>();
  const faults = new Map<string, { fault: Fault; times: number }>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const links: Record<'participating' | 'pending', { path: string; text: string } | null> = { participating: null, pending: null };
  let detentionLinks: Array<{ path: string; text: string }> = [];
  let nextId = 84_000;

  const pathOf = (pathOrUrl: string): string => new URL(pathOrUrl, 'http://127.0.0.1').pathname;

  const server = createServer((req, res) => {
    const record: RecordedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers };
    requests.push(record);
    // Every answer here is written with writeHead(status, headers), Content-Length included when there is a body.
    const writeHead = res.writeHead.bind(res) as (status: number, headers?: OutgoingHttpHeaders) => ServerResponse;
    res.writeHead = ((status: number, headers?: OutgoingHttpHeaders) => {
      record.status = status;
      record.bytes = Number(headers?.['Content-Length'] ?? 0);
      return writeHead(status, headers);
    }) as typeof res.writeHead;
    const path = pathOf(req.url ?? '/');
    const armed = faults.get(path);
    if (armed) {
      if (--armed.times <= 0) faults.delete(path);
      const { fault } = armed;
      if ('status' in fault) return sendHtml(res, fault.status, errorPage(fault.status));
      if ('html' in fault) return sendHtml(res, 200, errorPage(0));
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) respond(path, req.headers, res);
      }, fault.delayMs);
      timers.add(timer);
      return;
    }
    respond(path, req.headers, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function respond(path: string, headers: IncomingHttpHeaders, res: ServerResponse): void {
    if (path === PAGE_287G_PATH) {
      sendHtml(res, 200, page287g(links.participating, links.pending));
      return;
    }
    // The detention page carries an ETag and answers a matching If-None-Match with 304 (the bot's conditional GET).
    if (path === DETENTION_PAGE_PATH) {
      sendPage(res, headers, detentionPage(detentionLinks));
      return;
    }
    const location = redirects.get(path);
    if (location) {
      res.writeHead(302, { Location: location }).end();
      return;
    }
    const file = files.get(path);
    if (!file) {
      sendHtml(res, 404, errorPage(404));
      return;
    }
    const validators = { ETag: file.etag, 'Last-Modified': file.lastModified };
    const inm = headers['if-none-match'];
    const ims = headers['if-modified-since'];
    const unchanged = inm
      ? inm.split(',').some((tag) => tag.trim() === '*' || tag.trim().replace(/^W\//, '') === file.etag)
      : Boolean(ims) && Date.parse(ims!) >= Date.parse(file.lastModified);
    if (unchanged) {
      res.writeHead(304, validators).end();
      return;
    }
    res.writeHead(200, {
      ...validators,
      'Content-Type': XLSX_TYPE,
      'Content-Length': file.bytes.length,
      ...(file.contentDisposition ? { 'Content-Disposition': file.contentDisposition } : {}),
    });
    res.end(file.bytes);
  }

  function serve(path: string, file: string, opts: { contentDisposition?: string; lastModified?: Date } = {}): void {
    const bytes = readFileSync(file);
    const etag = `"${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}"`;
    const lastModified = new Date(Math.floor((opts.lastModified ?? new Date()).getTime() / 1000) * 1000).toUTCString();
    files.set(path, { bytes, etag, lastModified, contentDisposition: opts.contentDisposition });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const site: IceSite = {
    origin,
    pageUrl: origin + PAGE_287G_PATH,
    detentionPageUrl: origin + DETENTION_PAGE_PATH,
    publish(publication) {
      for (const kind of ['participating', 'pending'] as const) {
        const list = publication[kind];
        if (list === undefined) continue;
        if (list === null) {
          links[kind] = null;
          continue;
        }
        const name = list.name ?? basename(list.file);
        const path = list.form === 'doclib' ? `/doclib/287gMOA/${encodeURIComponent(name)}` : `/file-download/download/public/${nextId++}`;
        const disposition = list.form === 'file-download' ? `attachment; filename="${name}"` : undefined;
        serve(path, list.file, { contentDisposition: disposition, lastModified: list.lastModified });
        const title = kind === 'participating' ? 'Participating Agencies' : 'Pending Agencies';
        const size = `${(files.get(path)!.bytes.length / 1000).toFixed(1)} KB`;
        links[kind] = { path, text: list.text ?? `${title} (XLSX, ${size})` };
      }
      const url = (l: { path: string } | null): string | null => (l ? origin + l.path : null);
      return { participating: url(links.participating), pending: url(links.pending) };
    },
    publishDetention(list) {
      detentionLinks = list.map((l) => {
        const path = `/doclib/detention/${encodeURIComponent(l.name)}`;
        if (l.file) serve(path, l.file);
        return { path, text: l.text ?? `${l.name.replace(/\.xlsx$/i, '')} (XLSX)` };
      });
      return detentionLinks.map((l) => origin + l.path);
    },
    serveFile(path, file, opts) {
      serve(pathOf(path), file, opts);
      return origin + pathOf(path);
    },
    redirect(from, to) {
      redirects.set(pathOf(from), to);
    },
    fail(pathOrUrl, fault, times = Infinity) {
      faults.set(pathOf(pathOrUrl), { fault, times });
    },
    heal(pathOrUrl) {
      if (pathOrUrl === undefined) faults.clear();
      else faults.delete(pathOf(pathOrUrl));
    },
    requests,
    requestsTo(pathOrUrl) {
      const path = pathOf(pathOrUrl);
      return requests.filter((r) => pathOf(r.url) === path);
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  site.publish(initial);
  if (initial.detention) site.publishDetention(initial.detention);
  return site;
}

function sendPage(res: ServerResponse, headers: IncomingHttpHeaders, html: string): void {
  const etag = `"${createHash('sha256').update(html).digest('hex').slice(0, 32)}"`;
  if (headers['if-none-match']?.split(',').some((tag) => tag.trim() === etag)) {
    res.writeHead(304, { ETag: etag }).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html), ETag: etag });
  res.end(html);
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html) });
  res.end(html);
}

/** ICE's page frame: header, navigation (with distractor links), footer. */
function frame(title: string, main: string): string {
  return `<!DOCTYPE html>
<html lang="en" dir="ltr"><head><meta charset="utf-8"><title>${title} | ICE</title>
<script>window.dataLayer = [{"page":"participating agencies"}];</script></head>
<body><a class="usa-skipnav" href="#main-content">Skip to main content</a>
<header class="usa-header"><div class="usa-logo"><a href="/" title="Home">U.S. Immigration and Customs Enforcement</a></div>
<nav class="usa-nav" aria-label="Primary navigation"><ul>
<li><a href="/identify-and-arrest">Identify &amp; Arrest</a></li><li><a href="/detain">Detain</a></li>
<li><a href="/newsroom">Newsroom</a></li><li><a href='/identify-and-arrest/287g#participating'>Participating agencies</a></li>
</ul></nav></header>
<main id="main-content"><h1>${title}</h1>
${main}
</main><footer class="usa-footer"><a href="/about-ice">About ICE</a> <a href="/foia">FOIA</a></footer></body></html>`;
}

function page287g(participating: { path: string; text: string } | null, pending: { path: string; text: string } | null): string {
  const item = (l: { path: string; text: string }): string =>
    `<div class="file-download"><a class="usa-link" data-entity-type="file" href="${l.path}"><span class="file-title">${escapeHtml(l.text)}</span></a></div>`;
  return frame(
    'Delegation of Immigration Authority Section 287(g) Immigration and Nationality Act',
    `<p>The 287(g) program enables state and local law enforcement entities to partner with ICE&nbsp;under a joint Memorandum of Agreement (MOA).</p>
<h2>Models</h2><ul><li>Jail Enforcement Model</li><li>Task Force Model</li><li>Warrant Service Officer</li></ul>
<h2 id="participating">Participating Agencies</h2>
<p>ICE currently has 287(g) agreements with participating law enforcement agencies in many states. The list is updated regularly.</p>
${participating ? item(participating) : '<p>The list of participating agencies is temporarily unavailable.</p>'}
<h2>Pending Agencies</h2>
${pending ? item(pending) : '<p>There are currently no pending agencies.</p>'}
<p>Questions? <a href="mailto:287g@ice.dhs.gov">Contact the 287(g) program</a>.</p>`,
  );
}

function detentionPage(links: Array<{ path: string; text: string }>): string {
  const items = links.map((l) => `<li><a href="${l.path}">${escapeHtml(l.text)}</a></li>`).join('\n');
  return frame(
    'Detention Management',
    `<h2>Detention Statistics</h2>\n<p>ICE publishes detention data about every two weeks.</p>\n<ul>\n${items}\n</ul>`,
  );
}

/** A status page, or with status 0 the kind of HTML ICE's CDN serves with 200 instead of a file. */
function errorPage(status: number): string {
  if (status === 0) return frame('Access Denied', "<p>You don't have permission to access this resource. Reference #18.6f2c1002</p>");
  return frame(`${status} error`, `<p>The server answered ${status}.</p>`);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
