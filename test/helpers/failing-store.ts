import Keyv from 'keyv';
import type { KeyvFactory } from '../../src/store/keyv-factory';

/** A keyv factory whose every read fails with `message`, as a corrupt or unreachable store does. */
export function failingKeyvFactory(message: string): KeyvFactory {
  const fail = async () => {
    throw new Error(message);
  };
  return {
    description: 'failing',
    sets: { add: fail, remove: fail, members: fail, upTo: fail, count: fail },
    leases: { acquire: fail, release: fail, holder: fail, sweep: fail },
    ready: fail,
    open: (namespace: string) =>
      new Keyv({
        namespace,
        throwOnErrors: true,
        store: { get: fail, set: fail, delete: async () => false, clear: async () => undefined, has: fail, on: () => undefined } as never,
      }),
    close: async () => undefined,
  };
}

/**
 * An in-memory store that can be made to stop answering and answer again, as a database whose
 * server goes away for a while: `fail(message)` makes every read and write throw `message`,
 * `heal()` brings it back with its data. Sets and leases stay up (the bot's coordination is
 * not what is tested with it).
 */
export function switchableKeyvFactory(inner: KeyvFactory): KeyvFactory & { fail(message: string): void; heal(): void } {
  let failure: string | null = null;
  const check = () => {
    if (failure) throw new Error(failure);
  };
  return {
    description: `switchable ${inner.description}`,
    sets: inner.sets,
    leases: inner.leases,
    ready: async () => (check(), inner.ready()),
    open: <T>(namespace: string) => {
      const data = new Map<string, unknown>();
      return new Keyv<T>({
        namespace,
        throwOnErrors: true,
        store: {
          get: async (k: string) => (check(), data.get(k)),
          set: async (k: string, v: unknown) => (check(), data.set(k, v), true),
          delete: async (k: string) => (check(), data.delete(k)),
          clear: async () => (check(), data.clear()),
          has: async (k: string) => (check(), data.has(k)),
          on: () => undefined,
        } as never,
      });
    },
    close: () => inner.close(),
    fail: (message) => void (failure = message),
    heal: () => void (failure = null),
  };
}
