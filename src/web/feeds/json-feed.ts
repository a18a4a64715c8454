import type { FeedDocument } from './feed-document';

export const JSON_FEED_CONTENT_TYPE = 'application/feed+json; charset=utf-8';
export const JSON_FEED_VERSION = 'https://jsonfeed.org/version/1.1';

/** The feed as JSON Feed 1.1 (https://jsonfeed.org/version/1.1): JSON.stringify escapes what it must. */
export function renderJsonFeed(feed: FeedDocument): string {
  const body = {
    version: JSON_FEED_VERSION,
    title: feed.title,
    description: feed.description,
    home_page_url: feed.homeUrl,
    feed_url: feed.selfUrl,
    language: 'en',
    authors: [{ name: 'ice-watch' }],
    items: feed.entries.map((e) => ({
      id: e.id,
      url: e.url,
      ...(e.fileUrl ? { external_url: e.fileUrl } : {}),
      title: e.title,
      content_html: e.html,
      content_text: e.text,
      date_published: e.published,
    })),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
