/**
 * The engines the relational store runs on, for `describeEachDatabase`: SQLite in memory, SQLite
 * in a temp file (WAL, a second connection like another process's), and the local PostgreSQL
 * (127.0.0.1:5432 database `test`; `.ci/run` starts it when it is down; elsewhere its suites skip,
 * see services.ts). Each PostgreSQL use gets a schema of its own (a unique STORE_PREFIX), so
 * parallel test files share the server without seeing each other, and `cleanup()` drops it.
 *
 * @example
 *   describeEachDatabase()('outbox on %s', (_name, engine) => {
 *     let db: DatabaseUnderTest;
 *     beforeEach(async () => (db = await engine()));
 *     afterEach(() => db.cleanup());
 *     test('...', async () => { const outbox = createOutboxStore(db.db); ... });
 *   });
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type StoreDb } from '../../src/store/db/database';
import { dropSchemaOfPrefix, TEST_POSTGRES_URL } from '../../stand-ins/store-servers';
import { serviceReachable } from './services';

export interface DatabaseUnderTest {
  url: string;
  prefix: string;
  db: StoreDb;
  /** Another connection to the same data, as a second instance of the bot would open it (SQLite in memory: none). */
  second(): StoreDb | null;
  /** Closes every connection and deletes what this use wrote. */
  cleanup(): Promise<void>;
}

let counter = 0;
/** A STORE_PREFIX no other test file uses at the same time. */
export const uniquePrefix = () => `t${process.pid}x${Date.now().toString(36)}x${++counter}`;

type Engine = [string, () => Promise<DatabaseUnderTest>];

function opened(url: string, prefix: string, cleanup: () => Promise<void>, shareable: boolean): DatabaseUnderTest {
  const all: StoreDb[] = [];
  const open = () => {
    const d = openDatabase(url, { prefix });
    all.push(d);
    return d;
  };
  return {
    url,
    prefix,
    db: open(),
    second: () => (shareable ? open() : null),
    async cleanup() {
      await Promise.all(all.map((d) => d.close()));
      await cleanup();
    },
  };
}

export const DATABASES: Engine[] = [
  ['sqlite memory', async () => opened('memory://', '', async () => undefined, false)],
  [
    'sqlite file',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ice-watch-db-'));
      return opened(`sqlite://${join(dir, 'nested', 'store.sqlite')}`, '', async () => rmSync(dir, { recursive: true, force: true }), true);
    },
  ],
  [
    'postgres',
    async () => {
      const prefix = uniquePrefix();
      return opened(TEST_POSTGRES_URL, prefix, () => dropSchemaOfPrefix(TEST_POSTGRES_URL, prefix), true);
    },
  ],
];

/**
 * `describe.each(engines)`, with PostgreSQL registered as a skipped suite when this run could
 * not reach it, so jest counts it as skipped and the run's last line says what to start.
 */
export function describeEachDatabase(engines: Engine[] = DATABASES) {
  return (title: string, suite: (name: string, engine: Engine[1]) => void): void => {
    const up = engines.filter(([name]) => name !== 'postgres' || serviceReachable('postgres'));
    const down = engines.filter((e) => !up.includes(e));
    if (up.length) describe.each(up)(title, suite);
    if (down.length) describe.skip.each(down)(title, suite);
  };
}
