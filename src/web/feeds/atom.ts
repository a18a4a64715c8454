import type { FeedDocument } from './feed-document';
import { escapeXml } from './xml';

export const ATOM_CONTENT_TYPE = 'application/atom+xml; charset=utf-8';
/** An empty feed's `updated` (Atom requires one): a fixed time, so that its validators stay the same. */
const NEVER = '1970-01-01T00:00:00.000Z';
const AUTHOR = '<author><name>ice-watch</name></author>';

/** The feed as Atom (RFC 4287): every text escaped, each entry's body as escaped HTML (`type="html"`). */
export function renderAtom(feed: FeedDocument): string {
  const out = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
    `<id>${escapeXml(feed.id)}</id>`,
    `<title>${escapeXml(feed.title)}</title>`,
    `<subtitle>${escapeXml(feed.description)}</subtitle>`,
    `<updated>${escapeXml(feed.updated ?? NEVER)}</updated>`,
    `<link rel="self" type="application/atom+xml" href="${escapeXml(feed.selfUrl)}"/>`,
    `<link rel="alternate" type="text/html" href="${escapeXml(feed.homeUrl)}"/>`,
    AUTHOR,
    '<generator>ice-watch</generator>',
  ];
  for (const e of feed.entries) {
    out.push(
      '<entry>',
      `<id>${escapeXml(e.id)}</id>`,
      `<title>${escapeXml(e.title)}</title>`,
      `<published>${escapeXml(e.published)}</published>`,
      `<updated>${escapeXml(e.published)}</updated>`,
      `<link rel="alternate" type="text/html" href="${escapeXml(e.url)}"/>`,
      ...(e.fileUrl ? [`<link rel="related" href="${escapeXml(e.fileUrl)}"/>`] : []),
      AUTHOR,
      `<content type="html">${escapeXml(e.html)}</content>`,
      '</entry>',
    );
  }
  out.push('</feed>');
  return `${out.join('\n')}\n`;
}
