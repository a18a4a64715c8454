/**
 * The four engines a store runs on, for `describeEachStore`: memory, SQLite in a temp folder,
 * and the local PostgreSQL and Redis (127.0.0.1:5432 database `test`, 127.0.0.1:6379; `.ci/run`
 * starts them when they are down; elsewhere their suites skip, see services.ts). Each use gets a
 * unique name prefix, so parallel test files share the servers without seeing each other, and
 * `cleanup()` deletes what it wrote.
 *
 * @example
 *   describeEachStore(STORE_BACKENDS)('outbox on %s', (_name, backend) => {
 *     let store: StoreUnderTest;
 *     beforeEach(async () => (store = await backend()));
 *     afterEach(() => store.cleanup());
 *     test('...', async () => { const outbox = createOutboxStore(store.factory); ... });
 *   });
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyvFactory, type KeyvFactory } from '../../src/store/keyv-factory';
import { deleteByPrefix, TEST_POSTGRES_URL, TEST_REDIS_URL } from '../../stand-ins/store-servers';
import { serviceReachable } from './services';

export { deleteByPrefix, TEST_POSTGRES_URL, TEST_REDIS_URL };

export interface StoreUnderTest {
  url: string;
  prefix: string;
  factory: KeyvFactory;
  /** Another factory on the same data, as a second instance of the bot would open it (memory: none). */
  second(): KeyvFactory | null;
  /** Closes every factory and deletes what this use wrote. */
  cleanup(): Promise<void>;
}

let counter = 0;
const uniquePrefix = () => `t${process.pid}x${Date.now().toString(36)}x${++counter}:`;

function onServer(url: string) {
  return async (): Promise<StoreUnderTest> => {
    const prefix = uniquePrefix();
    const opened: KeyvFactory[] = [];
    const open = () => {
      const f = createKeyvFactory(url, { prefix });
      opened.push(f);
      return f;
    };
    const factory = open();
    await factory.ready();
    return {
      url,
      prefix,
      factory,
      second: open,
      async cleanup() {
        await Promise.all(opened.map((f) => f.close()));
        await deleteByPrefix(url, prefix);
      },
    };
  };
}

type Backend = [string, () => Promise<StoreUnderTest>];

export const STORE_BACKENDS: Backend[] = [
  [
    'memory',
    async () => {
      const factory = createKeyvFactory('memory://');
      return { url: 'memory://', prefix: '', factory, second: () => null, cleanup: () => factory.close() };
    },
  ],
  [
    'sqlite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ice-watch-store-'));
      const url = `sqlite://${join(dir, 'nested', 'store.sqlite')}`;
      const opened = [createKeyvFactory(url)];
      return {
        url,
        prefix: '',
        factory: opened[0]!,
        second: () => {
          const f = createKeyvFactory(url);
          opened.push(f);
          return f;
        },
        async cleanup() {
          await Promise.all(opened.map((f) => f.close()));
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
  ['postgres', onServer(TEST_POSTGRES_URL)],
  ['redis', onServer(TEST_REDIS_URL)],
];

/** Memory and SQLite always run; PostgreSQL and Redis when this run reached them. */
const engineReachable = (name: string) => (name === 'postgres' || name === 'redis' ? serviceReachable(name) : true);

/**
 * `describe.each(backends)`, with the engines whose server is down registered as skipped
 * suites, so jest counts them as skipped and the run's last line says what to start.
 */
export function describeEachStore(backends: Backend[] = STORE_BACKENDS) {
  return (title: string, suite: (name: string, backend: Backend[1]) => void): void => {
    const up = backends.filter(([name]) => engineReachable(name));
    const down = backends.filter(([name]) => !engineReachable(name));
    if (up.length) describe.each(up)(title, suite);
    if (down.length) describe.skip.each(down)(title, suite);
  };
}
