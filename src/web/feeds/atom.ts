import type { FeedDocument } from './feed-document';
import { escapeMarkup } from '../markup';

export const ATOM_CONTENT_TYPE = 'application/atom+xml; charset=utf-8';
/** An empty feed's `updated` (Atom requires one): a fixed time, so that its validators stay the same. */
const NEVER = '1970-01-01T00:00:00.000Z';
const AUTHOR = '<author><name>ice-watch</name></author>';

/** The feed as Atom (RFC 4287): every text escaped, each entry's body as escaped HTML (`type="html"`). */
export function renderAtom(feed: FeedDocument): string {
  const out = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
    `<id>${escapeMarkup(feed.id)}</id>`,
    `<title>${escapeMarkup(feed.title)}</title>`,
    `<subtitle>${escapeMarkup(feed.description)}</subtitle>`,
    `<updated>${escapeMarkup(feed.updated ?? NEVER)}</updated>`,
    `<link rel="self" type="application/atom+xml" href="${escapeMarkup(feed.selfUrl)}"/>`,
    `<link rel="alternate" type="text/html" href="${escapeMarkup(feed.homeUrl)}"/>`,
    AUTHOR,
    '<generator>ice-watch</generator>',
  ];
  for (const e of feed.entries) {
    out.push(
      '<entry>',
      `<id>${escapeMarkup(e.id)}</id>`,
      `<title>${escapeMarkup(e.title)}</title>`,
      `<published>${escapeMarkup(e.published)}</published>`,
      `<updated>${escapeMarkup(e.published)}</updated>`,
      `<link rel="alternate" type="text/html" href="${escapeMarkup(e.url)}"/>`,
      ...(e.fileUrl ? [`<link rel="related" href="${escapeMarkup(e.fileUrl)}"/>`] : []),
      AUTHOR,
      `<content type="html">${escapeMarkup(e.html)}</content>`,
      '</entry>',
    );
  }
  out.push('</feed>');
  return `${out.join('\n')}\n`;
}
