import type { Logger } from '../logging/logger';
import type { Leases } from '../store/leases';
import { within } from './within';

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
 * Exactly one instance polls and sends at a time: the holder of a lease row in the database
 * (src/store/leases.ts, expiry on the database's clock). The holder renews it every third of
 * its time to live; the others try to take it as often, so when the holder dies (and stops
 * renewing) another takes over within the lease time and polls at once. A crash mid-poll
 * loses nothing: the outbox entries a poll plans have stable ids and the snapshot is stored
 * after them, so the new holder's poll re-plans the same deliveries.
 *
 * Each check is bounded by a third of the lease: a database that hangs makes this instance
 * stop leading (it cannot know it still holds the lease), never hangs the jobs that ask.
 */
export function createPollLease(deps: PollLeaseDeps) {
  const { leases, owner, ttlMs, logger } = deps;
  const checkWithinMs = Math.max(250, Math.floor(ttlMs / 3));
  let held = false;
  let timer: NodeJS.Timeout | null = null;
  let checking: Promise<boolean> | null = null;

  async function check(): Promise<boolean> {
    let now: boolean;
    try {
      now = await within(leases.acquire(POLL_LEASE, owner, ttlMs), checkWithinMs, 'the poll lease');
    } catch (err) {
      // Cannot reach the database: this instance cannot know it still holds the lease, so it stops leading.
      if (held) logger.warn({ err }, 'poll lease cannot be renewed; not polling or sending until it can');
      now = false;
    }
    if (now && !held) {
      logger.info({ owner }, 'this instance holds the poll lease: it polls ICE and sends alerts now');
      held = true;
      deps.onGained?.();
    } else if (!now && held) {
      logger.warn({ owner }, 'poll lease lost');
    }
    held = now;
    return now;
  }
  // One check at a time: the timer and the jobs asking share it.
  const checkOnce = () => (checking ??= check().finally(() => (checking = null)));

  return {
    /** Whether this instance may poll and send now (renews the lease when it holds it). */
    holds: checkOnce,
    get held() {
      return held;
    },
    /** Checks now, then every third of the lease's time. */
    async start(): Promise<void> {
      await checkOnce();
      timer = setInterval(() => void checkOnce(), checkWithinMs);
      timer.unref();
    },
    /** Stops renewing and gives the lease up (bounded), so another instance takes over at once. */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      if (held) await within(leases.release(POLL_LEASE, owner), checkWithinMs, 'releasing the poll lease').catch(() => undefined);
      held = false;
    },
  };
}

export type PollLease = ReturnType<typeof createPollLease>;
