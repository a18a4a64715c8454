import type { StateAlert } from '../domain/alerts/alerts';
import { planDeliveries, planFacilityDeliveries } from '../domain/alerts/delivery-plan';
import { buildDigest, digestPeriod } from '../domain/alerts/digest';
import type { FacilityAlert, TotalsAlert } from '../domain/totals/totals-alerts';
import type { DigestStore } from '../store/digest-store';
import type { EventLog } from '../store/event-log';
import type { OutboxStore } from '../store/outbox-store';
import type { SubscriptionStore } from '../store/subscription-store';
import type { SubscriberGroup } from '../store/subscribers';

/**
 * Routes a publication's alerts to the channels that follow their states, set-based: the
 * database finds the groups of channels that plan alike (same kinds, models and mode), Node cuts
 * the alert once per group with planDeliveries (the one rule of who gets what), and the database
 * inserts the group's deliveries itself (instant ones into the outbox, digest ones into their
 * buffers), so one alert for 100,000 channels never loads 100,000 subscriptions. `flushDigests`
 * turns the periods that are over into one outbox message per channel.
 */
export function createAlertRouter(deps: {
  subscriptions: SubscriptionStore;
  outbox: OutboxStore;
  digests?: DigestStore;
  /**
   * The public record (feeds, state pages): every alert routed is recorded there first, by its id, so a
   * poll that crashed before its snapshot was saved records the same ids again, kept once. Absent in
   * tests that look only at the outbox.
   */
  events?: EventLog;
}) {
  return {
    async route(alerts: StateAlert[], at: Date): Promise<number> {
      await deps.events?.record(alerts, at);
      let queued = 0;
      for (const alert of alerts) {
        const audience = { state: alert.stateCode ?? alert.state };
        const instant: Array<{ group: SubscriberGroup; alert: StateAlert }> = [];
        const digest: Array<{ group: SubscriberGroup; period: string; alert: StateAlert }> = [];
        for (const { group, sample } of await deps.subscriptions.groupsFollowing(audience)) {
          // The sample stands for every channel of its group: what it gets, they all get.
          const [planned] = planDeliveries([alert], () => [sample]);
          if (!planned?.alert) continue;
          if (sample.mode === 'instant') instant.push({ group, alert: planned.alert });
          else digest.push({ group, period: digestPeriod(sample.mode, at), alert: planned.alert });
        }
        queued += await deps.outbox.enqueueForGroups(audience, instant, alert.id, at);
        if (deps.digests) await deps.digests.addForGroups(audience, digest, at);
      }
      return queued;
    },

    /** Queues a totals alert for every unpaused channel that follows the national totals (instantly: totals have no digest). */
    async routeTotals(alerts: TotalsAlert[], at: Date): Promise<number> {
      await deps.events?.record(alerts, at);
      let queued = 0;
      for (const totals of alerts)
        queued += await deps.outbox.enqueueForSubscribers({ totals: true }, null, { idPrefix: totals.id, totals }, at);
      return queued;
    },

    /**
     * Queues each state's facility changes for the channels following that state with the `facilities` kind.
     * A release changes a few dozen states at most, every two weeks: the channels are read, not planned in SQL.
     */
    async routeFacilities(alerts: FacilityAlert[], at: Date): Promise<number> {
      if (!alerts.length) return 0;
      await deps.events?.record(alerts, at);
      const byState = await deps.subscriptions.forStates([...new Set(alerts.map((a) => a.stateCode))]);
      return deps.outbox.enqueue(
        planFacilityDeliveries(alerts, (code) => byState.get(code) ?? []),
        at,
      );
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
