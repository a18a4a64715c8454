import type { Platform } from '../platforms';
import type { Model } from '../types';

/** What a subscription can ask for (SPEC section 4). */
export const KINDS = ['agreements', 'endings', 'pending', 'totals', 'corrections', 'facilities'] as const;
export type Kind = (typeof KINDS)[number];
export const MODES = ['instant', 'daily', 'weekly'] as const;
export type Mode = (typeof MODES)[number];

/**
 * State subscriptions get every kind but totals and corrections unless they say otherwise:
 * a SIGNED date ICE corrected is recorded and shown to operators and in /agency, and only
 * channels that ask for `corrections` get it as an alert.
 */
export const DEFAULT_STATE_KINDS: Kind[] = ['agreements', 'endings', 'pending'];

/**
 * The kinds that come with the enforcement totals: `/subscribe totals` turns on `facilities`
 * with `totals`, and `/unsubscribe totals` ends both. `facilities` follows the channel's own
 * states (a state's detention facilities: new, no longer listed, renamed, ADP moves).
 */
export const TOTALS_KINDS: Kind[] = ['totals', 'facilities'];

/** One channel's subscription. A channel has at most one; subscribing again updates it. */
export interface Subscription {
  /** `<platform>:<workspace>:<channel>` */
  key: string;
  platform: Platform;
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

/**
 * Who holds the console's standing subscription (every state, default kinds) that console
 * mode starts with so that a bot with no platform shows something. It is a default, not a
 * choice: the first `subscribe` in the terminal replaces it instead of adding to it.
 */
export const CONSOLE_DEFAULT_HOLDER = { id: 'ice-watch', name: 'ice-watch (console mode)' } as const;

/** The console's standing default, untouched by anyone since console mode made it. */
export function isConsoleDefault(sub: Subscription): boolean {
  return sub.platform === 'console' && sub.updatedBy.id === CONSOLE_DEFAULT_HOLDER.id;
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
  if (type === 'agreement.corrected') return 'corrections';
  if (type.startsWith('agreement.') || type === 'state.first') return 'agreements';
  if (type.startsWith('pending.')) return 'pending';
  if (type === 'detention.released' || type === 'daily.reported') return 'totals';
  if (type === 'facilities.changed' || type.startsWith('facility.') || type === 'state.adp-moved') return 'facilities';
  return null;
}

/**
 * Whether a stored value has the shape of a subscription: a record written by an older or
 * broken version, or damaged on disk, is skipped and reported instead of crashing the
 * channel's neighbours.
 */
export function isSubscriptionRecord(value: unknown): value is Subscription {
  if (!value || typeof value !== 'object') return false;
  const s = value as Partial<Subscription>;
  const strings = [s.key, s.platform, s.workspaceId, s.channelId, s.mode];
  return (
    strings.every((x) => typeof x === 'string') &&
    (s.states === 'all' || (Array.isArray(s.states) && s.states.every((x) => typeof x === 'string'))) &&
    Array.isArray(s.kinds) &&
    s.kinds.every((k) => (KINDS as readonly string[]).includes(k)) &&
    (s.models === null || Array.isArray(s.models)) &&
    (MODES as readonly string[]).includes(s.mode as string)
  );
}
