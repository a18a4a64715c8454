import type { Config } from '../config';
import type { Logger } from '../logging/logger';
import type { OpsRoute } from '../observability/http-server';
import type { Stores } from '../store/open-stores';
import { createStatePageRoutes } from './pages';
import { replyOfEntry } from './feeds/feed-document';
import { createFeedRoutes } from './feeds/feed-routes';
import { replyBodyAsText } from './feeds/reply-render';
import type { LatestEvents } from './pages';

/** What the public web surface reads: the stores, and the settings that shape its links. */
export interface WebDeps {
  config: Config;
  stores: Stores;
  logger: Logger;
  now: () => Date;
}

/**
 * The public web surface, on the server of /healthz (HTTP_PORT, or Slack's HTTP receiver): the
 * feeds (`/feeds/<state|all>.atom|.json`) and the state pages (`/states/<state>`). Off when
 * /healthz is off. Each part lists its own routes; this is the one list of them.
 */
export function createWebRoutes(deps: WebDeps): OpsRoute[] {
  return [
    ...createFeedRoutes({
      events: deps.stores.events,
      logger: deps.logger,
      publicUrl: deps.config.PUBLIC_URL,
      ice287gPageUrl: deps.config.ICE_287G_PAGE_URL,
      iceDetentionPageUrl: deps.config.ICE_DETENTION_PAGE_URL,
    }),
    ...createStatePageRoutes({
      snapshots: deps.stores.snapshots,
      totals: deps.stores.totals,
      publicUrl: deps.config.PUBLIC_URL,
      latestEvents: latestEventsOf(deps.stores),
      logger: deps.logger,
    }),
  ];
}

/** A state page's latest events: the event log's newest alerts of the state, every kind, in the chat alerts' words (as the feed entries). */
function latestEventsOf(stores: Stores): LatestEvents {
  return async (stateCode, limit) =>
    (await stores.events.latest({ stateCode, kinds: null, models: null }, limit)).map((entry) => {
      const reply = replyOfEntry(entry);
      return {
        id: entry.id,
        title: reply.title,
        publishedAt: entry.publishedAt,
        lines: replyBodyAsText(reply)
          .split('\n')
          .filter((l) => l.trim()),
      };
    });
}
