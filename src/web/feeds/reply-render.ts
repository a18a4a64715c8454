import type { Line, Reply, Span } from '../../messages/reply';
import { escapeMarkup, lineHtml, xmlSafeText } from '../markup';

/**
 * A neutral Reply (an alert as the chat platforms get it, src/messages) as a feed entry's body:
 * plain text for JSON Feed's `content_text`, HTML for Atom's `content type="html"` and JSON
 * Feed's `content_html`. The words are the Reply's: this only lays them out, so a feed says
 * what a channel is told.
 */

function spanText(span: Span): string {
  if (typeof span === 'string') return span;
  if ('bold' in span) return span.bold;
  if ('code' in span) return span.code;
  return span.text === span.link ? span.link : `${span.text} (${span.link})`;
}

const lineText = (line: Line) => xmlSafeText(line.map(spanText).join(''));

/** The Reply's blocks and footer as plain text (its title is the entry's title), links written out after their words. */
export function replyBodyAsText(reply: Reply): string {
  const out: string[] = [];
  for (const block of reply.blocks) {
    if (block.kind === 'text') out.push(...block.lines.map(lineText));
    else if (block.kind === 'fields') out.push(...block.fields.map((f) => lineText([`${f.name}: `, ...f.value])));
    else {
      if (block.heading) out.push('', `${xmlSafeText(block.heading)}:`);
      out.push(...block.items.map((item) => `• ${lineText(item)}`));
      out.push('');
    }
  }
  if (reply.footer) out.push(xmlSafeText(reply.footer));
  return out
    .join('\n')
    .replace(/^\n+/, '')
    .replace(/\n{3,}/g, '\n\n');
}

/** The Reply's blocks and footer as HTML: a heading and a list per section, a paragraph per field and line. */
export function replyBodyAsHtml(reply: Reply): string {
  const out: string[] = [];
  for (const block of reply.blocks) {
    if (block.kind === 'text') out.push(...block.lines.map((l) => `<p>${lineHtml(l)}</p>`));
    else if (block.kind === 'fields')
      out.push(...block.fields.map((f) => `<p><strong>${escapeMarkup(f.name)}:</strong> ${lineHtml(f.value)}</p>`));
    else {
      if (block.heading) out.push(`<h3>${escapeMarkup(block.heading)}</h3>`);
      out.push(`<ul>${block.items.map((item) => `<li>${lineHtml(item)}</li>`).join('')}</ul>`);
    }
  }
  if (reply.footer) out.push(`<p><small>${escapeMarkup(reply.footer)}</small></p>`);
  return out.join('\n');
}
