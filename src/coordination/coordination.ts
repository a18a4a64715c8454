import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../config';
import type { DeliveryQueue, PlatformLimit, QueueCounts } from '../delivery/delivery-queue';
import type * as DeliveryQueueModule from '../delivery/delivery-queue';
import type { Logger } from '../logging/logger';
import { createKeyvFactory, requireReachable, type KeyvFactory } from '../store/keyv-factory';
import type { OutboxEntry, OutboxStore } from '../store/outbox-store';
import { createPollLease, POLL_LEASE, type PollLease } from './poll-lease';

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
    deadLetters: dead.map((e) => ({ id: e.id, lastError: e.lastError, createdAt: e.createdAt, channel: `${e.delivery.platform} ${e.delivery.channelId}` })),
    queue: [],
    poller: null,
  };
}

export interface CoordinationDeps {
  config: Pick<Config, 'REDIS_URL' | 'STORE_PREFIX' | 'POLL_LEASE_SECONDS' | 'DISCORD_TOKEN' | 'SLACK_BOT_TOKEN' | 'DISCORD_SEND_RATE' | 'SLACK_SEND_RATE'>;
  instanceId: string;
  outbox: OutboxStore;
  /** The outbox worker: its drain (one instance) and per-entry send (the queue's workers). */
  worker: { drain(): Promise<number>; deliverOne(id: string): Promise<OutboxEntry | null> };
  /** Platforms that send alerts here (console, discord, slack). */
  platforms: string[];
  logger: Logger;
  now: () => Date;
  /** This instance became the poller after start (a takeover): run the polls now. */
  onGained: () => void;
}

/**
 * What changes when several instances share REDIS_URL, in one place: the poll lease (one
 * poller at a time) and the shared BullMQ delivery queue (one rate limit per bot token).
 * Without REDIS_URL this is one process: it always polls and drains the outbox itself.
 */
export function createCoordination(deps: CoordinationDeps) {
  const { config, logger } = deps;
  let started = false;
  let coordination: KeyvFactory | null = null;
  let lease: PollLease | null = null;
  let queue: DeliveryQueue | null = null;
  if (config.REDIS_URL) {
    coordination = createKeyvFactory(config.REDIS_URL, { prefix: `${config.STORE_PREFIX}coordination:` });
    lease = createPollLease({
      leases: coordination.leases,
      owner: deps.instanceId,
      ttlMs: config.POLL_LEASE_SECONDS * 1000,
      logger,
      onGained: () => started && deps.onGained(),
    });
    const tokens: Record<string, [string | undefined, number]> = {
      discord: [config.DISCORD_TOKEN, config.DISCORD_SEND_RATE],
      slack: [config.SLACK_BOT_TOKEN, config.SLACK_SEND_RATE],
      console: ['console', 50],
    };
    const limits: PlatformLimit[] = deps.platforms.flatMap((platform) => {
      const [token, perSecond] = tokens[platform] ?? [undefined, 0];
      return token ? [{ platform, token, perSecond }] : [];
    });
    // BullMQ (some 20 MB) is loaded only when several instances share REDIS_URL.
    const { createDeliveryQueue } = require('../delivery/delivery-queue') as typeof DeliveryQueueModule;
    queue = createDeliveryQueue({ redisUrl: config.REDIS_URL, owner: deps.instanceId, outbox: deps.outbox, deliverOne: deps.worker.deliverOne, limits, logger, now: deps.now, prefix: `${config.STORE_PREFIX}ice-watch-queue` });
  }

  return {
    /** Whether a job marked `leader` may run here now. */
    mayLead: async () => (lease ? lease.holds() : true),
    /** The deliver-outbox step: hand due entries to the shared queue, or send them from here. */
    drainOutbox: () => (queue ? queue.dispatch() : deps.worker.drain()),
    /** Forwards a platform's retry_after to every worker of its token. */
    pause: (platform: string, ms: number) => void queue?.pause(platform, ms).catch((err: unknown) => logger.warn({ err }, 'could not pause the delivery queue')),
    /** Resolves when Redis (REDIS_URL) answers, at once without it; else a ServiceUnreachableError naming REDIS_URL. */
    ready: async () => (coordination ? requireReachable('REDIS_URL', coordination) : undefined),
    async start(): Promise<void> {
      if (coordination) await requireReachable('REDIS_URL', coordination);
      await lease?.start();
      queue?.start();
      started = true;
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
