import { healthyState, SOURCE_NAMES, type SourceHealth } from '../domain/source-health';
import type { StoreDb } from './db/database';
import type { KeyValueStores } from './key-value';

/** Each source's poll health (failures, back-off), kept across restarts. */
export interface HealthStore {
  get(source: string): Promise<SourceHealth>;
  set(health: SourceHealth): Promise<void>;
  /** Resolves when the database answers within 1.5 s, rejects otherwise, never hangs on a cut connection (/healthz, doctor). */
  ping(): Promise<void>;
}

/** The bound of `ping`: /healthz must answer 503 within 2 s while the database is unreachable. */
const PING_TIMEOUT_MS = 1_500;

/** Health records are key-value (kv namespace `source-health`); the ping asks the relational database. */
export function createHealthStore(db: StoreDb, kv: KeyValueStores): HealthStore {
  const records = kv.open<SourceHealth>('source-health');
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
    ping: () => db.ping(PING_TIMEOUT_MS),
  };
}
