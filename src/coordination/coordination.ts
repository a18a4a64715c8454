import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../config';
import type * as DeliveryQueueModule from '../delivery/delivery-queue';
import type { DeliveryQueue, PlatformLimit, QueueCounts } from '../delivery/delivery-queue';
import type { Logger } from '../logging/logger';
import { createKeyvFactory, requireReachable, type KeyvFactory } from '../store/keyv-factory';
import type { OutboxEntry, OutboxStore } from '../store/outbox-store';
import { createPollLease, POLL_LEASE, type PollLease } from './poll-lease';

/** The shared queue's module, loaded on first use: BullMQ and its Redis client stay out of a lone instance. */
const loadDeliveryQueue = (): typeof DeliveryQueueModule => require('../delivery/delivery-queue');

/** A name for this process among the instances: host, pid and a random part (pids repeat across machines). */
export function newInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** How deliveries are going, for /status: the outbox's own numbers and, with a shared queue, its jobs. */
export interface DeliveryStatus {
  mode: 'one instance' | 'shared queue';
  pending: number;
  oldestPendingAt: string | null;
  deadLetters: Array<Pick<OutboxEntry, 'id' | 'lastError' | 'createdAt'> & { channel: string }>;
  queue: QueueCounts[];
  /** Who polls now (with REDIS_URL); null when unknown or one instance. */
  poller: string | null;
}

/** The outbox's part of the delivery status (what the CLI can tell from the store alone). */
export async function outboxDeliveryStatus(outbox: OutboxStore): Promise<DeliveryStatus> {
  const [depth, dead] = await Promise.all([outbox.depth(), outbox.deadLetters(5)]);
  return {
    mode: 'one instance',
    pending: depth.pending,
    oldestPendingAt: depth.oldestCreatedAt,
    deadLetters: dead.map((e) => ({
      id: e.id,
      lastError: e.lastError,
      createdAt: e.createdAt,
      channel: `${e.delivery.platform} ${e.delivery.channelId}`,
    })),
    queue: [],
    poller: null,
  };
}

export interface CoordinationDeps {
  config: Pick<Config, 'REDIS_URL' | 'STORE_PREFIX' | 'POLL_LEASE_SECONDS'>;
  outbox: OutboxStore;
  /** Each running platform's send rate, shared by every instance sending with its token (src/platforms). */
  limits: PlatformLimit[];
  logger: Logger;
  now: () => Date;
  /** This process among the instances (default: a new one). */
  instanceId?: string;
}

/** What this instance does for the others once started: given at `start`, when the outbox worker and the jobs exist. */
export interface CoordinationRole {
  /** Sends one outbox entry from here (claim, re-read, send, save): the shared queue's workers run it. */
  deliverOne(id: string): Promise<OutboxEntry | null>;
  /** This instance became the poller after start (a takeover): run the polls now. */
  onGained(): void;
}

/**
 * What changes when several instances share REDIS_URL, in one place: the poll lease (one
 * poller at a time) and the shared BullMQ delivery queue (one rate limit per bot token).
 * Without REDIS_URL this is one process: it always polls and drains the outbox itself
 * (`sharedQueue` is null).
 */
export function createCoordination(deps: CoordinationDeps) {
  const { config, logger } = deps;
  const instanceId = deps.instanceId ?? newInstanceId();
  let role: CoordinationRole | null = null;
  let coordination: KeyvFactory | null = null;
  let lease: PollLease | null = null;
  let queue: DeliveryQueue | null = null;
  if (config.REDIS_URL) {
    coordination = createKeyvFactory(config.REDIS_URL, { prefix: `${config.STORE_PREFIX}coordination:` });
    lease = createPollLease({
      leases: coordination.leases,
      owner: instanceId,
      ttlMs: config.POLL_LEASE_SECONDS * 1000,
      logger,
      onGained: () => role?.onGained(),
    });
    // BullMQ (some 20 MB) is loaded only when several instances share REDIS_URL.
    queue = loadDeliveryQueue().createDeliveryQueue({
      redisUrl: config.REDIS_URL,
      owner: instanceId,
      outbox: deps.outbox,
      limits: deps.limits,
      logger,
      now: deps.now,
      prefix: `${config.STORE_PREFIX}ice-watch-queue`,
    });
  }
  const shared = queue;

  return {
    instanceId,
    /**
     * Who claims outbox entries. One instance: always the same name, so a restart after a crash
     * takes its claims back at once. Several: each instance, and a claim lapses when its holder dies.
     */
    owner: config.REDIS_URL ? instanceId : 'one-instance',
    /** With REDIS_URL, the queue that sends instead of this process (src/delivery/delivery.ts); else null. */
    sharedQueue: shared && {
      dispatch: () => shared.dispatch(),
      /** Forwards a platform's retry_after to every worker of its token. */
      pause: (platform: string, ms: number) =>
        void shared.pause(platform, ms).catch((err: unknown) => logger.warn({ err }, 'could not pause the delivery queue')),
    },
    /** Whether a job marked `leader` may run here now. */
    mayLead: async () => (lease ? lease.holds() : true),
    /** Resolves when Redis (REDIS_URL) answers, at once without it; else a ServiceUnreachableError naming REDIS_URL. */
    ready: async () => (coordination ? requireReachable('REDIS_URL', coordination) : undefined),
    /** Takes part: the lease (a takeover runs `role.onGained`) and the shared queue's workers (sending through `role.deliverOne`). */
    async start(given: CoordinationRole): Promise<void> {
      if (coordination) await requireReachable('REDIS_URL', coordination);
      role = given;
      await lease?.start();
      queue?.start(given.deliverOne);
    },
    async stop(): Promise<void> {
      await lease?.stop();
      await queue?.close();
      await coordination?.close();
    },
    async status(): Promise<DeliveryStatus> {
      const [base, counts, poller] = await Promise.all([
        outboxDeliveryStatus(deps.outbox),
        queue ? queue.counts() : Promise.resolve([]),
        lease && coordination ? coordination.leases.holder(POLL_LEASE) : Promise.resolve(null),
      ]);
      return { ...base, mode: queue ? 'shared queue' : 'one instance', queue: counts, poller };
    },
  };
}

export type Coordination = ReturnType<typeof createCoordination>;
