/**
 * Fetches ICE's files and pages (SPEC section 2): a browser-like User-Agent,
 * conditional GET, a time limit and a size cap; `file://` URLs and plain
 * paths read a local mirror instead (fetch-local.ts). Every failure is one
 * SourceFetchError whose message an operator can act on, without request
 * headers or secrets.
 */
import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { default as Axios, AxiosError, AxiosResponse } from 'axios';
import type { FileMeta } from '../domain/types';
import { describeSize, SourceFetchError } from './errors';
import { isLocalUrl, readLocal } from './fetch-local';

/** axios and its dependencies (some 100 module files) load with the first request over HTTP, not at start. */
const axios = (): typeof Axios => require('axios') as typeof Axios;

/** A current desktop Chrome: ICE's CDN answers some non-browser agents with an HTML page. */
export const DEFAULT_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
const ACCEPT =
  'text/html,application/xhtml+xml,application/xml;q=0.9,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,*/*;q=0.8';
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

export interface FetchOptions {
  userAgent?: string;
  /** Whole-request deadline (default 30 s). */
  timeoutMs?: number;
  /** Size cap of the body (default 20 MiB). */
  maxBytes?: number;
  /** ETag of the copy we hold: sent as If-None-Match. */
  etag?: string | null;
  /** Last-Modified of the copy we hold: sent as If-Modified-Since (compared to the mtime for local files). */
  lastModified?: string | null;
  now?: () => Date;
}

export type FetchResult = { status: 'fetched'; bytes: Buffer; meta: FileMeta } | { status: 'not-modified'; url: string };

/** What one transfer gave, before the workbook check. */
interface Transfer {
  result: FetchResult;
  status?: number;
  contentType: string | null;
}

/**
 * GETs a file over http(s), or reads it for `file://` URLs and local paths.
 * With `etag` / `lastModified` from the previous fetch, an unchanged file
 * gives `{ status: 'not-modified' }`. Throws SourceFetchError.
 */
export async function fetchFile(url: string, opts: FetchOptions = {}): Promise<FetchResult> {
  return (await transfer(url, opts)).result;
}

/**
 * fetchFile, then refuses a body that is not a ZIP (`PK\x03\x04`, what every
 * XLSX is): ICE's CDN sometimes answers with an HTML page and status 200.
 */
export async function fetchWorkbook(url: string, opts: FetchOptions = {}): Promise<FetchResult> {
  const got = await transfer(url, opts);
  if (got.result.status === 'fetched') assertWorkbook(got.result.bytes, got.result.meta.url, got.status, got.contentType);
  return got.result;
}

/**
 * Fetches an HTML page (no conditional GET, no ZIP check). A local folder
 * becomes a synthesized page linking its files newest first, so link
 * discovery works on a local mirror.
 */
export async function fetchPage(url: string, opts: FetchOptions = {}): Promise<{ html: string; url: string }> {
  const page = { ...opts, etag: null, lastModified: null };
  if (isLocalUrl(url)) {
    const local = await readLocal(url, { maxBytes: page.maxBytes ?? DEFAULT_MAX_BYTES, allowFolder: true });
    return local.kind === 'listing' ? { html: local.html, url: local.url } : { html: local.bytes.toString('utf8'), url: local.url };
  }
  const got = await transfer(url, page);
  if (got.result.status !== 'fetched') throw new Error('unreachable: unconditional GET answered not-modified');
  return { html: got.result.bytes.toString('utf8'), url: got.result.meta.url };
}

/** A page read with a conditional GET: its HTML and validators, or not modified since them. */
export type PageResult =
  | { status: 'fetched'; html: string; url: string; etag: string | null; lastModified: string | null }
  | { status: 'not-modified'; url: string };

/**
 * fetchPage with a conditional GET: with `etag` / `lastModified` from the last read, an
 * unchanged page answers `not-modified` and nothing is downloaded. A local mirror is always read.
 */
export async function fetchPageIfChanged(url: string, opts: FetchOptions = {}): Promise<PageResult> {
  if (isLocalUrl(url)) return { status: 'fetched', ...(await fetchPage(url, opts)), etag: null, lastModified: null };
  const { result } = await transfer(url, opts);
  if (result.status === 'not-modified') return result;
  return {
    status: 'fetched',
    html: result.bytes.toString('utf8'),
    url: result.meta.url,
    etag: result.meta.etag,
    lastModified: result.meta.lastModified,
  };
}

async function transfer(url: string, opts: FetchOptions): Promise<Transfer> {
  const now = opts.now ?? (() => new Date());
  if (isLocalUrl(url)) {
    const local = await readLocal(url, { maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES, allowFolder: false });
    if (local.kind !== 'file') throw new Error('unreachable: folder listing for a file request');
    if (opts.lastModified && opts.lastModified === local.lastModified)
      return { result: { status: 'not-modified', url: local.url }, contentType: null };
    const meta = describe(local.bytes, local.url, local.fileName, null, local.lastModified, now);
    return { result: { status: 'fetched', bytes: local.bytes, meta }, contentType: null };
  }
  const response = await httpGet(url, opts);
  const finalUrl: string = response.request?.res?.responseUrl ?? url;
  const header = (name: string): string | null => {
    const value: unknown = response.headers[name];
    return typeof value === 'string' && value !== '' ? value : null;
  };
  const conditional = Boolean(opts.etag || opts.lastModified);
  if (response.status === 304 && conditional) return { result: { status: 'not-modified', url: finalUrl }, status: 304, contentType: null };
  if (response.status < 200 || response.status > 299) {
    const text = STATUS_CODES[response.status] ?? response.statusText ?? '';
    const reason = response.status === 404 || response.status === 410 ? 'not-found' : 'http-status';
    throw new SourceFetchError(`GET ${redactUrl(url)} answered ${response.status} ${text}`.trim(), redactUrl(url), reason, response.status);
  }
  const bytes = Buffer.isBuffer(response.data) ? response.data : Buffer.from(response.data ?? []);
  const fileName = fileNameFromDisposition(header('content-disposition')) ?? fileNameFromUrl(finalUrl);
  const meta = describe(bytes, finalUrl, fileName, header('etag'), header('last-modified'), now);
  return { result: { status: 'fetched', bytes, meta }, status: response.status, contentType: header('content-type') };
}

