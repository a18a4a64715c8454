import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../config';
import type { Logger } from '../logging/logger';
import type { StoreDb } from '../store/db/database';
import { createDbLeases, type Leases } from '../store/leases';
import type { OutboxEntry, OutboxStore } from '../store/outbox-store';
import { createFileOwner } from './file-owner';
import { createPollLease, POLL_LEASE } from './poll-lease';
import { within } from './within';

/** A name for this process among the instances: host, pid and a random part (pids repeat across machines). */
export function newInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** How deliveries are going, for /status: the outbox's own numbers and who leads. */
export interface DeliveryStatus {
  /** One process on SQLite; several on PostgreSQL, the lease holder sending. */
  mode: 'one instance' | 'several instances';
  pending: number;
  oldestPendingAt: string | null;
  deadLetters: Array<Pick<OutboxEntry, 'id' | 'lastError' | 'createdAt'> & { channel: string }>;
  /** Who polls and sends now (PostgreSQL); null when unknown or one instance. */
  poller: string | null;
}

/** What a store URL allows: several instances share PostgreSQL; a SQLite file has one owner. */
export const deliveryModeOf = (storeUrl: string): 'one instance' | 'several instances' =>
  /^postgres(ql)?:\/\//.test(storeUrl) ? 'several instances' : 'one instance';

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
    poller: null,
  };
}

export interface CoordinationDeps {
  config: Pick<Config, 'POLL_LEASE_SECONDS'>;
  /** The database the instances share (STORE_URL): its leases table decides who leads. */
  db: StoreDb;
  outbox: OutboxStore;
  logger: Logger;
  /** This process among the instances (default: a new one). */
  instanceId?: string;
  /** The leases (default: the database's, src/store/leases.ts). */
  leases?: Leases;
}

/** What this instance does once it leads: given at `start`, when the jobs exist. */
export interface CoordinationRole {
  /** This instance became the leader after start (a takeover, not the lease taken at start): run the polls (and drain) now. */
  onGained(): void;
}

/** How long stopping waits for the database (releasing the lease) before it goes on: SIGTERM ends in bounded time. */
const STOP_WAIT_MS = 3_000;

/**
 * Several instances coordinate through the database alone (no Redis, no queue server):
 *
 * - PostgreSQL: the leader is the holder of the `poll-lease` row (POLL_LEASE_SECONDS, renewed
 *   every third, taken over when it lapses). Only the leader polls AND drains the outbox: one
 *   sender per bot token. The platforms' rate limits are per token (Discord 50/s per bot, Slack
 *   per method and workspace), so a queue shared by several instances adds no throughput, only
 *   a second rate limiter to agree with. The other instances stand by (and serve commands).
 *   Outbox rows are still claimed one batch at a time (`claimDue`, FOR UPDATE SKIP LOCKED, on the
 *   database's clock), so a leader that dies mid-send leaves claims that lapse and the next
 *   leader sends them.
 * - SQLite: one process owns the file (file-owner.ts) and leads; a second `ice-watch start` on
 *   the same file is refused.
 */
export function createCoordination(deps: CoordinationDeps) {
  const { config, db, logger } = deps;
  const instanceId = deps.instanceId ?? newInstanceId();
  const leases = deps.leases ?? createDbLeases(db);
  const shared = db.dialect === 'postgres';
  let role: CoordinationRole | null = null;
  const lease = shared
    ? createPollLease({ leases, owner: instanceId, ttlMs: config.POLL_LEASE_SECONDS * 1000, logger, onGained: () => role?.onGained() })
    : null;
  // SQLite in memory is one process's by definition: nothing to own.
  const fileOwner =
    !shared && !db.description.startsWith('sqlite memory')
      ? createFileOwner({ leases, owner: instanceId, description: db.description, logger })
      : null;

  return {
    instanceId,
    leases,
    /**
     * Who claims outbox entries. SQLite: always the same name, so a restart after a crash takes its
     * claims back at once (one process owns the file). PostgreSQL: each instance; a claim lapses
     * when its holder dies and the next leader takes it.
     */
    owner: shared ? instanceId : 'one-instance',
    /** Whether a job marked `leader` (polls, the outbox drain) may run here now. */
    mayLead: async () => (lease ? lease.holds() : true),
    /** Takes part: owns the SQLite file (or refuses to start), or competes for the lease (a takeover runs `role.onGained`). */
    async start(given: CoordinationRole): Promise<void> {
      await fileOwner?.start();
      await lease?.start();
      // Told from now on: holding the lease at start is not a takeover (the bot runs its start jobs itself, once its platforms are up).
      role = given;
    },
    /** Gives the lease (or the file) up, within STOP_WAIT_MS whatever the database does. */
    async stop(): Promise<void> {
      await within(Promise.all([lease?.stop(), fileOwner?.stop()]), STOP_WAIT_MS, 'stopping coordination').catch(() => undefined);
    },
    async status(): Promise<DeliveryStatus> {
      const [base, poller] = await Promise.all([
        outboxDeliveryStatus(deps.outbox),
        lease ? leases.holder(POLL_LEASE) : Promise.resolve(null),
      ]);
      return { ...base, mode: shared ? 'several instances' : 'one instance', poller };
    },
  };
}

export type Coordination = ReturnType<typeof createCoordination>;
