import type { OperatorNotice } from '../domain/alerts/operator-notice';
import type { Logger } from '../logging/logger';
import type { Metrics } from '../observability/metrics';
import type { DigestStore } from '../store/digest-store';
import type { EpisodeStore } from '../store/episode-store';
import type { EventLog } from '../store/event-log';
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

export interface DeliveryDeps {
  stores: {
    subscriptions: SubscriptionStore;
    outbox: OutboxStore;
    digests: DigestStore;
    episodes: EpisodeStore;
    /** Where every routed alert is recorded for the feeds (openStores gives it; a test may leave it out). */
    events?: EventLog;
  };
  platforms: readonly PlatformDelivery[];
  /** Who claims outbox entries (src/coordination: the instance, or one name for a lone instance). */
  owner: string;
  logger: Logger;
  now: () => Date;
  metrics?: Pick<Metrics, 'alertAttempt'>;
  /** The outbox's bound on one send (default DEFAULT_SEND_TIMEOUT_MS). */
  sendTimeoutMs?: number;
  /** A claim's margin over the send timeout (default CLAIM_MARGIN_MS); tests shorten it. */
  claimMarginMs?: number;
  /** The waits before an operator notice's retries (default 1 s, 4 s). */
  noticeRetryDelaysMs?: readonly number[];
}

/**
 * Everything that leaves the bot, built from what the platforms contribute: the router that
 * plans alerts into the outbox (and digests), the outbox worker that sends them, and the
 * operator fan-out (every platform's operators' channel, and the terminal's lines) with its
 * episodes. `drain` is the one step that sends what is due; with several instances only the
 * leader runs it (src/coordination: one sender per bot token).
 */
export function createDelivery(deps: DeliveryDeps) {
  const { stores, logger, now } = deps;
  const router = createAlertRouter({
    subscriptions: stores.subscriptions,
    outbox: stores.outbox,
    digests: stores.digests,
    events: stores.events,
  });
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
    claimMarginMs: deps.claimMarginMs,
  });
  return {
    router,
    outbox: stores.outbox,
    notifyOperators,
    /** The terminal alone: a failing source's every failure, while the channels hear it as an episode. */
    tellTerminal,
    /** Sends what is due. Returns how many entries were tried. */
    drain: worker.drain,
    /** Outcomes the database has not taken yet (kept in memory, written before anything else is sent). */
    unrecorded: worker.unrecorded,
    /** Lets in-flight sends finish, within `waitMs`; what is not sent stays in the outbox. */
    stop: (waitMs?: number) => worker.stop(waitMs),
  };
}

export type Delivery = ReturnType<typeof createDelivery>;
