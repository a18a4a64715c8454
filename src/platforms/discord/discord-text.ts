import type { Line, Span } from '../../messages/reply';
import { stripBidiControls } from '../../domain/text';

const ZERO_WIDTH_SPACE = '\u200b';
const ELLIPSIS = '…';

/** Characters that format anywhere in a line: each gets a backslash, every time. */
const INLINE_MARKDOWN = /[\\*_~|`[\]]/g;
/** Constructs that format only at the start of a line: quote, heading, subtext, bullet, numbered item. */
const LINE_START_MARKDOWN = /^(\s*)(>|#|-#|-\s|\+\s)/;
const LINE_START_NUMBER = /^(\s*\d+)\.(\s)/;
/** A bare URL inside untrusted text: Discord links it as a whole, so it is kept whole. */
const BARE_URL = /https?:\/\/[^\s<>]+/g;

function escapeProse(text: string): string {
  return text.replace(INLINE_MARKDOWN, '\\$&');
}

/** A bare URL kept clickable: only the characters that could still format or mention are encoded. */
function escapeBareUrl(url: string): string {
  return url.replace(/[\\*~|`@()[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Makes untrusted text (agency names from ICE, what a user typed) inert in Discord markdown:
 * it can neither format, link nor mention anyone. Every formatting character gets its own
 * backslash (discord.js's `escapeMarkdown` pairs asterisks up and leaves the last of an odd
 * run, "v0******", unescaped), line-start constructs are escaped at the start, bare URLs stay
 * whole so Discord still links them, and a zero-width space after every `@` and `<` keeps
 * `@everyone`, `<@123>`, `<#123>`, `<@&123>`, `</cmd:1>` and `<t:1>` from becoming mentions
 * or pills (allowed_mentions is none as well). Line breaks become spaces: a span is part of one line.
 * Bidirectional controls are dropped: a right-to-left override would reverse the rest of the line.
 */
export function escapeUntrusted(text: string): string {
  const flat = stripBidiControls(text).replace(/[\r\n\u2028\u2029]+/g, ' ');
  let out = '';
  let at = 0;
  for (const m of flat.matchAll(BARE_URL)) {
    out += escapeProse(flat.slice(at, m.index)) + escapeBareUrl(m[0]);
    at = m.index + m[0].length;
  }
  out += escapeProse(flat.slice(at));
  return out
    .replace(LINE_START_MARKDOWN, '$1\\$2')
    .replace(LINE_START_NUMBER, '$1\\.$2')
    .replace(/@/g, `@${ZERO_WIDTH_SPACE}`)
    .replace(/</g, `<${ZERO_WIDTH_SPACE}`);
}

/**
 * `text` cut to at most `max` UTF-16 units with an ellipsis, never splitting a surrogate pair,
 * without bidirectional controls (footers are plain text: nothing else escapes them).
 */
export function clipPlain(value: string, max: number): string {
  const text = stripBidiControls(value);
  if (text.length <= max) return text;
  let keep = Math.max(0, max - ELLIPSIS.length);
  if (keep > 0 && /[\ud800-\udbff]/.test(text[keep - 1])) keep -= 1;
  return text.slice(0, keep) + ELLIPSIS;
}

/** Untrusted text, escaped, cut so that the escaped result (with an ellipsis) fits in `max`. */
export function fitEscaped(text: string, max: number): string {
  const whole = escapeUntrusted(text);
  if (whole.length <= max) return whole;
  // Escaping grows text unevenly: find the longest prefix whose escaped form fits.
  let lo = 0;
  let hi = Math.min(text.length - 1, max);
  let best = max >= ELLIPSIS.length ? ELLIPSIS : '';
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const candidate = escapeUntrusted(clipPlain(text, mid + ELLIPSIS.length));
    if (candidate.length <= max) {
      best = candidate;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

/** Percent-encodes what would end or break a markdown link target; null for anything but http(s). */
export function safeLinkTarget(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  return parsed.href.replace(/[()\s<>[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** One span as Discord markdown: plain text escaped, formatting only from the span's kind. */
export function renderSpan(span: Span): string {
  if (typeof span === 'string') return escapeUntrusted(span);
  if ('bold' in span) return span.bold ? `**${escapeUntrusted(span.bold)}**` : '';
  if ('code' in span) {
    // Escapes do not work inside code; a backtick would end it, so it becomes a look-alike.
    const inner = span.code.replace(/[\r\n]+/g, ' ').replace(/`/g, '\u02cb');
    return inner ? `\`${inner}\`` : '';
  }
  const target = safeLinkTarget(span.link);
  const text = escapeUntrusted(span.text || span.link);
  return target ? `[${text}](${target})` : text;
}

/** A line as Discord markdown. */
export function renderLine(line: Line): string {
  return line.map(renderSpan).join('');
}

/**
 * A line within `max` characters: whole spans while they fit, then as much of the next plain
 * span as fits, then an ellipsis. Formatted spans are never cut (a cut link or bold would break).
 */
export function renderLineWithin(line: Line, max: number): string {
  const whole = renderLine(line);
  if (whole.length <= max) return whole;
  let out = '';
  for (const span of line) {
    const rendered = renderSpan(span);
    if (out.length + rendered.length <= max - ELLIPSIS.length) {
      out += rendered;
      continue;
    }
    if (typeof span === 'string') {
      const cut = fitEscaped(span, max - out.length - ELLIPSIS.length);
      // The span fitted whole in the room left: the ellipsis stands for the spans after it.
      return out + (cut === rendered ? cut + ELLIPSIS : cut);
    }
    break;
  }
  return out + ELLIPSIS;
}
