import Keyv from 'keyv';
import type { KeyvFactory } from '../../src/store/keyv-factory';
import type { OutboxStore } from '../../src/store/outbox-store';

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

/**
 * An outbox whose writes can be made to fail, as when the database connection is cut after a
 * platform accepted a message: `failWrites(message)` makes `save` and `saveMany` throw (reads,
 * claims and the rest go on), `heal()` lets them through again. Counts the saves it refused.
 */
export function switchableOutbox(inner: OutboxStore): OutboxStore & { failWrites(message: string): void; heal(): void; refused: number } {
  let failure: string | null = null;
  const control = {
    refused: 0,
    failWrites: (message: string) => void (failure = message),
    heal: () => void (failure = null),
  };
  const refuse = () => {
    control.refused++;
    return Promise.reject(new Error(failure!));
  };
  // A proxy, not a copy: the store's own methods (and any it calls on itself) stay as they are.
  return new Proxy(inner, {
    get(target, key, receiver) {
      if (key in control) return control[key as keyof typeof control];
      if (failure && (key === 'save' || key === 'saveMany')) return refuse;
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as OutboxStore & typeof control;
}
