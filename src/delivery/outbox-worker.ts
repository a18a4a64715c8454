import type { OperatorNotice } from '../domain/agreements/guards';
import type { Logger } from '../logging/logger';
import type { Metrics } from '../observability/metrics';
import { OUTBOX_PLATFORMS, type OutboxEntry, type OutboxPlatform, type OutboxStore } from '../store/outbox-store';
import type { SubscriptionStore } from '../store/subscription-store';
import type { AlertSender, SendResult } from './sender';

export interface OutboxWorkerDeps {
  outbox: OutboxStore;
  subscriptions: SubscriptionStore;
  senders: AlertSender[];
  notifyOperators: (notices: OperatorNotice[]) => Promise<void>;
  logger: Logger;
  now?: () => Date;
  /** First retry delay; doubles per attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** After this many failed attempts an entry is dead and operators are told. */
  maxAttempts?: number;
  /** How many messages are in flight at once per platform (the SDKs queue per route and rate limit). */
  concurrency?: number;
  /**
   * How long one send may take before it counts as a transient failure and frees its slot
   * (default 60 s). The sender is told through its abort signal.
   */
  sendTimeoutMs?: number;
  /** Who claims entries (the instance id); several instances sharing the store never send one entry twice at once. */
  owner?: string;
  /**
   * How long a claim holds if its holder dies mid-send (default: the send timeout plus
   * CLAIM_MARGIN_MS, for the writes around the send). The next leader sends the entry after it.
   */
  claimMs?: number;
  /** The claim's margin over the send timeout (default CLAIM_MARGIN_MS); tests shorten it. */
  claimMarginMs?: number;
  /** How long to wait between attempts to write an outcome the database refused (default 1 s, doubling to 15 s). */
  recordRetryMs?: number;
  /** Alerts sent and failed per platform; absent: not counted. */
  metrics?: Pick<Metrics, 'alertAttempt'>;
}

/** The default bound on one send: above the SDKs' own worst cases for a blip (Slack 3 × 10 s). */
export const DEFAULT_SEND_TIMEOUT_MS = 60_000;
/**
 * What a claim lasts beyond the send timeout: the "sending" write before the send and the
 * outcome's write after it (each bounded by the database's query timeout, 15 s) fit in it,
 * so a live sender's claim never lapses under it while it waits on the platform.
 */
export const CLAIM_MARGIN_MS = 20_000;

/**
 * The longest a Retry-After is obeyed: a webhook endpoint (anyone's server) may ask for years, which
 * would overflow a date and wedge the entry; past a day it is retried a day later.
 */
export const MAX_RETRY_AFTER_MS = 86_400_000;

/** The wait a transient failure asked for, bounded by MAX_RETRY_AFTER_MS (0 when it asked none). */
const waitAsked = (result: { retryAfterMs?: number }): number =>
  Number.isFinite(result.retryAfterMs) ? Math.min(MAX_RETRY_AFTER_MS, Math.max(0, result.retryAfterMs!)) : 0;

/**
 * Sends what the outbox holds: each due entry once, marks it sent, retries transient
 * failures with backoff (or the platform's retry_after), and on a permanent failure pauses
 * the subscription, tells operators, and tells the channel where the bot still can.
 * `drain()` runs until nothing is due; `stop()` lets in-flight sends finish (bounded). Entries
 * are claimed in batches (`claimDue`, on the database's clock) for the send timeout plus
 * CLAIM_MARGIN_MS, so a sender that dies mid-send leaves claims that lapse and the next leader
 * sends them (Discord drops the repeat by its nonce).
 *
 * Record before send: `sendingSince` is written before the platform is called, the outcome
 * after. An outcome the database refuses is kept in memory and written before anything else
 * is sent: this process never sends again what it has an answer for. The window that remains
 * (Slack only, no idempotency key): the sender dies, or loses the database for longer than
 * its claim, after the platform accepted a message and before the outcome is written; the
 * next sender finds `sendingSince` set and sends it again (at least once, never lost).
 *
 * Platforms deliver independently: each has its own lane (its own due index, its own
 * `concurrency` slots), so a Slack 429 or a hung Discord REST delays only that platform's
 * messages. A retry_after pauses only its platform's lane until it runs out (the entries
 * not yet tried stay due, their attempts untouched), and no send holds a slot longer than
 * `sendTimeoutMs`. Worked example: Slack answers 429 with Retry-After 20 while 40 Discord
 * alerts are due: the Slack lane tries one message, pauses 20 s; the Discord lane sends its 40
 * at once; the next drain after the 20 s sends the Slack ones.
 */
