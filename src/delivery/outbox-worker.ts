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
   * (default 60 s; below `claimMs`). The sender is told through its abort signal.
   */
  sendTimeoutMs?: number;
  /** Who claims entries (the instance id); several instances sharing the store never send one entry twice at once. */
  owner?: string;
  /** How long a claim holds if its holder dies mid-send. */
  claimMs?: number;
  /** Told when a platform asks to wait (429 retry_after), so a shared queue can hold every worker. */
  onRetryAfter?: (platform: string, ms: number) => void;
  /** Alerts sent and failed per platform; absent: not counted. */
  metrics?: Pick<Metrics, 'alertAttempt'>;
}

/** The default bound on one send: above the SDKs' own worst cases for a blip (Slack 3 × 10 s), below the 120 s claim. */
export const DEFAULT_SEND_TIMEOUT_MS = 60_000;

/**
 * Sends what the outbox holds: each due entry once, marks it sent, retries transient
 * failures with backoff (or the platform's retry_after), and on a permanent failure pauses
 * the subscription, tells operators, and tells the channel where the bot still can.
 * `drain()` runs until nothing is due; `stop()` lets in-flight sends finish. Each entry is
 * claimed (an atomic lease on the store) and re-read before it is sent, so instances
 * draining one outbox, or the shared queue's workers (`deliverOne`), never send it twice at once.
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
  const base = deps.baseDelayMs ?? 5_000;
  const max = deps.maxDelayMs ?? 3_600_000;
  const maxAttempts = deps.maxAttempts ?? 12;
  const concurrency = deps.concurrency ?? 8;
  const senders = new Map(deps.senders.map((s) => [s.platform, s]));
  const owner = deps.owner ?? `worker-${process.pid}`;
  const claimMs = deps.claimMs ?? 120_000;
  const sendTimeoutMs = Math.min(deps.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS, claimMs);
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
  const tellPaused = (platform?: string) => {
    const done = [...pausedChannels.entries()].filter(([, p]) => !platform || p.platform === platform);
    const notices = done
      .map(([, p]) => p)
      .map(
        ({ platform, channelId, result, kept }): OperatorNotice => ({
          kind: 'paused',
          subject: `${platform} channel ${channelId}`,
          text:
            `Paused alerts for ${platform} channel ${channelId}: ${result.reason} (${result.code}). ${result.fix} ` +
            `${kept} ${kept === 1 ? 'alert was' : 'alerts were'} kept for it, not sent; once it is fixed, /subscribe in that channel resumes its alerts.`,
        }),
      );
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

  async function deliver(entry: OutboxEntry): Promise<OutboxEntry> {
    const sender = senders.get(entry.delivery.platform);
    const attempt = entry.attempts + 1;
    // A channel found gone in this drain is not asked again for each alert queued for it (Discord would
    // rate-limit 30 posts to a deleted channel over 30 s): the rest are kept, paused, with the same reason.
    const lost = pausedChannels.get(`${entry.delivery.platform}:${entry.delivery.channelId}`)?.result;
    const result: SendResult =
      lost ??
      (sender
        ? await sendWithin(sender, entry)
        : { ok: false, permanent: false, reason: `no ${entry.delivery.platform} sender is running` });
    deps.metrics?.alertAttempt(entry.delivery.platform, result.ok ? 'sent' : result.permanent ? 'permanent' : 'transient');
    const at = now();
    const log = logger.child({ delivery: entry.id, platform: entry.delivery.platform, channel: entry.delivery.channelId, attempt });
    if (result.ok) {
      const sent: OutboxEntry = { ...entry, status: 'sent', attempts: attempt, sentAt: at.toISOString(), lastError: null };
      await outbox.save(sent);
      log.info('alert sent');
      return sent;
    }
    if (result.permanent) {
      const paused: OutboxEntry = { ...entry, status: 'paused', attempts: attempt, lastError: `${result.code}: ${result.reason}` };
      await outbox.save(paused);
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
      return paused;
    }
    if (attempt >= maxAttempts) {
      const dead: OutboxEntry = { ...entry, status: 'dead', attempts: attempt, lastError: result.reason };
      await outbox.save(dead);
      log.error({ reason: result.reason }, 'alert given up');
      tellOperators([
        {
          kind: 'gave-up',
          subject: `${entry.delivery.platform} channel ${entry.delivery.channelId}`,
          text: `Gave up on an alert for ${entry.delivery.platform} channel ${entry.delivery.channelId} after ${attempt} attempts: ${result.reason}`,
        },
      ]);
      return dead;
    }
    if (result.retryAfterMs) {
      // Only this platform waits: its lane stops taking entries until the limit runs out.
      pausedUntil.set(entry.delivery.platform, Math.max(pausedUntil.get(entry.delivery.platform) ?? 0, at.getTime() + result.retryAfterMs));
      deps.onRetryAfter?.(entry.delivery.platform, result.retryAfterMs);
    }
    const delay = Math.max(result.retryAfterMs ?? 0, Math.min(max, base * 2 ** entry.attempts));
    const retry: OutboxEntry = {
      ...entry,
      attempts: attempt,
      nextAttemptAt: new Date(at.getTime() + delay).toISOString(),
      lastError: result.reason,
    };
    await outbox.save(retry);
    log.warn({ reason: result.reason, retryInMs: delay }, 'alert will be retried');
    return retry;
  }

  /**
   * Claims the entry, re-reads it and sends it if it is still pending. Returns its new state,
   * the state found when another sender finished it first, or null when someone else holds it.
   */
  async function deliverOne(id: string): Promise<OutboxEntry | null> {
    if (!(await outbox.claim(id, owner, claimMs))) return null;
    try {
      const entry = await outbox.get(id);
      if (entry?.status !== 'pending') return entry;
      return await deliver(entry);
    } finally {
      await outbox
        .release(id, owner)
        .catch((err: unknown) => logger.warn({ err, delivery: id }, 'claim not released; it lapses by itself'));
    }
  }

  /** Sends one platform's due entries until none is due, the platform asks to wait, or the worker stops. */
  async function drainLane(platform: OutboxPlatform): Promise<number> {
    let sent = 0;
    let progress = true;
    // Stops when nothing is due, or when all that is due is claimed by other instances.
    while (!stopped && progress && !isPaused(platform)) {
      const due = await outbox.due(now(), concurrency * 4, platform);
      progress = false;
      for (let i = 0; i < due.length && !stopped && !isPaused(platform); i += concurrency) {
        // Each entry is saved as soon as its send ends; the index follows once per batch.
        const done = (await Promise.all(due.slice(i, i + concurrency).map((e) => deliverOne(e.id)))).filter(
          (e): e is OutboxEntry => e !== null,
        );
        await outbox.reindex(done);
        sent += done.length;
        if (done.length) progress = true;
      }
    }
    return sent;
  }

  return {
    /** One entry (the shared queue's workers); a channel it paused is told at once. */
    async deliverOne(id: string): Promise<OutboxEntry | null> {
      const out = await deliverOne(id);
      if (out && !lanes.has(out.delivery.platform)) tellPaused(out.delivery.platform);
      return out;
    },
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
    async stop() {
      stopped = true;
      await Promise.all(lanes.values());
      await Promise.all(telling);
    },
  };
}
