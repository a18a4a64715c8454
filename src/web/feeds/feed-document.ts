import { isStateAlert } from '../../domain/alerts/feed-cut';
import type { StateInfo } from '../../domain/states';
import { alertToReply } from '../../messages/alert-message';
import { totalsAlertToReply } from '../../messages/totals-message';
import type { EventLogEntry, FeedFilter } from '../../store/event-log';
import { stateSlug } from '../state-slug';
import { safeHref } from '../safe-href';
import { replyBodyAsHtml, replyBodyAsText } from './reply-render';

/** A feed before it is written as Atom or JSON Feed: absolute URLs, texts, times. */
export interface FeedDocument {
  /** Stable, whatever host serves it: `urn:ice-watch:feed:texas` (and the filter). */
  id: string;
  title: string;
  description: string;
  /** The newest entry's publication time (ISO); null when the feed is empty. */
  updated: string | null;
  selfUrl: string;
  /** The page this feed is of: the state's page, or ICE's 287(g) page for all states. */
  homeUrl: string;
  entries: FeedEntry[];
}

export interface FeedEntry {
  /** Stable: the event log's id (and the feed's filter, which cuts the entry). */
  id: string;
  title: string;
  /** Where to read more: the state's page, or ICE's detention page for the national figures. */
  url: string;
  /** The ICE file it came from, when known. */
  fileUrl: string | null;
  published: string;
  text: string;
  html: string;
}

/** What a request for a feed names: one state or all, the filter, the format. */
export interface FeedRequest {
  state: StateInfo | 'all';
  filter: FeedFilter;
  format: 'atom' | 'json';
}

export interface FeedContext {
  /** `https://ice-watch.example.org` (PUBLIC_URL, else the request's host), no trailing slash. */
  baseUrl: string;
  ice287gPageUrl: string;
  iceDetentionPageUrl: string;
}

/** `new-york` for New York: the path segment of a state's feeds and page. */

/** `?kinds=agreements,endings&models=TFM` for a filter (empty without one), in one canonical order. */
export function filterQuery(filter: FeedFilter): string {
  const parts = [
    ...(filter.kinds ? [`kinds=${filter.kinds.join(',')}`] : []),
    ...(filter.models ? [`models=${filter.models.join(',')}`] : []),
  ];
  return parts.length ? `?${parts.join('&')}` : '';
}

/** `;kinds=endings;models=TFM`: the filter inside a URN (an entry cut by a filter is not the whole entry). */
const filterUrnPart = (filter: FeedFilter) => filterQuery(filter).replace(/^\?/, ';').replace(/&/g, ';');

function filterWords(filter: FeedFilter): string {
  const parts = [...(filter.kinds ? [filter.kinds.join(', ')] : []), ...(filter.models ? [filter.models.join(', ')] : [])];
  return parts.length ? ` (${parts.join('; ')})` : '';
}

/**
 * An event id as a part of a valid IRI (atom:id): what a URN may not hold (a space of a state name that
 * matched no state, `%`, `<`, `"`, ...) percent-encoded; ordinary ids (letters, digits, `:-._`) unchanged.
 */
export const iriSafe = (id: string): string => id.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/g, (c) => encodeURIComponent(c));

/** A logged alert in the words of the chat alert (src/messages): its title and lines. */
export const replyOfEntry = (entry: EventLogEntry) =>
  isStateAlert(entry.alert) ? alertToReply(entry.alert) : totalsAlertToReply(entry.alert);

/** The entry of one logged alert: the title and body the chat alert has (src/messages). */
export function feedEntry(
  entry: EventLogEntry,
  request: FeedRequest,
  context: FeedContext,
  stateOf: (code: string) => StateInfo | undefined,
): FeedEntry {
  const reply = replyOfEntry(entry);
  const state = entry.stateCode ? stateOf(entry.stateCode) : undefined;
  const url = state
    ? `${context.baseUrl}/states/${stateSlug(state)}`
    : isStateAlert(entry.alert)
      ? context.ice287gPageUrl
      : context.iceDetentionPageUrl;
  return {
    id: `urn:ice-watch:event:${iriSafe(entry.id)}${filterUrnPart(request.filter)}`,
    title: reply.title,
    url,
    // ICE's file on the web; a local path (a replay of files on disk) is nobody else's business.
    fileUrl: safeHref(entry.publication.url),
    published: entry.publishedAt,
    text: replyBodyAsText(reply),
    html: replyBodyAsHtml(reply),
  };
}

/** The feed around its entries. */
export function feedDocument(request: FeedRequest, entries: FeedEntry[], updated: string | null, context: FeedContext): FeedDocument {
  const slug = request.state === 'all' ? 'all' : stateSlug(request.state);
  const where = request.state === 'all' ? 'every state' : request.state.name;
  const query = filterQuery(request.filter);
  return {
    id: `urn:ice-watch:feed:${slug}${filterUrnPart(request.filter)}`,
    title: `ice-watch: ICE 287(g) and detention alerts for ${where}${filterWords(request.filter)}`,
    description:
      request.state === 'all'
        ? "Every change ice-watch found in ICE's published 287(g) lists and detention statistics, as its chat alerts say it."
        : `The changes ice-watch found in ICE's published 287(g) lists and detention statistics for ${where}, as its chat alerts say it.`,
    updated,
    selfUrl: `${context.baseUrl}/feeds/${slug}.${request.format}${query}`,
    homeUrl: request.state === 'all' ? context.ice287gPageUrl : `${context.baseUrl}/states/${slug}`,
    entries,
  };
}
