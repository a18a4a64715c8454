/**
 * Coordination through the database alone (issue 16): on PostgreSQL the leader is the holder of
 * a lease row and another instance takes over when it stops renewing; on SQLite one process owns
 * the file and a second one is refused with what to do instead.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCoordination } from '../../src/coordination/coordination';
import { FILE_OWNER_LEASE, FileOwnedError } from '../../src/coordination/file-owner';
import { POLL_LEASE } from '../../src/coordination/poll-lease';
import { UserError } from '../../src/domain/user-error';
import { createLogger } from '../../src/logging/logger';
import { openDatabase, type StoreDb } from '../../src/store/db/database';
import { createDbLeases, type Leases } from '../../src/store/leases';
import { dropSchemaOfPrefix, TEST_POSTGRES_URL } from '../../stand-ins/store-servers';
import { uniquePrefix } from '../helpers/databases';
import { describeWith } from '../helpers/services';
import { memoryStores } from '../helpers/stores';
import { waitUntil } from '../helpers/wait';

const logger = createLogger('silent');
const { outbox } = memoryStores();

describe('on SQLite one process owns the file', () => {
  let dir: string;
  let dbs: StoreDb[];
  const open = () => {
    const db = openDatabase(`sqlite://${join(dir, 'store.sqlite')}`);
    dbs.push(db);
    return db;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ice-watch-owner-'));
    dbs = [];
  });
  afterEach(async () => {
    await Promise.all(dbs.map((d) => d.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  test('a second bot on the same file is refused, saying who has it and what to do; it starts once the first stopped', async () => {
    const first = createCoordination({ config: { POLL_LEASE_SECONDS: 30 }, db: open(), outbox, logger, instanceId: 'host-a:101:aaaaaa' });
    await first.start({ onGained: () => undefined });
    expect(await first.mayLead()).toBe(true);
    const second = createCoordination({ config: { POLL_LEASE_SECONDS: 30 }, db: open(), outbox, logger, instanceId: 'host-b:202:bbbbbb' });
    const refused = second.start({ onGained: () => undefined });
    await expect(refused).rejects.toBeInstanceOf(FileOwnedError);
    await expect(refused).rejects.toBeInstanceOf(UserError);
    await expect(refused).rejects.toThrow(
      /another ice-watch \(host-a:101:aaaaaa\) is running on sqlite .*store\.sqlite.*STORE_URL=postgres:/,
    );
    await first.stop();
    await second.start({ onGained: () => undefined });
    expect(await createDbLeases(dbs[0]!).holder(FILE_OWNER_LEASE)).toBe('host-b:202:bbbbbb');
    await second.stop();
  });

  test('a bot of this machine that ended without stopping (SIGKILL) is taken over at once, not after its lease', async () => {
    const ended = spawnSync(process.execPath, ['-e', '0']).pid!; // a pid that no longer runs
    const db = open();
    await createDbLeases(db).acquire(FILE_OWNER_LEASE, `${hostname()}:${ended}:dead00`, 60_000);
    const next = createCoordination({ config: { POLL_LEASE_SECONDS: 30 }, db, outbox, logger });
    await next.start({ onGained: () => undefined });
    expect(await createDbLeases(db).holder(FILE_OWNER_LEASE)).toBe(next.instanceId);
    await next.stop();
    expect(await createDbLeases(db).holder(FILE_OWNER_LEASE)).toBeNull();
  });
});

describeWith(['postgres'])('on PostgreSQL the leader holds a lease row', () => {
  const prefix = uniquePrefix();
  const dbs: StoreDb[] = [];
  const open = () => {
    const db = openDatabase(TEST_POSTGRES_URL, { prefix });
    dbs.push(db);
    return db;
  };
  afterAll(async () => {
    await Promise.all(dbs.map((d) => d.close()));
    await dropSchemaOfPrefix(TEST_POSTGRES_URL, prefix);
  });

  test('one of two instances leads; when it stops renewing (its database gone) the other takes over within the lease, and polls at once', async () => {
    const [dbA, dbB] = [open(), open()];
    await dbA.ready();
    const gained: string[] = [];
    // A's way to the database, which its "death" cuts: every call fails from then on (nothing is released).
    let aDead = false;
    const real = createDbLeases(dbA);
    const cutOff = <T>(f: () => Promise<T>) => (aDead ? Promise.reject(new Error('instance a is gone')) : f());
    const aLeases: Leases = {
      acquire: (...args) => cutOff(() => real.acquire(...args)),
      release: (...args) => cutOff(() => real.release(...args)),
      holder: (...args) => cutOff(() => real.holder(...args)),
      sweep: (...args) => cutOff(() => real.sweep(...args)),
    };
    const a = createCoordination({ config: { POLL_LEASE_SECONDS: 1 }, db: dbA, outbox, logger, instanceId: 'a', leases: aLeases });
    const b = createCoordination({ config: { POLL_LEASE_SECONDS: 1 }, db: dbB, outbox, logger, instanceId: 'b' });
    await a.start({ onGained: () => gained.push('a') });
    await b.start({ onGained: () => gained.push('b') });
    expect([await a.mayLead(), await b.mayLead()]).toEqual([true, false]);
    expect(gained).toEqual([]); // leading from the start is not a takeover: the bot runs its start jobs itself
    expect((await b.status()).poller).toBe('a');
    expect((await b.status()).mode).toBe('several instances');

    // A dies: it stops renewing, nothing is released.
    aDead = true;
    const lostAt = Date.now();
    await waitUntil(() => gained.includes('b'), 'b to take over', 5_000, 20);
    expect(Date.now() - lostAt).toBeLessThan(1_000 + 1_000 / 3 + 500);
    expect(await b.mayLead()).toBe(true);
    expect(await a.mayLead()).toBe(false); // a cannot renew: it stops leading rather than guess

    // A clean stop gives the lease up at once.
    await b.stop();
    expect(await createDbLeases(dbB).holder(POLL_LEASE)).toBeNull();
    await a.stop();
  });
});
