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
