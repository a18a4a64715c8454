import type { Model } from './types';

/** What a subscription can ask for (SPEC section 4). */
export const KINDS = ['agreements', 'endings', 'pending', 'totals'] as const;
export type Kind = (typeof KINDS)[number];
export const MODES = ['instant', 'daily', 'weekly'] as const;
export type Mode = (typeof MODES)[number];

/** State subscriptions get every kind but totals unless they say otherwise. */
export const DEFAULT_STATE_KINDS: Kind[] = ['agreements', 'endings', 'pending'];

/** One channel's subscription. A channel has at most one; subscribing again updates it. */
export interface Subscription {
  /** `<platform>:<workspace>:<channel>` */
  key: string;
  platform: 'discord' | 'slack' | 'console';
  workspaceId: string;
  channelId: string;
  channelName: string | null;
  /** USPS codes, or 'all'; empty when the channel follows only totals. */
  states: string[] | 'all';
  /** Kinds for the state part; `totals` is the national totals feed. */
  kinds: Kind[];
  /** Only these models (null: all). */
  models: Model[] | null;
  mode: Mode;
  createdBy: { id: string; name: string };
  createdAt: string;
  updatedBy: { id: string; name: string };
  updatedAt: string;
  /** Set when delivery failed for good (channel gone, permission lost); subscribing again resumes. */
  paused: { reason: string; since: string } | null;
}

export function channelKey(platform: string, workspaceId: string, channelId: string): string {
  return `${platform}:${workspaceId}:${channelId}`;
}

/** Does a subscription want an event of this kind, state and model? */
export function subscriptionWants(sub: Subscription, kind: Kind, stateCode: string | null, model: string | null): boolean {
  if (sub.paused || !sub.kinds.includes(kind)) return false;
  if (kind === 'totals') return true;
  if (sub.states !== 'all' && (!stateCode || !sub.states.includes(stateCode))) return false;
  return !sub.models || !model || sub.models.includes(model as Model);
}

/** The kind a 287(g) event belongs to, for matching. */
export function kindOfEvent(type: string): Kind | null {
  if (type === 'agreement.ended' || type === 'state.cleared') return 'endings';
  if (type.startsWith('agreement.') || type === 'state.first') return 'agreements';
  if (type.startsWith('pending.')) return 'pending';
  if (type === 'detention.released' || type === 'daily.reported') return 'totals';
  return null;
}
