import { stripBidiControls } from '../domain/text';
import type { Line, Span } from './reply';

/**
 * Slack mrkdwn from the neutral spans of reply.ts: the one escaping of Slack's markup, shared by
 * the Slack platform (src/platforms/slack) and the webhooks' Slack preset (src/platforms/webhook),
 * which may not import each other.
 *
 * A plain string span is UNTRUSTED (agency names from ICE, what a user typed): it must
 * neither format nor mention anyone. Slack parses three control characters, so `&`, `<`
 * and `>` become `&amp;` `&lt;` `&gt;` (which also defuses `<!everyone>`, `<!here>` and
 * `<@U123>`). Slack has no escape for its formatting markers `*` `_` `~` and `` ` ``, so
 * they are replaced by their fullwidth look-alikes (＊ ＿ ～ ｀). We chose look-alikes over
 * a zero-width space next to the marker because whether a zero-width space breaks a marker
 * depends on Slack's undocumented word-boundary rules, which differ between clients and
 * notifications; a character that is not a marker can never be parsed as one. The cost is
 * cosmetic (a copied name carries the look-alike), and ICE's names rarely contain them.
 * Line breaks in untrusted text become spaces, so it cannot start a quote or a list.
 *
 * Every mrkdwn text object the renderer builds also sets `verbatim: true`, so Slack does
 * not auto-link bare URLs or channel names either: formatting comes only from span kinds.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const LOOK_ALIKES: Record<string, string> = { '*': '\uFF0A', _: '\uFF3F', '~': '\uFF5E', '`': '\uFF40' };

/**
 * `&`, `<`, `>` as entities: the escaping Slack asks for everywhere, URLs included; and no
 * bidirectional controls (a right-to-left override would reverse the rest of the line).
 */
export function escapeEntities(text: string): string {
  return stripBidiControls(text).replace(/[&<>]/g, (c) => ENTITIES[c]);
}

/** Untrusted text as inert mrkdwn: no formatting, no mentions, no line breaks. */
export function escapeMrkdwn(text: string): string {
  return escapeEntities(text.replace(/[\r\n\t\u2028\u2029]+/g, ' ')).replace(/[*_~`]/g, (c) => LOOK_ALIKES[c]);
}

/** Only http(s) URLs become links; anything else (javascript:, mailto:, bare words) stays text. */
export function isWebUrl(url: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(url);
}

/** A URL inside `<url|text>`: entities for `&`, `<`, `>`, and `|` percent-encoded so it cannot end the URL part. */
export function escapeLinkUrl(url: string): string {
  return escapeEntities(url).replace(/\|/g, '%7C');
}

/** One span as mrkdwn: strings escaped, bold as *text*, code in backticks, http(s) links as <url|text>. */
export function renderSpan(span: Span): string {
  if (typeof span === 'string') return escapeMrkdwn(span);
  if ('bold' in span) {
    const inner = escapeMrkdwn(span.bold).trim();
    return inner ? `*${inner}*` : '';
  }
  if ('code' in span) {
    const inner = escapeEntities(span.code.replace(/[\r\n]+/g, ' ')).replace(/`/g, LOOK_ALIKES['`']);
    return inner ? `\`${inner}\`` : '';
  }
  const text = escapeMrkdwn(span.text).trim() || escapeMrkdwn(span.link);
  return isWebUrl(span.link) ? `<${escapeLinkUrl(span.link)}|${text}>` : text;
}

/** A line of spans as one mrkdwn string. */
export function renderLine(line: Line): string {
  return line.map(renderSpan).join('');
}

/**
 * Cuts rendered mrkdwn to at most `max` characters, ending with "…". It never leaves half
 * a link (`<https://…`) or half an entity (`&am`): those are dropped whole.
 */
export function clipMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  const openLink = cut.lastIndexOf('<');
  if (openLink > cut.lastIndexOf('>')) cut = cut.slice(0, openLink);
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  return `${cut}…`;
}

/** Plain text cut to `max` characters with "…" (for plain_text objects, which Slack shows literally), without bidirectional controls. */
export function clipPlain(text: string, max: number): string {
  const flat = stripBidiControls(text).replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
