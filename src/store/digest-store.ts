import type { StateAlert } from '../domain/alerts/alerts';
import type { Mode } from '../domain/alerts/subscriptions';
import type { KeyvFactory } from './keyv-factory';

/** One channel's collected alerts for one digest period. */
export interface DigestBuffer {
  subscriptionKey: string;
  mode: Exclude<Mode, 'instant'>;
  period: string;
  alerts: StateAlert[];
}

/** Alerts collected for digest subscriptions until their period ends. */
export interface DigestStore {
  /** Adds alerts to a channel's buffer for a period; an alert already there (same id) is not added twice. */
  add(subscriptionKey: string, mode: DigestBuffer['mode'], period: string, alerts: readonly StateAlert[]): Promise<void>;
  /** Every buffer, for the digest job to pick those whose period is over. */
  all(): Promise<DigestBuffer[]>;
  remove(buffer: Pick<DigestBuffer, 'subscriptionKey' | 'period'>): Promise<void>;
}

export function createDigestStore(keyv: KeyvFactory): DigestStore {
  const buffers = keyv.open<DigestBuffer>('digests');
  // The buffers' keys, as a set: adding one is atomic on every engine.
  const INDEX = 'digests';
  const { sets } = keyv;
  const keyOf = (sub: string, period: string) => `${sub}|${period}`;
  return {
    async add(subscriptionKey, mode, period, alerts) {
      const key = keyOf(subscriptionKey, period);
      const buffer = (await buffers.get(key)) ?? { subscriptionKey, mode, period, alerts: [] };
      const known = new Set(buffer.alerts.map((a) => a.id));
      await buffers.set(key, { ...buffer, alerts: [...buffer.alerts, ...alerts.filter((a) => !known.has(a.id))] });
      await sets.add(INDEX, [[key, 0]]);
    },
    async all() {
      const keys = await sets.members(INDEX);
      return keys.length ? (await buffers.getMany(keys)).filter((b): b is DigestBuffer => Boolean(b)) : [];
    },
    async remove({ subscriptionKey, period }) {
      const key = keyOf(subscriptionKey, period);
      await buffers.delete(key);
      await sets.remove(INDEX, [key]);
    },
  };
}
