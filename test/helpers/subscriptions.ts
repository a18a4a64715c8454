import { channelKey, type Subscription } from '../../src/domain/alerts/subscriptions';
import type { Platform } from '../../src/domain/platforms';

/**
 * A channel's subscription for a test: `platform` / `workspaceId` / `channelId` as given, no state,
 * `totals` only, instant, made by "Ana" on 2026-01-01 and never paused, unless `over` says otherwise.
 */
export function subscriptionOf(platform: Platform, workspaceId: string, channelId: string, over: Partial<Subscription> = {}): Subscription {
  const who = { id: 'U', name: 'Ana' };
  return {
    key: channelKey(platform, workspaceId, channelId),
    platform,
    workspaceId,
    channelId,
    channelName: null,
    states: [],
    kinds: ['totals'],
    models: null,
    mode: 'instant',
    createdBy: who,
    createdAt: '2026-01-01T00:00:00Z',
    updatedBy: who,
    updatedAt: '2026-01-01T00:00:00Z',
    paused: null,
    ...over,
  };
}