export function createOutboxWorker(deps: OutboxWorkerDeps) {
  const { outbox, subscriptions, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const baseDelay = deps.baseDelayMs ?? 5_000;
  const max = deps.maxDelayMs ?? 3_600_000;
  const maxAttempts = deps.maxAttempts ?? 12;
  const concurrency = deps.concurrency ?? 8;
  const senders = new Map(deps.senders.map((s) => [s.platform, s]));
  const owner = deps.owner ?? `worker-${process.pid}`;
  const sendTimeoutMs = deps.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  const claimMs = Math.max(deps.claimMs ?? 0, sendTimeoutMs + (deps.claimMarginMs ?? CLAIM_MARGIN_MS));
  const recordRetryMs = deps.recordRetryMs ?? 1_000;
  let stopped = false;
  /** The running drain of each platform. */
  const lanes = new Map<OutboxPlatform, Promise<number>>();
  /** Until when (ms since the epoch, on `now`) a platform asked us to wait. */
  const pausedUntil = new Map<string, number>();
  const isPaused = (platform: string) => (pausedUntil.get(platform) ?? 0) > now().getTime();
  /** How long a drain waits, after its lanes, for the operator notices they raised. */
  const NOTICE_WAIT_MS = 10_000;
  /** Operator notices under way: a lane does not wait for them (they may go through the platform that is failing). */
  const telling = new Set<Promise<void>>();
  const tellOperators = (notices: OperatorNotice[]) => {
    const p = deps.notifyOperators(notices).catch((err: unknown) => logger.error({ err }, 'operator notice failed'));
    telling.add(p);
    void p.finally(() => telling.delete(p));
  };
  /**
   * Channels paused since the last word to operators, with how many alerts were kept for each:
   * a channel archived with 30 alerts queued is one notice saying 30, not 30 notices.
   */
  const pausedChannels = new Map<
    string,
    { platform: string; channelId: string; result: Extract<SendResult, { permanent: true }>; kept: number }
  >();
  /** A destination as operators are told it: "discord channel 1400...", or the platform's own words ("webhook wh_..."). */
  const destinationOf = (platform: string, channelId: string): string =>
    senders.get(platform as AlertSender['platform'])?.wording?.destination(channelId) ?? `${platform} channel ${channelId}`;
  const tellPaused = (platform?: string) => {
    const done = [...pausedChannels.entries()].filter(([, p]) => !platform || p.platform === platform);
    const notices = done
      .map(([, p]) => p)
      .map(({ platform, channelId, result, kept }): OperatorNotice => {
        const wording = senders.get(platform as AlertSender['platform'])?.wording;
        const destination = destinationOf(platform, channelId);
        return {
          kind: 'paused',
          subject: destination,
          text:
            `Paused alerts for ${destination}: ${result.reason} (${result.code}). ${result.fix} ` +
            `${kept} ${kept === 1 ? 'alert was' : 'alerts were'} kept for it, not sent; once it is fixed, ${wording?.resume ?? '/subscribe in that channel resumes its alerts'}.`,
        };
      });
    for (const [key] of done) pausedChannels.delete(key);
    if (notices.length) tellOperators(notices);
  };

  /** One send, bounded by sendTimeoutMs; whatever it throws becomes a transient result. */
  async function sendWithin(sender: AlertSender, entry: OutboxEntry): Promise<SendResult> {
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<SendResult>((resolve) => {
      timer = setTimeout(() => {
        abort.abort();
        resolve({ ok: false, permanent: false, reason: `${entry.delivery.platform} did not answer within ${sendTimeoutMs / 1000} s` });
      }, sendTimeoutMs);
    });
    const sending = sender
      .send(entry.delivery, { signal: abort.signal })
      .catch((err: unknown): SendResult => ({ ok: false, permanent: false, reason: err instanceof Error ? err.message : String(err) }));
    try {
      return await Promise.race([sending, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Outcomes a platform gave that the database refused to record (its connection cut): kept
   * here and written before anything else is sent, so this process never sends an entry
   * again that it already has an answer for.
   */
  const unrecorded = new Map<string, OutboxEntry>();
  /** Entries being sent by this process now: never claimed twice by it. */
  const inFlight = new Set<string>();
  let retryTimer: NodeJS.Timeout | null = null;
  let retryDelay = recordRetryMs;

  /** Writes the kept outcomes; true when none is left. */
  async function recordKept(): Promise<boolean> {
    for (const [id, entry] of unrecorded) {
      try {
        await outbox.save(entry);
      } catch (err) {
        logger.warn(
          { err, delivery: id, kept: unrecorded.size },
          'the outcome of a send still cannot be recorded; kept, nothing else is sent',
        );
        return false;
      }
      unrecorded.delete(id);
      await outbox.reindex([entry]).catch(() => undefined); // the next due() mends it
      await outbox.release(id, owner).catch(() => undefined); // it lapses anyway
      logger.info({ delivery: id, status: entry.status }, 'recorded the outcome of an earlier send');
    }
    retryDelay = recordRetryMs;
    return true;
  }
  function retryRecordingLater() {
    if (retryTimer || stopped) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void recordKept().then((done) => {
        if (!done) {
          retryDelay = Math.min(retryDelay * 2, 15_000);
          retryRecordingLater();
        }
      });
    }, retryDelay);
    retryTimer.unref();
  }
  /** Saves an entry's new state; when the database refuses, keeps it (see `unrecorded`). */
  async function record(entry: OutboxEntry): Promise<void> {
    try {
      await outbox.save(entry);
    } catch (err) {
      unrecorded.set(entry.id, entry);
      logger.error(
        { err, delivery: entry.id, status: entry.status },
        'the outcome of a send could not be recorded; kept in memory and written first',
      );
      retryRecordingLater();
    }
  }

  /** What the platform's answer makes of the entry (its `sendingSince` cleared: the outcome is known). */
  function outcomeOf(entry: OutboxEntry, result: SendResult, at: Date): OutboxEntry {
    const attempt = entry.attempts + 1;
    const next = { ...entry, attempts: attempt, sendingSince: null };
    if (result.ok) return { ...next, status: 'sent', sentAt: at.toISOString(), lastError: null };
    if (result.permanent) return { ...next, status: 'paused', lastError: `${result.code}: ${result.reason}` };
    if (attempt >= maxAttempts) return { ...next, status: 'dead', lastError: result.reason };
    const delay = Math.max(waitAsked(result), Math.min(max, baseDelay * 2 ** entry.attempts));
    return { ...next, nextAttemptAt: new Date(at.getTime() + delay).toISOString(), lastError: result.reason };
  }

  /**
   * Sends one claimed entry, recording before and after: `sendingSince` is written before the
   * platform is called (a failed write: not sent, the claim lapses), the outcome after it (a
   * failed write: kept in memory, see `unrecorded`). Returns the new state, or null when not sent.
   */
  async function deliver(entry: OutboxEntry): Promise<OutboxEntry | null> {
    const sender = senders.get(entry.delivery.platform);
    const log = logger.child({
      delivery: entry.id,
      platform: entry.delivery.platform,
      channel: entry.delivery.channelId,
      attempt: entry.attempts + 1,
    });
    // A channel found gone in this drain is not asked again for each alert queued for it (Discord would
    // rate-limit 30 posts to a deleted channel over 30 s): the rest are kept, paused, with the same reason.
    const lost = pausedChannels.get(`${entry.delivery.platform}:${entry.delivery.channelId}`)?.result;
    if (!lost) {
      if (entry.sendingSince)
        // Its sender died (or lost the database past its claim) between calling the platform and recording the
        // answer. Discord drops the repeat (same nonce); Slack has no idempotency key: it may show it twice.
        log.warn({ since: entry.sendingSince }, 'an earlier send of this alert was never recorded; sending it again');
      try {
        await outbox.save({ ...entry, sendingSince: now().toISOString() });
      } catch (err) {
        log.warn({ err }, 'could not record that the alert is being sent; not sent now (its claim lapses)');
        return null;
      }
    }
    const result: SendResult =
      lost ??
      (sender
        ? await sendWithin(sender, entry)
        : { ok: false, permanent: false, reason: `no ${entry.delivery.platform} sender is running` });
    deps.metrics?.alertAttempt(entry.delivery.platform, result.ok ? 'sent' : result.permanent ? 'permanent' : 'transient');
    const at = now();
    const outcome = outcomeOf(entry, result, at);
    await record(outcome);
    if (result.ok) {
      log.info('alert sent');
    } else if (result.permanent) {
      // One atomic change: a /subscribe landing meanwhile keeps its states (it resumes the channel, or this pauses them all).
      await subscriptions.update(entry.delivery.subscriptionKey, (sub) =>
        sub && !sub.paused ? { ...sub, paused: { reason: result.reason, since: at.toISOString() } } : sub,
      );
      log.warn({ code: result.code, reason: result.reason }, 'subscription paused');
      const key = `${entry.delivery.platform}:${entry.delivery.channelId}`;
      const first = !pausedChannels.has(key);
      pausedChannels.set(key, {
        platform: entry.delivery.platform,
        channelId: entry.delivery.channelId,
        result,
        kept: (pausedChannels.get(key)?.kept ?? 0) + 1,
      });
      if (first)
        await sender
          ?.tellChannel?.(
            entry.delivery,
            `ice-watch paused this channel's 287(g) alerts: ${result.reason}. ${result.fix} Then run /subscribe again to resume.`,
          )
          .catch(() => undefined);
    } else if (outcome.status === 'dead') {
      log.error({ reason: result.reason }, 'alert given up');
      tellOperators([
        {
          kind: 'gave-up',
          subject: destinationOf(entry.delivery.platform, entry.delivery.channelId),
          text: `Gave up on an alert for ${destinationOf(entry.delivery.platform, entry.delivery.channelId)} after ${outcome.attempts} attempts: ${result.reason}`,
        },
      ]);
    } else {
      if (result.retryAfterMs && senders.get(entry.delivery.platform)?.rateLimitedPer !== 'destination')
        // Only this platform waits: its lane stops taking entries until the limit runs out.
        pausedUntil.set(entry.delivery.platform, Math.max(pausedUntil.get(entry.delivery.platform) ?? 0, at.getTime() + waitAsked(result)));
      log.warn({ reason: result.reason, retryAt: outcome.nextAttemptAt }, 'alert will be retried');
    }
    return outcome;
  }

  /** Sends a claimed entry and gives its claim back once the outcome is recorded (a kept one keeps its claim). */
  async function deliverClaimed(entry: OutboxEntry): Promise<OutboxEntry | null> {
    inFlight.add(entry.id);
    try {
      return await deliver(entry);
    } finally {
      inFlight.delete(entry.id);
      if (!unrecorded.has(entry.id))
        await outbox
          .release(entry.id, owner)
          .catch((err: unknown) => logger.warn({ err, delivery: entry.id }, 'claim not released; it lapses by itself'));
    }
  }

  /**
   * Sends one platform's due entries until none is due, the platform asks to wait, or the worker
   * stops. Claims `concurrency` entries at once (one statement; FOR UPDATE SKIP LOCKED on
   * PostgreSQL) and sends them together, so every claimed entry's send starts at once and ends
   * well within its claim.
   */
  async function drainLane(platform: OutboxPlatform): Promise<number> {
    let sent = 0;
    while (!stopped && !isPaused(platform)) {
      // What this process already got an answer for is written before anything else is sent.
      if (unrecorded.size && !(await recordKept())) break;
      const claimed = (await outbox.claimDue(platform, now(), concurrency, owner, claimMs)).filter((e) => !inFlight.has(e.id));
      if (!claimed.length) break;
      const done = (await Promise.all(claimed.map(deliverClaimed))).filter((e): e is OutboxEntry => e !== null);
      // Each entry is saved as soon as its send ends; the index follows once per batch.
      await outbox.reindex(done.filter((e) => !unrecorded.has(e.id)));
      sent += done.length;
      if (!done.length) break; // the database refuses writes: wait for the next drain
    }
    return sent;
  }

  return {
    /**
     * Sends everything due now, each platform in its own lane; a call while a platform's lane
     * runs joins it. Returns how many entries were tried.
     */
    async drain(): Promise<number> {
      const runs = OUTBOX_PLATFORMS.map((platform) => {
        let lane = lanes.get(platform);
        if (!lane) {
          lane = drainLane(platform).finally(() => {
            lanes.delete(platform);
            tellPaused(platform);
          });
          lanes.set(platform, lane);
        }
        return lane;
      });
      const tried = (await Promise.all(runs)).reduce((a, b) => a + b, 0);
      // The lanes did not wait for their operator notices; the drain does, a bounded while, so that
      // a caller (the job, a test) sees what operators were told about this drain.
      if (telling.size) await Promise.race([Promise.all(telling), new Promise((r) => setTimeout(r, NOTICE_WAIT_MS).unref())]);
      return tried;
    },
    /** Until when a platform's lane waits for its retry_after (null: not waiting). */
    pausedUntil: (platform: string): Date | null => (isPaused(platform) ? new Date(pausedUntil.get(platform)!) : null),
    /** Outcomes the database has not taken yet (kept in memory; written first). */
    unrecorded: () => unrecorded.size,
    /**
     * Lets in-flight sends finish and tries once more to write kept outcomes, within `waitMs`
     * (default: the send timeout plus a margin) whatever the platforms or the database do.
     */
    async stop(waitMs = sendTimeoutMs + 5_000) {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, waitMs);
        timer.unref();
      });
      const settle = async () => {
        await Promise.all(lanes.values());
        if (unrecorded.size) await recordKept();
        await Promise.all(telling);
      };
      await Promise.race([settle().catch(() => undefined), bound]);
      clearTimeout(timer);
      if (unrecorded.size)
        logger.error(
          { kept: [...unrecorded.keys()] },
          'stopping with outcomes the database never took: these alerts may be sent again by the next sender',
        );
    },
  };
}
