/**
 * Finds ICE's file links on its HTML pages. ICE changes file URLs with every
 * publication and alternates between `/doclib/...xlsx` and
 * `/file-download/download/public/<id>` (no file name), so links are
 * discovered on every poll, by what their URL or their text says.
 *
 * A tolerant regex scanner, not a DOM: ICE's markup is simple, and a missing
 * link must give `null`, never an exception.
 */
import { cleanText } from '../domain/text';

export interface PageLink {
  /** Absolute URL, resolved against the page. */
  url: string;
  /** The link's own text, tags stripped, entities decoded, whitespace folded. */
  text: string;
  /** The link's title / aria-label / download attributes, folded like `text`. */
  attributes: string;
  /** Text just before the link (and after it, in the same block), for "Participating agencies: [XLSX]". */
  nearby: string;
  /** The nearest heading above the link. */
  heading: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '-', mdash: '-' };
const BLOCK_TAG =
  /<\/?(?:p|li|ul|ol|div|td|th|tr|table|h[1-6]|section|article|header|footer|nav|dt|dd|dl|br|hr)\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
const ANCHOR = /<a\b((?:[^>"']|"[^"]*"|'[^']*')*)>([\s\S]*?)<\/a\s*>/gi;
const ATTRIBUTE = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
const HEADING = /<h[1-6]\b[^>]*>([\s\S]*?)<\/h[1-6]\s*>/gi;
/** A link to a file rather than to another page: ICE's download paths, a spreadsheet extension, a local file. */
const FILE_LIKE = /(?:\.(?:xlsx|xlsm|xls|csv|ods)(?:$|[?#])|\/file-download\/|\/doclib\/|\/sites\/default\/files\/|^file:)/i;
/** What the workbooks look like: a spreadsheet extension or ICE's extension-less download path. */
const WORKBOOK_LIKE = /(?:\.(?:xlsx|xlsm|xls)(?:$|[?#])|\/file-download\/download\/)/i;

/** Decodes the HTML entities ICE's pages use (named basics and numeric). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Markup to plain text: tags stripped, entities decoded, whitespace folded. */
export function htmlToText(html: string): string {
  return cleanText(decodeEntities(html.replace(/<[^>]*>/g, ' ')));
}

function parseAttributes(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const m of source.matchAll(ATTRIBUTE)) {
    const name = m[1].toLowerCase();
    if (!attributes.has(name)) attributes.set(name, decodeEntities(m[2] ?? m[3] ?? m[4] ?? '').trim());
  }
  return attributes;
}

/** Last non-empty block of text in `html`, or with `fromStart` the first one. */
function nearestBlockText(html: string, fromStart: boolean): string {
  const chunks = html.split(BLOCK_TAG).map(htmlToText).filter(Boolean);
  return (fromStart ? chunks[0] : chunks[chunks.length - 1]) ?? '';
}

/** Every `<a href>` on the page with its text and surroundings; comments, scripts and styles are ignored. */
export function scanLinks(html: string, pageUrl: string): PageLink[] {
  const clean = html.replace(/<!--[\s\S]*?-->/g, ' ').replace(/<(script|style|template)\b[\s\S]*?<\/\1\s*>/gi, ' ');
  const headings = [...clean.matchAll(HEADING)].map((m) => ({ at: m.index, text: htmlToText(m[1]) }));
  const anchors = [...clean.matchAll(ANCHOR)];
  // A page URL that is no URL (a bare path) still lets absolute hrefs through.
  const base = URL.canParse(pageUrl) ? pageUrl : undefined;
  const links: PageLink[] = [];
  anchors.forEach((m, i) => {
    const attributes = parseAttributes(m[1]);
    const href = attributes.get('href');
    if (!href || /^(?:#|mailto:|javascript:|tel:)/i.test(href)) return;
    let url: string;
    try {
      url = new URL(href, base).href;
    } catch {
      return;
    }
    const start = m.index;
    const end = start + m[0].length;
    const previousEnd = i > 0 ? anchors[i - 1].index + anchors[i - 1][0].length : 0;
    const nextStart = i + 1 < anchors.length ? anchors[i + 1].index : clean.length;
    const before = nearestBlockText(clean.slice(Math.max(previousEnd, start - 2000), start), false);
    const afterBlock = clean.slice(end, Math.min(nextStart, end + 500)).split(BLOCK_TAG)[0];
    const heading = headings.filter((h) => h.at < start).pop()?.text ?? '';
    links.push({
      url,
      text: htmlToText(m[2]),
      attributes: cleanText(['title', 'aria-label', 'download'].map((a) => attributes.get(a) ?? '').join(' ')),
      nearby: cleanText(`${before} ${htmlToText(afterBlock)}`),
      heading,
    });
  });
  return links;
}

type Kind = 'participating' | 'pending';
const WORDS: Record<Kind, RegExp> = { participating: /(?<![a-z])participating/i, pending: /(?<![a-z])pending/i };
const URL_WORDS: Record<Kind, RegExp> = { participating: /participating/i, pending: /pending/i };

/** The file-name part of a URL (last path segment and query), where ICE puts "participatingAgencies". */
function urlTail(url: string): string {
  const u = new URL(url);
  return decodeURIComponentSafe(u.pathname.split('/').pop() ?? '') + u.search;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Which list a link is for, and how sure: tier 0 = its URL says so, 1 = its
 * text or title, 2 = the text beside it, 3 = the heading above it. A source
 * that names both lists ("pending agencies are not yet participating") is
 * skipped in favour of the next one.
 */
function classify(link: PageLink): { kind: Kind; tier: number } | null {
  const sources: Array<[string, Record<Kind, RegExp>]> = [
    [urlTail(link.url), URL_WORDS],
    [`${link.text} ${link.attributes}`, WORDS],
    [link.nearby, WORDS],
    [link.heading, WORDS],
  ];
  for (let tier = 0; tier < sources.length; tier++) {
    const [text, words] = sources[tier];
    const participating = words.participating.test(text);
    const pending = words.pending.test(text);
    if (participating !== pending) return { kind: participating ? 'participating' : 'pending', tier };
  }
  return null;
}

/**
 * Finds the "Participating Agencies" and "Pending Agencies" workbook links
 * on ICE's 287(g) page. Only links to files count (xlsx, `/file-download/`,
 * `/doclib/`, `file:`); page anchors such as `#participating` never do.
 * Workbook-looking links beat other files; then the most explicit link wins
 * (URL, then link text, then nearby text, then the heading); then the first
 * on the page (a synthesized folder page lists the newest file first).
 *
 * @example
 *   discover287gLinks('<a href="/doclib/287gMOA/pendingAgencies02272026am.xlsx">Pending</a>', 'https://www.ice.gov/identify-and-arrest/287g')
 *   // => { participating: null, pending: 'https://www.ice.gov/doclib/287gMOA/pendingAgencies02272026am.xlsx' }
 */
export function discover287gLinks(html: string, pageUrl: string): { participating: string | null; pending: string | null } {
  const best: Record<Kind, { url: string; rank: number } | null> = { participating: null, pending: null };
  for (const link of scanLinks(html, pageUrl)) {
    const saysSpreadsheet = /\b(?:xlsx|excel|spreadsheet)\b/i.test(`${link.text} ${link.attributes}`);
    if (!FILE_LIKE.test(link.url) && !saysSpreadsheet) continue;
    const found = classify(link);
    if (!found) continue;
    // A workbook-looking link beats any other file (a PDF in /doclib/), whatever the tier.
    const rank = found.tier + (WORKBOOK_LIKE.test(link.url) || saysSpreadsheet ? 0 : 10);
    const current = best[found.kind];
    if (!current || rank < current.rank) best[found.kind] = { url: link.url, rank };
  }
  return { participating: best.participating?.url ?? null, pending: best.pending?.url ?? null };
}

/** Sort key of a detention file name: fiscal year, then the MMDDYYYY release date as YYYYMMDD. */
function detentionKey(name: string): [number, string] {
  const date = /detentionstats[_-]?(\d{2})(\d{2})(\d{4})/i.exec(name);
  const ymd = date ? `${date[3]}${date[1]}${date[2]}` : '';
  const fy = /FY[_-]?(\d{4}|\d{2})(?!\d)/i.exec(name);
  let year = fy ? Number(fy[1]) : 0;
  if (year > 0 && year < 100) year += 2000;
  // A dated name without an FY prefix: October starts the next fiscal year.
  if (!year && date) year = Number(date[3]) + (Number(date[1]) >= 10 ? 1 : 0);
  return [year, ymd];
}

/**
 * The newest `detentionStats` workbook link on ICE's detention-management
 * page: by fiscal year, then by the MMDDYYYY date in the name
 * (`FY26_detentionStats02022026.xlsx`, `FY26_detentionStats_02122026.xlsx`);
 * undated names (`FY24_detentionStats.xlsx`, `FY20-detentionstats.xlsx`) rank
 * by FY only; ties keep the first on the page. Null when there is none.
 */
export function discoverDetentionLink(html: string, pageUrl: string): string | null {
  let best: { url: string; key: [number, string] } | null = null;
  for (const link of scanLinks(html, pageUrl)) {
    const name = urlTail(link.url);
    if (!/detentionstats/i.test(name) || !/\.xlsx?(?:$|\?)/i.test(name)) continue;
    const key = detentionKey(name);
    if (!best || key[0] > best.key[0] || (key[0] === best.key[0] && key[1] > best.key[1])) best = { url: link.url, key };
  }
  return best?.url ?? null;
}
