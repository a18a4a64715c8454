import type { PlannedDelivery } from '../domain/alerts/delivery-plan';

/** What one attempt to post a message came to. */
export type SendResult =
  | { ok: true }
  /** Worth trying again later (5xx, timeout, rate limit the library gave up on). */
  | { ok: false; permanent: false; reason: string; retryAfterMs?: number }
  /** Will not work until a person acts: channel gone, bot removed, permission lost, token revoked. */
  | { ok: false; permanent: true; code: string; reason: string; fix: string };

/**
 * Posts alerts to one platform. Implementations live in src/platforms/<name>/; they rely on
 * their SDK's own rate-limit handling and never busy-retry.
 */
export interface AlertSender {
  platform: PlannedDelivery['platform'];
  /**
   * How operators are told what a paused destination is and how it resumes, when a chat channel's
   * words do not fit (default: "<platform> channel <id>", "/subscribe in that channel resumes its alerts").
   */
  wording?: { destination: (id: string) => string; resume: string };
  /**
   * Whose limit a Retry-After speaks for: the bot token's (Discord, Slack: the whole platform's lane
   * waits; the default), or one destination's (webhooks: each endpoint is its own server, so only
   * the entry that got it waits, and the other endpoints are still sent to).
   */
  rateLimitedPer?: 'token' | 'destination';
  /**
   * Posts one delivery. `signal` aborts when the outbox stops waiting (its per-send timeout):
   * a sender that can cancel its request should.
   */
  send(delivery: PlannedDelivery, options?: { signal?: AbortSignal }): Promise<SendResult>;
  /** Best effort: tells a channel why its alerts stopped, where the bot still can post. */
  tellChannel?(delivery: PlannedDelivery, text: string): Promise<void>;
}
