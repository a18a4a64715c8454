import type { DeliveryStatus } from '../src/coordination/coordination';
import type { HealthStore } from '../src/store/health-store';
import type { SnapshotStore } from '../src/store/snapshot-store';
import type { SubscriptionStore } from '../src/store/subscription-store';
import type { TotalsStore } from '../src/store/totals-store';
import type { WebhookAdmin } from '../src/store/webhook-admin';

/** What commands may use, wired once in src/main.ts (or by the CLI for the terminal). */
export interface CommandServices {
  snapshots: SnapshotStore;
  subscriptions: SubscriptionStore;
  /** Each source's poll health (failures, back-off); absent where nothing polls (the CLI on a file). */
  health?: HealthStore;
  /** Enforcement totals (detention releases, daily counts); absent where nothing stores them. */
  totals?: TotalsStore;
  /** How deliveries are going (outbox, shared queue, dead letters); absent where nothing delivers (the CLI on a file). */
  delivery?: () => Promise<DeliveryStatus>;
  /**
   * Whether the bot can post in the channel, asked of the platform before a subscription
   * is saved: null when it can, else what is missing, in words for the user
   * ("the bot lacks the Send Messages permission in #alerts", "invite the bot with /invite @ice-watch").
   */
  checkCanPost(channelId: string): Promise<string | null>;
  /** Who may change a channel's subscriptions on this platform, in its words (src/platforms/<name>/plugin.ts); absent: a neutral wording. */
  whoMayManage?: string;
  /** The source pages as configured (a mirror's when one is set) and when each poll runs next; absent in the CLI. */
  sources?: SourceSettings;
  /**
   * The stores hold one workbook read from disk by the terminal (`ice-watch agreements --file F`),
   * not what a poll fetched: answers date their data by the workbook's own saved time and say so.
   */
  readFromDisk?: boolean;
  /** Webhook endpoints and their subscriptions (src/platforms/webhook/admin.ts); absent where they cannot be managed (a Discord shard). */
  webhookAdmin?: WebhookAdmin;
  /** Whether a channel is this platform's operators' channel (the terminal always is); absent: none is. */
  isOperatorChannel?(channel: { channelId: string; channelName?: string }): boolean;
}

/** Where the bot reads ICE, and its poll schedule, for `/status`. */
export interface SourceSettings {
  page287g: string;
  detentionPage: string;
  /** The daily counts feed; undefined when none is configured. */
  dailyFeed?: string;
  /** When the job polls next (null when it is not scheduled, e.g. before start). */
  nextPoll(job: 'poll-287g' | 'poll-totals'): Date | null;
}

/** The source pages as configured, and where to ask for the next poll (the bot's schedule; never, in the terminal). */
export function sourceSettingsOf(
  config: { ICE_287G_PAGE_URL: string; ICE_DETENTION_PAGE_URL: string; DAILY_TOTALS_URL?: string },
  nextPoll: SourceSettings['nextPoll'] = () => null,
): SourceSettings {
  return { page287g: config.ICE_287G_PAGE_URL, detentionPage: config.ICE_DETENTION_PAGE_URL, dailyFeed: config.DAILY_TOTALS_URL, nextPoll };
}
