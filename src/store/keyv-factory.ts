import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Keyv from 'keyv';
import KeyvSqlite from '@keyv/sqlite';

/** Opens one keyv namespace. Every namespace gets its own adapter (a shared one mixes namespaces up). */
export interface KeyvFactory {
  open<T = unknown>(namespace: string): Keyv<T>;
  /** Closes every adapter opened so far. */
  close(): Promise<void>;
  /** A description of the store safe to log (no credentials). */
  readonly description: string;
}

export class StoreConfigError extends Error {
  override name = 'StoreConfigError';
}

/**
 * Builds the factory for STORE_URL: `sqlite://path/to/file.sqlite` (embedded, the default;
 * the folder is created), `memory://` (tests, scratch replays). Every Keyv is created with
 * `throwOnErrors`, so a failing read is an error and never looks like "nothing stored yet".
 */
export function createKeyvFactory(storeUrl: string): KeyvFactory {
  const opened: Keyv[] = [];
  const track = <T>(k: Keyv<T>) => {
    opened.push(k as Keyv);
    return k;
  };
  if (storeUrl === 'memory://' || storeUrl === 'memory') {
    return {
      description: 'memory',
      open: <T>(namespace: string) => track(new Keyv<T>({ namespace, throwOnErrors: true })),
      close: async () => undefined,
    };
  }
  if (storeUrl.startsWith('sqlite://')) {
    const path = storeUrl.slice('sqlite://'.length);
    if (!path) throw new StoreConfigError('STORE_URL sqlite:// needs a file path, e.g. sqlite://data/ice-watch.sqlite');
    const file = path === ':memory:' ? path : resolve(path);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    return {
      description: `sqlite ${file}`,
      open: <T>(namespace: string) =>
        track(new Keyv<T>({ store: new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: 5000 }), namespace, throwOnErrors: true })),
      close: async () => {
        await Promise.all(opened.map((k) => k.disconnect()));
      },
    };
  }
  const scheme = storeUrl.split(':')[0] || storeUrl;
  throw new StoreConfigError(
    `STORE_URL scheme "${scheme}:" is not supported here: use sqlite://path/to/file.sqlite (default) or memory://`,
  );
}
