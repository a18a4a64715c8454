import type { Line, Span } from '../messages/reply';
import { stripBidiControls } from '../domain/text';
import { safeHref } from './safe-href';

/**
 * The one escaping and the one span rendering of the web surface: the feeds (XML, and the HTML inside
 * their entries) and the state pages (HTML) write untrusted text the same way, so a fix to one is a fix to all.
 */

/**
 * What XML 1.0 cannot carry at all, even escaped: the C0 controls but tab, newline and carriage
 * return, lone surrogates, U+FFFE and U+FFFF (HTML forbids them too). ICE's cells have held control
 * characters; one would make the whole feed ill-formed, and a reader drop it.
 */
const INVALID_IN_XML = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/** Untrusted text made safe for XML and HTML: invalid characters and bidirectional controls removed. */
export function xmlSafeText(value: string): string {
  return stripBidiControls(value).replace(INVALID_IN_XML, '');
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an element's content or a quoted attribute's value, in XML or HTML (quotes included), after `xmlSafeText`. */
export function escapeMarkup(value: string): string {
  return xmlSafeText(value).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** One span as HTML: bold as <strong>, code as <code>, a link as a link only when it is http(s); every string escaped. */
function spanHtml(span: Span): string {
  if (typeof span === 'string') return escapeMarkup(span);
  if ('bold' in span) return `<strong>${escapeMarkup(span.bold)}</strong>`;
  if ('code' in span) return `<code>${escapeMarkup(span.code)}</code>`;
  const href = safeHref(span.link);
  if (!href) return escapeMarkup(span.text);
  return `<a href="${escapeMarkup(href)}">${escapeMarkup(span.text)}</a>`;
}

/** A line of the neutral message model (src/messages) as HTML: the same words the chat replies use. */
export const lineHtml = (line: Line): string => line.map(spanHtml).join('');
