import { channelKey, CONSOLE_DEFAULT_HOLDER, DEFAULT_STATE_KINDS } from '../../domain/alerts/subscriptions';
import { requireReachable } from '../../store/db/database';
import type { SubscriptionStore } from '../../store/subscription-store';
import type { PlatformPlugin } from '../plugin';
import { createConsoleAlertSender } from './console-alert-sender';
import { createConsoleSender } from './console-sender';

const CONSOLE_KEY = channelKey('console', 'local', 'console');

/** Console mode: the terminal follows every state, unless someone changed that with `ice-watch subscribe`. */
async function ensureConsoleSubscription(subscriptions: SubscriptionStore, at: Date): Promise<void> {
  const who = { ...CONSOLE_DEFAULT_HOLDER };
  await subscriptions.update(
    CONSOLE_KEY,
    (old) =>
      old ?? {
        key: CONSOLE_KEY,
        platform: 'console',
        workspaceId: 'local',
        channelId: 'console',
        channelName: 'console',
        states: 'all',
        kinds: [...DEFAULT_STATE_KINDS],
        models: null,
        mode: 'instant',
        createdBy: who,
        createdAt: at.toISOString(),
        updatedBy: who,
        updatedAt: at.toISOString(),
        paused: null,
      },
  );
}

/**
 * The terminal: always there. It prints the console channel's alerts (a subscription made by
 * `ice-watch subscribe`, or console mode's standing one) and every operator notice; alone
 * (no platform token), it is console mode and follows every state.
 */
export const consolePlatform: PlatformPlugin<'console'> = {
  id: 'console',
  name: 'console',
  terminal: true,
  configured: () => true,
  // The terminal's user runs ice-watch: they may always manage the console channel.
  whoMayManage: 'operators',
  async load({ config, stores, logger, now, alone, write }) {
    if (alone) {
      // Console mode writes its subscription now: a store that does not answer fails the start with the reason.
      await requireReachable('STORE_URL', stores.db);
      await ensureConsoleSubscription(stores.subscriptions, now());
    }
    return {
      sender: createConsoleAlertSender(write, { dir: config.CHARTS_DIR, logger }),
      terminal: createConsoleSender(write).notifyOperators,
      start: async () => undefined,
      stop: async () => undefined,
    };
  },
};
