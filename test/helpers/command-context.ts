import type { CommandContext, Platform } from '../../commands/command';
import { DEFAULT_GUARDS, judgePublication } from '../../src/domain/agreements/guards';
import type { Agreement } from '../../src/domain/types';
import type { StoreDb } from '../../src/store/db/database';
import type { SnapshotStore } from '../../src/store/snapshot-store';
import type { SubscriptionStore } from '../../src/store/subscription-store';
import { loadSnapshot } from './fixtures';
import { memoryStores } from './stores';

export interface CommandWorld {
  /** The database under the stores (a test that opens another store on the same data). */
  db: StoreDb;
  snapshots: SnapshotStore;
  subscriptions: SubscriptionStore;
  /** A context for a user in a channel; `canPost` is what the platform would answer. */
  ctx(over?: { channelId?: string; platform?: Platform; user?: string; canManage?: boolean; canPost?: string | null }): CommandContext;
  close(): Promise<void>;
}

/**
 * A real in-memory store holding real ICE lists as the accepted state, as the bot has
 * after its first poll. `edit` can change the participating rows first (e.g. to add an agency
 * with a hostile name).
 */
export async function commandWorld(
  participating = 'participatingAgencies12122025pm.xlsx',
  pending: string | null = 'pendingAgencies09222025am.xlsx',
  edit?: (rows: Agreement[]) => Agreement[],
): Promise<CommandWorld> {
  const { db, snapshots, subscriptions, close } = memoryStores();
  const base = await loadSnapshot(participating, 'participating', '2025-12-12T18:00:00.000Z');
  const snap = edit ? { ...base, rows: edit([...base.rows]) } : base;
  const now = new Date('2025-12-12T19:00:00Z');
  await snapshots.saveState('participating', judgePublication(null, snap, { now, guards: DEFAULT_GUARDS }).next!, 'baseline');
  if (pending) {
    const p = await loadSnapshot(pending, 'pending', '2025-12-12T18:00:00.000Z');
    await snapshots.saveState('pending', judgePublication(null, p, { now, guards: DEFAULT_GUARDS }).next!, 'baseline');
  }
  return {
    db,
    snapshots,
    subscriptions,
    ctx: (over = {}) => ({
      channel: { platform: over.platform ?? 'discord', workspaceId: 'G1', channelId: over.channelId ?? 'C1', channelName: 'newsroom' },
      user: { id: 'U1', name: over.user ?? 'Ana', canManageChannel: over.canManage ?? true },
      services: { snapshots, subscriptions, checkCanPost: async () => over.canPost ?? null },
      now: () => now,
    }),
    close,
  };
}
