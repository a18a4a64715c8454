import type { StateAlert } from '../domain/alerts/alerts';
import { planDeliveries } from '../domain/alerts/delivery-plan';
import { buildDigest, digestPeriod } from '../domain/alerts/digest';
import type { TotalsAlert } from '../domain/totals/totals-alerts';
import type { DigestStore } from '../store/digest-store';
import type { OutboxStore } from '../store/outbox-store';
import type { SubscriptionStore } from '../store/subscription-store';

/**
 * Routes a publication's alerts to the channels that follow their states: plans one
 * delivery per channel and state; instant ones go to the outbox at once, digest ones are
 * collected for their period. `flushDigests` turns the periods that are over into one
 * outbox message per channel.
 */
export function createAlertRouter(deps: { subscriptions: SubscriptionStore; outbox: OutboxStore; digests?: DigestStore }) {
  return {
    async route(alerts: StateAlert[], at: Date): Promise<number> {
      const byState = await deps.subscriptions.forStates([...new Set(alerts.map((a) => a.stateCode ?? a.state))]);
      const bySub = new Map<string, { mode: 'daily' | 'weekly'; alerts: StateAlert[] }>();
      let queued = 0;
      // One state's deliveries at a time: a poll that touches every state for thousands of
      // channels never holds all its planned messages at once.
      for (const alert of alerts) {
        const planned = planDeliveries([alert], (key) => byState.get(key) ?? []);
        for (const d of planned) {
          if (d.mode === 'instant' || !deps.digests) continue;
          const entry = bySub.get(d.subscriptionKey) ?? { mode: d.mode, alerts: [] };
          if (d.alert) entry.alerts.push(d.alert);
          bySub.set(d.subscriptionKey, entry);
        }
        queued += await deps.outbox.enqueue(
          planned.filter((d) => d.mode === 'instant'),
          at,
        );
      }
      for (const [key, { mode, alerts: collected }] of bySub) await deps.digests!.add(key, mode, digestPeriod(mode, at), collected);
      return queued;
    },

    /** Queues a totals alert for every channel that follows the national totals (instantly: totals have no digest). */
    async routeTotals(alerts: TotalsAlert[], at: Date): Promise<number> {
      const subs = (await deps.subscriptions.forTotals()).filter((s) => !s.paused && s.kinds.includes('totals'));
      const planned = alerts.flatMap((totals) =>
        subs.map((sub) => ({
          id: `${totals.id}:${sub.key}`,
          subscriptionKey: sub.key,
          platform: sub.platform,
          workspaceId: sub.workspaceId,
          channelId: sub.channelId,
          mode: sub.mode,
          totals,
        })),
      );
      return deps.outbox.enqueue(planned, at);
    },

    /** Queues the digests of every period that has ended by `at`; returns how many. */
    async flushDigests(at: Date): Promise<number> {
      if (!deps.digests) return 0;
      let queued = 0;
      for (const buffer of await deps.digests.all()) {
        if (buffer.period >= digestPeriod(buffer.mode, at)) continue;
        const sub = await deps.subscriptions.get(buffer.subscriptionKey);
        if (sub && !sub.paused && buffer.alerts.length) {
          const digest = buildDigest(buffer.mode, buffer.period, buffer.alerts);
          queued += await deps.outbox.enqueue(
            [
              {
                id: `digest:${buffer.subscriptionKey}:${buffer.period}`,
                subscriptionKey: sub.key,
                platform: sub.platform,
                workspaceId: sub.workspaceId,
                channelId: sub.channelId,
                mode: sub.mode,
                alert: digest.alerts[0],
                digest,
              },
            ],
            at,
          );
        }
        // Queued (or nobody left to read it): the buffer is done. A crash before this line queues the same id again, deduped.
        await deps.digests.remove(buffer);
      }
      return queued;
    },
  };
}

export type AlertRouter = ReturnType<typeof createAlertRouter>;
