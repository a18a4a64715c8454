import type { StateAlert } from '../domain/alerts';
import { planDeliveries } from '../domain/delivery-plan';
import type { Subscription } from '../domain/subscriptions';
import type { OutboxStore } from '../store/outbox-store';
import type { SubscriptionStore } from '../store/subscription-store';

/**
 * Routes a publication's alerts to the channels that follow their states: plans one
 * delivery per channel and state, and writes the instant ones to the outbox. Digest
 * subscriptions (daily, weekly) are not delivered here.
 */
export function createAlertRouter(deps: { subscriptions: SubscriptionStore; outbox: OutboxStore }) {
  return {
    async route(alerts: StateAlert[], at: Date): Promise<number> {
      const byState = new Map<string, Subscription[]>();
      for (const a of alerts) {
        const key = a.stateCode ?? a.state;
        if (!byState.has(key)) byState.set(key, await deps.subscriptions.forState(key));
      }
      const planned = planDeliveries(alerts, (key) => byState.get(key) ?? []).filter((d) => d.mode === 'instant');
      return deps.outbox.enqueue(planned, at);
    },
  };
}
