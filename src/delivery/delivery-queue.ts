import { createHash } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import type { Logger } from '../logging/logger';
import type { OutboxEntry, OutboxStore } from '../store/outbox-store';

/** One platform's send rate, shared by every worker of every instance sending with one bot token. */
export interface PlatformLimit {
  platform: string;
  /** The bot token (or another secret naming the account): only its hash names the queue. */
  token: string;
  /** Messages per second across all instances. */
  perSecond: number;
}

export interface DeliveryQueueDeps {
  redisUrl: string;
  outbox: OutboxStore;
  /**
   * Sends one outbox entry (claim, re-read, send, save): the outbox worker's deliverOne. May
   * instead be given to `start`, when the queue is built before the worker (src/coordination).
   */
  deliverOne?: (id: string) => Promise<OutboxEntry | null>;
  limits: PlatformLimit[];
  logger: Logger;
  now?: () => Date;
  /** Jobs in flight per instance and platform. */
  concurrency?: number;
  /** How long a dispatched entry stays out of `due()` while its job waits (it comes back if the job is lost). */
  dispatchLeaseMs?: number;
  /** This instance, as the owner of its claims. */
  owner?: string;
  /** Key prefix on Redis (tests use their own). */
  prefix?: string;
}

export interface QueueCounts {
  platform: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/** BullMQ's job id for one attempt at an entry (its ids may not contain `:`, the outbox's do). */
const jobIdOf = (e: OutboxEntry) => `${createHash('sha256').update(e.id).digest('hex').slice(0, 32)}-${e.attempts}`;

/** A short, stable, non-secret name for a bot token. */
const tokenTag = (token: string) => createHash('sha256').update(token).digest('hex').slice(0, 12);

/**
 * The shared delivery queue for several instances (REDIS_URL set), on BullMQ: one queue per
 * platform and bot token, whose limiter is global across all workers, so the instances
 * together send at most `perSecond` messages for one token.
 *
 * The outbox stays the record of what must be sent (written before the snapshot is stored);
 * `dispatch()` (run by the poll-lease holder) hands due entries to the queue as jobs named by
 * entry and attempt, and moves them out of `due()` for a while; every instance's workers run
 * them through `deliverOne`, which claims the entry and skips it when it was already sent.
 * A retry or a 429 is scheduled in the outbox and dispatched again when due; a 429's
 * retry_after also pauses the whole queue (`pause`, BullMQ's rateLimit), for all workers at once. A job
 * whose processing throws (the store down) is retried by BullMQ and, after its attempts, kept
 * among the failed jobs: the dead letters that /status counts with the outbox's own.
 */
export function createDeliveryQueue(deps: DeliveryQueueDeps) {
  const now = deps.now ?? (() => new Date());
  const prefix = deps.prefix ?? 'ice-watch-queue';
  const connection = { url: deps.redisUrl, maxRetriesPerRequest: null };
  const leaseMs = deps.dispatchLeaseMs ?? 5 * 60_000;
  const owner = `dispatch:${deps.owner ?? process.pid}`;
  const queues = new Map(
    deps.limits.map((l) => [
      l.platform,
      { limit: l, queue: new Queue(`deliver-${l.platform}-${tokenTag(l.token)}`, { connection, prefix }) },
    ]),
  );
  const workers: Worker[] = [];
  let dispatching: Promise<number> | null = null;

  async function runJob(deliverOne: (id: string) => Promise<OutboxEntry | null>, job: Job<{ id: string }>): Promise<string> {
    const result = await deliverOne(job.data.id);
    // Held by another sender or dispatcher right now: BullMQ tries again shortly.
    if (!result) throw new Error(`outbox entry ${job.data.id} is claimed by another instance`);
    await deps.outbox.reindex([result]);
    return result.status;
  }

  async function dispatchNow(limit: number): Promise<number> {
    const at = now();
    const due = await deps.outbox.due(at, limit);
    const claimed: string[] = [];
    for (const e of due) if (await deps.outbox.claim(e.id, owner, 60_000)) claimed.push(e.id);
    let parked: OutboxEntry[] = [];
    try {
      const away = new Date(at.getTime() + leaseMs).toISOString();
      parked = (await Promise.all(claimed.map((id) => deps.outbox.get(id))))
        .filter(
          (e): e is OutboxEntry =>
            e?.status === 'pending' && Date.parse(e.nextAttemptAt) <= at.getTime() && queues.has(e.delivery.platform),
        )
        .map((e) => ({ ...e, nextAttemptAt: away }));
      await deps.outbox.saveMany(parked);
      await deps.outbox.reindex(parked);
    } finally {
      await Promise.all(claimed.map((id) => deps.outbox.release(id, owner)));
    }
    try {
      for (const [platform, { queue }] of queues) {
        const mine = parked.filter((e) => e.delivery.platform === platform);
        if (!mine.length) continue;
        await queue.addBulk(
          mine.map((e) => ({
            name: 'deliver',
            data: { id: e.id },
            opts: {
              jobId: jobIdOf(e),
              attempts: 5,
              backoff: { type: 'exponential', delay: 1_000 },
              removeOnComplete: true,
              removeOnFail: { count: 5_000 },
            },
          })),
        );
      }
    } catch (err) {
      // Not queued: back to due now, for the next dispatch (a job that was added is harmless twice).
      const back = parked.map((e) => ({ ...e, nextAttemptAt: at.toISOString() }));
      await deps.outbox.saveMany(back);
      await deps.outbox.reindex(back);
      throw err;
    }
    const stranded = due.filter((e) => !queues.has(e.delivery.platform));
    if (stranded.length)
      deps.logger.warn({ entries: stranded.length }, 'no delivery queue for these platforms here; the entries stay in the outbox');
    return parked.length;
  }

  return {
    /**
     * Hands the due outbox entries to the queue; returns how many were dispatched. Each entry
     * is claimed, re-read and parked (out of `due()`) before its job exists, so neither a
     * second dispatcher nor a fast worker can overwrite the other's write.
     */
    dispatch(limit = 1_000): Promise<number> {
      // One dispatch at a time in this instance (the poll and the deliver-outbox job both
      // dispatch): its claims are this instance's, so two runs here would not exclude each other.
      dispatching ??= dispatchNow(limit).finally(() => {
        dispatching = null;
      });
      return dispatching;
    },
    /** Starts this instance's workers, sending through `deliverOne` (default: the one the queue was built with). */
    start(deliverOne = deps.deliverOne): void {
      if (!deliverOne) throw new Error('the delivery queue needs deliverOne to start its workers');
      for (const { limit, queue } of queues.values()) {
        const worker = new Worker<{ id: string }>(queue.name, (job) => runJob(deliverOne, job), {
          connection,
          prefix,
          concurrency: deps.concurrency ?? 8,
          limiter: { max: Math.max(1, Math.round(limit.perSecond)), duration: 1_000 },
        });
        worker.on('failed', (job, err) =>
          deps.logger.error({ err, delivery: job?.data.id, platform: limit.platform }, 'delivery job failed'),
        );
        worker.on('error', (err) => deps.logger.error({ err, platform: limit.platform }, 'delivery queue error'));
        workers.push(worker);
      }
    },
    /** The platform answered 429 with retry_after: every worker of this token waits (at most a minute here; the entry's own retry time stands). */
    async pause(platform: string, ms: number): Promise<void> {
      const q = queues.get(platform);
      if (q && ms > 0) await q.queue.rateLimit(Math.min(ms, 60_000));
    },
    /** Jobs per platform: waiting, running, delayed retries and failed (dead letters). */
    async counts(): Promise<QueueCounts[]> {
      return Promise.all(
        [...queues.entries()].map(async ([platform, { queue }]) => {
          const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
          return { platform, waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 };
        }),
      );
    },
    /** Lets running jobs finish, then closes the workers and queues. */
    async close(): Promise<void> {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([...queues.values()].map(({ queue }) => queue.close()));
    },
  };
}

export type DeliveryQueue = ReturnType<typeof createDeliveryQueue>;
