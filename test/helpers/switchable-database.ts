import Keyv from 'keyv';
import type { StoreDb } from '../../src/store/db/database';
import type { KeyValueStores } from '../../src/store/key-value';

/**
 * A database that can be made to stop answering and answer again, as a server that goes away
 * for a while: after `fail(message)` every store call (they all start with `ready()`) and every
 * ping throws `message`; `heal()` brings it back with its data.
 */
export function switchableDatabase(inner: StoreDb): StoreDb & { fail(message: string): void; heal(): void } {
  let failure: string | null = null;
  const check = () => {
    if (failure) throw new Error(failure);
  };
  return {
    dialect: inner.dialect,
    description: `switchable ${inner.description}`,
    schema: inner.schema,
    ready: async () => (check(), inner.ready()),
    nowMs: () => inner.nowMs(),
    ping: async (timeoutMs) => (check(), inner.ping(timeoutMs)),
    close: () => inner.close(),
    fail: (message) => void (failure = message),
    heal: () => void (failure = null),
  };
}

/** The key-value side in memory, switched like `switchableDatabase` (on a real install it lives in the same database). */
export function switchableKeyValues(): KeyValueStores & { fail(message: string): void; heal(): void } {
  let failure: string | null = null;
  const check = () => {
    if (failure) throw new Error(failure);
  };
  const maps = new Map<string, Map<string, unknown>>();
  return {
    open: <T>(namespace: string) => {
      const map = maps.get(namespace) ?? maps.set(namespace, new Map()).get(namespace)!;
      const store = {
        get: async (key: string) => (check(), map.get(key)),
        set: async (key: string, value: unknown) => (check(), map.set(key, value), true),
        delete: async (key: string) => (check(), map.delete(key)),
        clear: async () => (check(), map.clear()),
        has: async (key: string) => (check(), map.has(key)),
        on: () => undefined,
      };
      return new Keyv<T>({ store: store as never, namespace, throwOnErrors: true });
    },
    close: async () => undefined,
    fail: (message) => void (failure = message),
    heal: () => void (failure = null),
  };
}
