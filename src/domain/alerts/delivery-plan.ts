import { alertTitle, type StateAlert } from './alerts';
import type { Digest } from './digest';
import type { FacilityAlert, TotalsAlert } from '../totals/totals-alerts';
import { kindOfEvent, subscriptionWants, type Subscription } from './subscriptions';

/** One message planned for one channel: a state's alert, cut down to what the channel follows. */
export interface PlannedDelivery {
  /** Stable: the same poll and channel always give the same id, so a replan after a crash dedupes. */
  id: string;
  subscriptionKey: string;
  platform: Subscription['platform'];
  workspaceId: string;
  channelId: string;
  mode: Subscription['mode'];
  /** The state's alert (absent for a totals alert); for a digest, its first state's (renderers use `digest` then). */
  alert?: StateAlert;
  /** Set for a national totals alert (`detention.released`, `daily.reported`). */
  totals?: TotalsAlert;
  /** Set for a daily or weekly digest: every state's changes of the period in one message. */
  digest?: Digest;
}

/**
 * Plans who gets what from one poll's alerts: for each alert (one state) and each
 * subscription that follows that state, the events of the kinds and models it asked for,
 * as one message with its own title. Paused subscriptions get nothing. Pure.
 */
export function planDeliveries(
  alerts: readonly StateAlert[],
  subscriptionsByState: (stateKey: string) => readonly Subscription[],
): PlannedDelivery[] {
  const planned: PlannedDelivery[] = [];
  for (const alert of alerts) {
    const stateKey = alert.stateCode ?? alert.state;
    for (const sub of subscriptionsByState(stateKey)) {
      const events = alert.events.filter((e) => {
        const kind = kindOfEvent(e.type);
        const model = 'model' in e ? e.model : null;
        return kind !== null && subscriptionWants(sub, kind, stateKey, model);
      });
      // A state event alone (first/cleared) says little without its agreements; it travels with them.
      if (!events.some((e) => e.type !== 'state.first' && e.type !== 'state.cleared')) continue;
      planned.push({
        id: `${alert.id}:${sub.key}`,
        subscriptionKey: sub.key,
        platform: sub.platform,
        workspaceId: sub.workspaceId,
        channelId: sub.channelId,
        mode: sub.mode,
        alert: events.length === alert.events.length ? alert : { ...alert, events, title: alertTitle(alert.state, events) },
      });
    }
  }
  return planned;
}

/**
 * Plans a detention release's facility alerts: each state's alert goes to the channels that
 * follow that state (or all states) with the `facilities` kind, instantly (like the totals,
 * facility alerts have no digest). Paused subscriptions get nothing. Pure; the router calls it
 * with its store's `forStates` answer.
 */
export function planFacilityDeliveries(
  alerts: readonly FacilityAlert[],
  subscriptionsByState: (stateCode: string) => readonly Subscription[],
): PlannedDelivery[] {
  return alerts.flatMap((alert) =>
    subscriptionsByState(alert.stateCode)
      .filter((sub) => subscriptionWants(sub, 'facilities', alert.stateCode, null))
      .map((sub) => ({
        id: `${alert.id}:${sub.key}`,
        subscriptionKey: sub.key,
        platform: sub.platform,
        workspaceId: sub.workspaceId,
        channelId: sub.channelId,
        mode: sub.mode,
        totals: alert,
      })),
  );
}
