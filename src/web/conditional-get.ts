import type { IncomingMessage } from 'node:http';

/**
 * HTTP validators (RFC 9110 section 13): a feed answers 304 Not Modified when the reader already
 * has what it would send. If-None-Match wins over If-Modified-Since when both are given.
 */

/** `Wed, 04 Jun 2025 21:05:00 GMT`: an ISO time as an HTTP date (whole seconds). */
export const httpDate = (iso: string): string => new Date(iso).toUTCString();

/** Does the request's If-None-Match name `etag` (weak comparison; `*` names any)? */
function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => bare(tag) === bare(etag));
}

/** Whether the reader's copy is current: its ETag matches, or (without one) nothing changed since its date. */
export function notModified(req: IncomingMessage, etag: string, lastModified: string | null): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) return etagMatches(ifNoneMatch, etag);
  const ifModifiedSince = req.headers['if-modified-since'];
  if (ifModifiedSince === undefined || lastModified === null) return false;
  const since = Date.parse(ifModifiedSince);
  // HTTP dates have whole seconds: a change within the second of the reader's date counts as seen.
  return Number.isFinite(since) && Math.floor(Date.parse(lastModified) / 1000) * 1000 <= since;
}