async function httpGet(url: string, opts: FetchOptions): Promise<AxiosResponse> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const headers: Record<string, string> = {
    'User-Agent': opts.userAgent ?? DEFAULT_USER_AGENT,
    Accept: ACCEPT,
    'Accept-Language': 'en-US,en;q=0.9',
  };
  if (opts.etag) headers['If-None-Match'] = opts.etag;
  if (opts.lastModified) headers['If-Modified-Since'] = opts.lastModified;
  // axios's `timeout` is an idle timer; the abort signal makes it a deadline for the whole transfer.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  try {
    return await axios().get(url, {
      responseType: 'arraybuffer',
      headers,
      timeout: timeoutMs,
      signal: deadline.signal,
      maxContentLength: maxBytes,
      maxBodyLength: maxBytes,
      maxRedirects: 5,
      validateStatus: () => true,
    });
  } catch (err) {
    throw toFetchError(err, url, timeoutMs, maxBytes, deadline.signal.aborted);
  } finally {
    clearTimeout(timer);
  }
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ERR_FR_TOO_MANY_REDIRECTS: 'too many redirects',
};

/** Maps an axios failure to a SourceFetchError; the axios error (with its headers) is not kept. */
function toFetchError(err: unknown, url: string, timeoutMs: number, maxBytes: number, deadlinePassed: boolean): SourceFetchError {
  const safe = redactUrl(url);
  const e = err as AxiosError;
  const code = e?.code ?? '';
  if (deadlinePassed || code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
    return new SourceFetchError(`GET ${safe} timed out after ${+(timeoutMs / 1000).toFixed(1)} s`, safe, 'timeout');
  }
  if (/maxContentLength/.test(String(e?.message))) {
    return new SourceFetchError(`GET ${safe} exceeded the ${describeSize(maxBytes)} size cap`, safe, 'too-large');
  }
  const what = NETWORK_CODES[code] ?? (/^CERT_|_CERT|SSL|TLS/i.test(code) ? 'TLS certificate problem' : String(e?.message ?? err));
  return new SourceFetchError(`GET ${safe} failed: ${what}${code ? ` (${code})` : ''}`, safe, 'network');
}

function describe(
  bytes: Buffer,
  url: string,
  fileName: string,
  etag: string | null,
  lastModified: string | null,
  now: () => Date,
): FileMeta {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { url, fileName, etag, lastModified, sha256, bytes: bytes.length, fetchedAt: now().toISOString(), modifiedInFile: null };
}

/** `filename*=UTF-8''...` wins over `filename="..."`; only the base name is kept. */
export function fileNameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*(?:[\w-]+)?'[^']*'([^;]+)/i.exec(header);
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(header);
  let name: string | undefined;
  if (extended) {
    try {
      name = decodeURIComponent(extended[1].trim());
    } catch {
      name = undefined;
    }
  }
  name ??= plain ? (plain[1]?.replace(/\\(.)/g, '$1') ?? plain[2]) : undefined;
  const base = name?.split(/[\\/]/).pop()?.trim();
  return base ? base : null;
}

function fileNameFromUrl(url: string): string {
  const last = new URL(url).pathname.split('/').filter(Boolean).pop() ?? '';
  try {
    return decodeURIComponent(last) || 'download';
  } catch {
    return last || 'download';
  }
}

/** Throws not-a-workbook unless the body starts with the ZIP signature. */
function assertWorkbook(bytes: Buffer, url: string, status: number | undefined, contentType: string | null): void {
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x504b0304) return;
  const http = status !== undefined;
  const safe = redactUrl(url);
  const subject = http ? `GET ${safe}` : /^file:/i.test(url) ? fileURLToPath(url) : url;
  const head = bytes
    .subarray(0, 1024)
    .toString('latin1')
    .replace(/^\ufeff|^\xef\xbb\xbf/, '')
    .trimStart()
    .toLowerCase();
  let why: string;
  if (bytes.length === 0) why = http ? `the body was empty (status ${status})` : 'the file is empty';
  else if (/text\/html/i.test(contentType ?? '') || /^<!doctype html|^<html|<head[\s>]|<body[\s>]/.test(head)) {
    why = http ? `ICE's server answered with an HTML page (status ${status}) instead of the workbook` : 'the file is an HTML page';
  } else if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0xd0cf11e0) why = 'it is an old binary .xls file, not an XLSX (ZIP) workbook';
  else {
    const first = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    why = `the body does not start with the ZIP signature PK\\x03\\x04 (starts with ${first}${contentType ? `; content type ${contentType}` : ''})`;
  }
  throw new SourceFetchError(`${subject} is not a workbook: ${why}`, safe, 'not-a-workbook', status);
}

/** The URL without user:password and with secret-looking query values (token, key, signature...) masked. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    for (const key of [...u.searchParams.keys()]) {
      if (/token|key|secret|sig|pass|auth|credential|session/i.test(key)) u.searchParams.set(key, 'REDACTED');
    }
    return u.href;
  } catch {
    return url.replace(/\/\/[^/@\s]*@/, '//');
  }
}
