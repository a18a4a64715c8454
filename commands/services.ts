import type { HealthStore } from '../src/store/health-store';
import type { SnapshotStore } from '../src/store/snapshot-store';
import type { SubscriptionStore } from '../src/store/subscription-store';

/** What commands may use, wired once in src/main.ts (or by the CLI for the terminal). */
export interface CommandServices {
  snapshots: SnapshotStore;
  subscriptions: SubscriptionStore;
  /** Each source's poll health (failures, back-off); absent where nothing polls (the CLI on a file). */
  health?: HealthStore;
  /**
   * Whether the bot can post in the channel, asked of the platform before a subscription
   * is saved: null when it can, else what is missing, in words for the user
   * ("the bot lacks the Send Messages permission in #alerts", "invite the bot with /invite @ice-watch").
   */
  checkCanPost(channelId: string): Promise<string | null>;
}
