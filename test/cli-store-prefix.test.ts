import { dropSchemaOfPrefix, TEST_POSTGRES_URL } from '../stand-ins/store-servers';
import { cli } from './helpers/cli';
import { uniquePrefix } from './helpers/databases';
import { fixturePath } from './helpers/fixtures';
import { serviceReachable } from './helpers/services';

/** Runs `work` with these settings in process.env, then puts the old values back. */
async function withEnv<T>(env: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await work();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

(serviceReachable('postgres') ? describe : describe.skip)('STORE_PREFIX on PostgreSQL applies to every command', () => {
  test('replay --store writes under STORE_PREFIX, so agreements under the same prefix finds the list and another prefix does not', async () => {
    const prefix = uniquePrefix();
    const other = uniquePrefix();
    try {
      await withEnv({ STORE_PREFIX: prefix }, () =>
        cli('replay', fixturePath('participatingAgencies10162025pm.xlsx'), '--store', TEST_POSTGRES_URL, '--json'),
      );
      const mine = await withEnv({ STORE_URL: TEST_POSTGRES_URL, STORE_PREFIX: prefix }, () => cli('agreements', 'texas', '--json'));
      expect(mine.code).toBe(0);
      expect(mine.json().total).toBeGreaterThan(100);
      const theirs = await withEnv({ STORE_URL: TEST_POSTGRES_URL, STORE_PREFIX: other }, () => cli('agreements', 'texas', '--json'));
      expect(theirs.stdout.includes('"total":') ? theirs.json().total : 0).toBe(0);
    } finally {
      await dropSchemaOfPrefix(TEST_POSTGRES_URL, prefix);
      await dropSchemaOfPrefix(TEST_POSTGRES_URL, other).catch(() => undefined);
    }
  });
});
