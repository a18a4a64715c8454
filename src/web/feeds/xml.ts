import { stripBidiControls } from '../../domain/text';

/**
 * What XML 1.0 cannot carry at all, even escaped: the C0 controls but tab, newline and carriage
 * return, lone surrogates, U+FFFE and U+FFFF. ICE's cells have held control characters; one
 * would make the whole feed ill-formed, and a reader drop it.
 */
const INVALID_IN_XML = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/** Untrusted text made safe for XML: invalid characters and bidirectional controls removed. */
export function xmlSafeText(value: string): string {
  return stripBidiControls(value).replace(INVALID_IN_XML, '');
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an element's content or an attribute's value (quotes included), after `xmlSafeText`. */
export function escapeXml(value: string): string {
  return xmlSafeText(value).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
