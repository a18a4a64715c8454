import type { OperatorNotice } from '../domain/alerts/operator-notice';
import type { Logger } from '../logging/logger';
import type { Metrics } from '../observability/metrics';
import type { DigestStore } from '../store/digest-store';
import type { EpisodeStore } from '../store/episode-store';
import type { OutboxStore } from '../store/outbox-store';
import type { SubscriptionStore } from '../store/subscription-store';
import { createAlertRouter } from './alert-router';
import { createOperatorNotifier } from './operator-notifier';
import { createOutboxWorker } from './outbox-worker';
import type { AlertSender, SendResult } from './sender';

/** What one running platform gives delivery (src/platforms/<name>/). */
export interface PlatformDelivery {
  /** Posts its channels' alerts. */
  sender: AlertSender;
  /** Posts one operator notice to its operators' channel; absent when none is configured. */
  operatorChannel?: (text: string) => Promise<SendResult>;
  /** The terminal's operator lines (the console): told what the channels are told, and each failed poll. */
  terminal?: (notices: OperatorNotice[]) => Promise<void>;
}

/** The shared delivery queue of several instances (REDIS_URL, src/coordination): it sends instead of this process. */
export interface SharedQueue {
  /** Hands the due outbox entries to the queue; returns how many. */
  dispatch(): Promise<number>;
  /** A platform asked to wait (429 retry_after): every instance's workers for its token wait. */
  pause(platform: string, ms: number): void;
}

export interface DeliveryDeps {
  stores: { subscriptions: SubscriptionStore; outbox: OutboxStore; digests: DigestStore; episodes: EpisodeStore };
  platforms: readonly PlatformDelivery[];
  /** With REDIS_URL, the shared queue; null: this process sends what the outbox holds. */
  shared: SharedQueue | null;
  /** Who claims outbox entries (src/coordination: the instance, or one name for a lone instance). */
  owner: string;
  logger: Logger;
  now: () => Date;
  metrics?: Pick<Metrics, 'alertAttempt'>;
  /** The outbox's bound on one send (default DEFAULT_SEND_TIMEOUT_MS). */
  sendTimeoutMs?: number;
  /** The waits before an operator notice's retries (default 1 s, 4 s). */
  noticeRetryDelaysMs?: readonly number[];
}

/**
 * Everything that leaves the bot, built from what the platforms contribute: the router that
 * plans alerts into the outbox (and digests), the outbox worker that sends them, and the
 * operator fan-out (every platform's operators' channel, and the terminal's lines) with its
 * episodes. `drain` is the one step that sends what is due: this process's worker, or, with
 * several instances, the shared queue's dispatch.
 */
export function createDelivery(deps: DeliveryDeps) {
  const { stores, logger, now, shared } = deps;
  const router = createAlertRouter({ subscriptions: stores.subscriptions, outbox: stores.outbox, digests: stores.digests });
  const terminals = deps.platforms.flatMap((p) => (p.terminal ? [p.terminal] : []));
  const tellTerminal = async (notices: OperatorNotice[]) => void (await Promise.all(terminals.map((t) => t(notices))));
  // Episodes (told once, repeated at growing intervals, one "recovered"), kept in the store and in memory.
  const notifyOperators = createOperatorNotifier({
    outputs: deps.platforms.flatMap((p) => (p.operatorChannel ? [p.operatorChannel] : [])),
    terminal: tellTerminal,
    episodes: stores.episodes,
    logger,
    now,
    retryDelaysMs: deps.noticeRetryDelaysMs,
  });
  const worker = createOutboxWorker({
    outbox: stores.outbox,
    subscriptions: stores.subscriptions,
    senders: deps.platforms.map((p) => p.sender),
    notifyOperators,
    logger,
    now,
    metrics: deps.metrics,
    owner: deps.owner,
    sendTimeoutMs: deps.sendTimeoutMs,
    // A 429 holds the shared queue's workers of every instance too, not only this process's lane.
    onRetryAfter: shared ? (platform, ms) => shared.pause(platform, ms) : undefined,
  });
  return {
    router,
    outbox: stores.outbox,
    notifyOperators,
    /** The terminal alone: a failing source's every failure, while the channels hear it as an episode. */
    tellTerminal,
    /** Sends what is due: here, or through the shared queue. Returns how many entries were sent or dispatched. */
    drain: shared ? shared.dispatch : worker.drain,
    /** One entry, claimed and sent from here (the shared queue's workers). */
    deliverOne: worker.deliverOne,
    /** Lets in-flight sends finish; what is not sent stays in the outbox. */
    stop: () => worker.stop(),
  };
}

export type Delivery = ReturnType<typeof createDelivery>;
