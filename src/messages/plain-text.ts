/**
 * A Reply as plain text, the way a terminal shows it: the console's alerts and answers, and the
 * `text` of a webhook's JSON (one wording, every surface). Links move to lines of their own.
 */
import { stripBidiControls } from '../domain/text';
import type { Line, Paging, Reply, Span } from './reply';

/** Strips terminal control characters and bidirectional controls from untrusted text (ICE's cells) before printing. */
export function plainText(value: string): string {
  return stripBidiControls(value).replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

export interface TextOptions {
  /**
   * A message arriving in the stream (an alert, a digest) opens with its title between rules,
   * "── 3 new 287(g) agreements in Texas ──"; an answer opens with its title alone.
   */
  banner?: boolean;
  /** What to type for another page of a paged answer (the terminal's own command line); absent: the page is only counted. */
  pageCommand?: (paging: Paging, page: number) => string;
}

type LinkSpan = Extract<Span, { link: string }>;
const isLink = (s: Span | undefined): s is LinkSpan => typeof s === 'object' && 'link' in s;
/** A link whose words are its address ("https://www.ice.gov/…") reads as part of its sentence. */
const movesOut = (s: Span | undefined): boolean => isLink(s) && s.text !== s.link;

/**
 * A line for a terminal: the sentence as every platform words it, with its document links
 * moved to lines of their own and shown whole ("    MOA: https://..."), since a terminal
 * cannot hide a URL behind a word. The " · " that only introduces a moved link goes with it.
 */
function terminalLines(line: Line, indent: string, linkIndent: string): string[] {
  const words: string[] = [];
  const links: string[] = [];
  line.forEach((span, i) => {
    if (typeof span === 'string') {
      if (!(span.trim() === '·' && movesOut(line[i + 1]))) words.push(span);
    } else if (isLink(span)) {
      if (movesOut(span)) links.push(`${linkIndent}${plainText(span.text)}: ${plainText(span.link)}`);
      else words.push(span.link);
    } else words.push('bold' in span ? span.bold : span.code);
  });
  const text = plainText(words.join('').replace(/ · $/, '')).replace(/\n/g, `\n${' '.repeat(indent.length + 2)}`);
  return [`${indent}${text}`, ...links];
}

/** Renders a Reply (an answer, an alert, a digest) as the plain text a terminal shows. */
export function renderReplyAsText(reply: Reply, options: TextOptions = {}): string {
  const title = plainText(reply.title);
  const out = [options.banner ? `── ${title} ──` : `${reply.tone === 'error' ? '✗ ' : ''}${title}`];
  for (const block of reply.blocks) {
    if (block.kind === 'text') for (const line of block.lines) out.push(...terminalLines(line, '', '  '));
    else if (block.kind === 'fields') for (const f of block.fields) out.push(...terminalLines([`${f.name}: `, ...f.value], '', '  '));
    else {
      if (block.heading) out.push(`${plainText(block.heading)}:`);
      for (const item of block.items) out.push(...terminalLines(item, '  • ', '    '));
    }
  }
  if (reply.paging) {
    const { page, pages } = reply.paging;
    const next = page < pages && options.pageCommand ? ` (next: ${options.pageCommand(reply.paging, page + 1)})` : '';
    out.push(`Page ${page} of ${pages}${next}`);
  }
  if (reply.footer) out.push(plainText(reply.footer));
  return out.join('\n');
}
