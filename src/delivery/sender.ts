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
   * Posts one delivery. `signal` aborts when the outbox stops waiting (its per-send timeout):
   * a sender that can cancel its request should.
   */
  send(delivery: PlannedDelivery, options?: { signal?: AbortSignal }): Promise<SendResult>;
  /** Best effort: tells a channel why its alerts stopped, where the bot still can post. */
  tellChannel?(delivery: PlannedDelivery, text: string): Promise<void>;
}
