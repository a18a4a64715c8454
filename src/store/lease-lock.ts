import { randomBytes } from 'node:crypto';
import type { Leases } from './atomic';

/** The lock could not be taken in time: someone else kept it (or a crashed holder's lease has not lapsed yet). */
export class LockTimeoutError extends Error {
  override name = 'LockTimeoutError';
  constructor(
    readonly lock: string,
    waitedMs: number,
  ) {
    super(`the lock "${lock}" was held by someone else for ${waitedMs} ms`);
  }
}

export interface LeaseLockOptions {
  /** How long a holder keeps the lock if it never releases it (a crashed process): 30 s. Keep the work under a lock far shorter. */
  ttlMs?: number;
  /** How long to keep trying once it is this caller's turn in its own process: 20 s. */
  waitMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface LeaseLock {
  /**
   * Runs `work` while holding the lock `name`: one holder at a time across every process
   * sharing the store. Callers in one process take their turns in the order they called
   * (the turn is taken synchronously, before anything is awaited), so two commands in a row
   * change a record in the order they arrived. Rejects with LockTimeoutError when another
   * process holds the lock past `waitMs`; a rejection of `work` passes through (the lock is
   * released either way).
   */
  run<T>(name: string, work: () => Promise<T>): Promise<T>;
}

/**
 * A lock made of the store's lease primitive (atomic.ts): taken with `acquire`, retried
 * with jittered back-off (5 ms doubling to 250 ms) while someone else holds it, released
 * with `release`. Within one process the callers of one name also wait in a queue, so they
 * never poll the store against each other. A holder that crashes blocks that name for at
 * most `ttlMs`; a holder slower than `ttlMs` loses the lock to the next one, which is why
 * the work under it must stay a few store round trips.
 */
export function createLeaseLock(leases: Leases, options: LeaseLockOptions = {}): LeaseLock {
  const ttlMs = options.ttlMs ?? 30_000;
  const waitMs = options.waitMs ?? 20_000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const instance = randomBytes(6).toString('hex');
  let seq = 0;
  const tails = new Map<string, Promise<unknown>>();

  async function holding<T>(name: string, work: () => Promise<T>): Promise<T> {
    // An owner per call: a lease left by an earlier call of this process is not ours.
    const owner = `${instance}:${++seq}`;
    const deadline = now() + waitMs;
    let delay = 5;
    while (!(await leases.acquire(name, owner, ttlMs))) {
      if (now() >= deadline) throw new LockTimeoutError(name, waitMs);
      await sleep(delay * (0.5 + Math.random()));
      delay = Math.min(delay * 2, 250);
    }
    try {
      return await work();
    } finally {
      // A failed release lapses after ttlMs; the work is done either way.
      await leases.release(name, owner).catch(() => undefined);
    }
  }

  return {
    run(name, work) {
      const before = tails.get(name) ?? Promise.resolve();
      const mine = before.then(() => holding(name, work));
      const tail = mine.catch(() => undefined);
      tails.set(name, tail);
      void tail.then(() => {
        if (tails.get(name) === tail) tails.delete(name);
      });
      return mine;
    },
  };
}
