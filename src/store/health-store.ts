import { healthyState, SOURCE_NAMES, type SourceHealth } from '../domain/source-health';
import type { KeyvFactory } from './keyv-factory';

/** Each source's poll health (failures, back-off), kept across restarts. */
export interface HealthStore {
  get(source: string): Promise<SourceHealth>;
  set(health: SourceHealth): Promise<void>;
  /** Writes and reads back a probe record: resolves when the store answers both, throws otherwise (/healthz, doctor). */
  ping(): Promise<void>;
}

export function createHealthStore(keyv: KeyvFactory): HealthStore {
  const records = keyv.open<SourceHealth>('source-health');
  const probes = keyv.open<string>('store-probe');
  // A source's record kept under its name (before health keys were ids) until its next poll writes it under its id:
  // an upgrade keeps the back-off, the failure count and the refused files.
  const formerRecord = async (source: string): Promise<SourceHealth | null> => {
    const name = Object.hasOwn(SOURCE_NAMES, source) ? SOURCE_NAMES[source as keyof typeof SOURCE_NAMES] : null;
    const former = name ? await records.get(name) : undefined;
    return former ? { ...former, source } : null;
  };
  return {
    get: async (source) => (await records.get(source)) ?? (await formerRecord(source)) ?? healthyState(source),
    set: async (health) => {
      await records.set(health.source, health);
    },
    async ping() {
      // A key per probe: concurrent probes (two scrapes at once) never read each other's value.
      const key = `${process.pid}:${Date.now()}:${Math.random().toString(36).slice(2)}`;
      await probes.set(key, key);
      const back = await probes.get(key);
      await probes.delete(key);
      if (back !== key) throw new Error('the store did not return what was just written to it');
    },
  };
}
