import type { Logger } from '../logging/logger';
import type { Leases } from '../store/atomic';

export const POLL_LEASE = 'poll-lease';

export interface PollLeaseDeps {
  leases: Leases;
  /** This instance (host, pid and a random part). */
  owner: string;
  ttlMs: number;
  logger: Logger;
  /** Called when this instance becomes the poller (at start, or on taking over from a dead one). */
  onGained?: () => void;
}

/**
 * Exactly one instance polls at a time: the holder of a lease on Redis. The holder renews it
 * every third of its time to live; the others try to take it as often, so when the holder
 * dies (and stops renewing) another takes over within the lease time and polls at once.
 * A crash mid-poll loses nothing: the outbox entries a poll plans have stable ids and the
 * snapshot is stored after them, so the new holder's poll re-plans the same deliveries.
 */
export function createPollLease(deps: PollLeaseDeps) {
  const { leases, owner, ttlMs, logger } = deps;
  let held = false;
  let timer: NodeJS.Timeout | null = null;

  async function check(): Promise<boolean> {
    let now: boolean;
    try {
      now = await leases.acquire(POLL_LEASE, owner, ttlMs);
    } catch (err) {
      // Cannot reach Redis: this instance cannot know it still holds the lease, so it stops polling.
      logger.warn({ err }, 'poll lease cannot be checked; not polling until it can');
      now = false;
    }
    if (now && !held) {
      logger.info({ owner }, 'this instance holds the poll lease: it polls ICE now');
      held = true;
      deps.onGained?.();
    } else if (!now && held) {
      logger.warn({ owner }, 'poll lease lost to another instance');
    }
    held = now;
    return now;
  }

  return {
    /** Whether this instance may poll now (renews the lease when it holds it). */
    holds: check,
    get held() {
      return held;
    },
    /** Checks now, then every third of the lease's time. */
    async start(): Promise<void> {
      await check();
      timer = setInterval(() => void check(), Math.max(250, Math.floor(ttlMs / 3)));
      timer.unref();
    },
    /** Stops renewing and gives the lease up, so another instance takes over at once. */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      if (held) await leases.release(POLL_LEASE, owner).catch(() => undefined);
      held = false;
    },
  };
}

export type PollLease = ReturnType<typeof createPollLease>;
