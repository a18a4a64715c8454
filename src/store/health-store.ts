import { healthyState, type SourceHealth } from '../domain/source-health';
import type { KeyvFactory } from './keyv-factory';

/** Each source's poll health (failures, back-off), kept across restarts. */
export interface HealthStore {
  get(source: string): Promise<SourceHealth>;
  set(health: SourceHealth): Promise<void>;
}

export function createHealthStore(keyv: KeyvFactory): HealthStore {
  const records = keyv.open<SourceHealth>('source-health');
  return {
    get: async (source) => (await records.get(source)) ?? healthyState(source),
    set: async (health) => {
      await records.set(health.source, health);
    },
  };
}
