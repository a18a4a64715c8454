import type { TotalsAlert } from '../totals/totals-alerts';
import { MODELS, type Model } from '../types';
import type { StateAlert } from './alerts';
import { planDeliveries, planFacilityDeliveries } from './delivery-plan';
import { KINDS, kindOfEvent, type Kind, type Subscription, subscriptionWants } from './subscriptions';

/** Any alert the bot publishes: a state's 287(g) changes, or a national totals or a state's facilities alert. */
export type PublishedAlert = StateAlert | TotalsAlert;

export const isStateAlert = (a: PublishedAlert): a is StateAlert => !('kind' in a);

/** What a feed (or a page) shows: one state or every one, and the kinds and models asked for (null: all). */
export interface FeedFilter {
  /** A USPS code; null for every state and the national alerts. */
  stateCode: string | null;
  kinds: readonly Kind[] | null;
  models: readonly Model[] | null;
}

/**
 * The channel a feed reads like: the same states, kinds and models, never paused. A feed is
 * cut by the rule that cuts a channel's alerts (planDeliveries, subscriptionWants), not by a
 * second rule of its own, so a feed of `?kinds=endings&models=TFM` shows what a channel
 * subscribed to `endings` for TFM gets. No kinds asked: every kind, corrections included
 * (a feed is the public record; a channel's defaults leave corrections out).
 */
export function feedSubscription(filter: FeedFilter): Subscription {
  const nobody = { id: 'feed', name: 'feed' };
  return {
    key: 'feed',
    platform: 'console',
    workspaceId: 'feed',
    channelId: 'feed',
    channelName: null,
    states: filter.stateCode ? [filter.stateCode] : 'all',
    kinds: [...(filter.kinds ?? KINDS)],
    models: filter.models ? [...filter.models] : null,
    mode: 'instant',
    createdBy: nobody,
    createdAt: '',
    updatedBy: nobody,
    updatedAt: '',
    paused: null,
  };
}

/**
 * The alert as the feed's channel would get it: a state's alert cut to the events of its kinds
 * and models (with the title of what is left), a totals or facilities alert whole; null when
 * the channel would get nothing of it.
 */
export function cutForFeed<A extends PublishedAlert>(alert: A, filter: FeedFilter): A | null {
  const sub = feedSubscription(filter);
  if (isStateAlert(alert)) return (planDeliveries([alert], () => [sub])[0]?.alert as A | undefined) ?? null;
  if (alert.kind === 'facilities.changed') return planFacilityDeliveries([alert], () => [sub]).length ? alert : null;
  return subscriptionWants(sub, 'totals', null, null) ? alert : null;
}

/**
 * The (kind, model) pairs a filter can match an alert by, for a store to index: an alert
 * passes a filter of kinds K and models M exactly when one of its facets has a kind in K and
 * a model in M or none, which is what `cutForFeed` keeps. The state-wide events (first, cleared)
 * have no facet: alone they reach no channel (planDeliveries).
 */
export function facetsOf(alert: PublishedAlert): Array<{ kind: Kind; model: string | null }> {
  if (!isStateAlert(alert)) return [{ kind: alert.kind === 'facilities.changed' ? 'facilities' : 'totals', model: null }];
  const seen = new Map<string, { kind: Kind; model: string | null }>();
  for (const e of alert.events) {
    const kind = kindOfEvent(e.type);
    if (!kind || e.type === 'state.first' || e.type === 'state.cleared') continue;
    // A model cell ICE printed that is none of the three is kept as published in the event, and faceted as
    // `other`: no model filter asks for it (as no channel's models do), and a facet stays short whatever ICE printed.
    const printed = 'model' in e ? e.model : null;
    const model = printed && !(MODELS as readonly string[]).includes(printed) ? 'other' : printed;
    seen.set(`${kind}\u0000${model ?? ''}`, { kind, model });
  }
  return [...seen.values()];
}
