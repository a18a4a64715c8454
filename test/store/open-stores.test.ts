import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { channelKey, type Subscription } from '../../src/domain/alerts/subscriptions';
import { openStores } from '../../src/store/open-stores';

const T0 = '2026-12-04T12:00:00.000Z';
const who = { id: 'U1', name: 'Ana' };
const texas: Subscription = {
  key: channelKey('slack', 'T1', 'C1'),
  platform: 'slack',
  workspaceId: 'T1',
  channelId: 'C1',
  channelName: 'alerts',
  states: ['TX'],
  kinds: ['agreements'],
  models: null,
  mode: 'instant',
  createdBy: who,
  createdAt: T0,
  updatedBy: who,
  updatedAt: T0,
  paused: null,
};

describe('openStores, the one opener of the bot, the CLI and a shard', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'open-stores-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('what one process wrote under STORE_URL, the next one reads; another file sees nothing (SQLite: a file is one install; STORE_PREFIX is a PostgreSQL schema)', async () => {
    const config = { STORE_URL: `sqlite://${join(dir, 'bot.sqlite')}`, STORE_PREFIX: 'a:' };
    const first = openStores(config);
    await first.subscriptions.put(texas);
    await first.close();

    const again = openStores(config);
    const other = openStores({ ...config, STORE_URL: `sqlite://${join(dir, 'other.sqlite')}` });
    try {
      expect((await again.subscriptions.forState('TX')).map((s) => s.key)).toEqual([texas.key]);
      expect(await other.subscriptions.forState('TX')).toEqual([]);
    } finally {
      await again.close();
      await other.close();
    }
  });

  test('a corrupt subscription is reported through the option, and every store shares the one connection', async () => {
    const problems: string[] = [];
    const stores = openStores({ url: 'memory://' }, { onCorruptSubscription: (key, problem) => problems.push(`${key}: ${problem}`) });
    try {
      await stores.subscriptions.put(texas);
      const k = await stores.db.ready();
      await k.updateTable('subscriptions').set({ kinds: '"agreements"' }).where('key', '=', texas.key).execute();
      expect(await stores.subscriptions.forState('TX')).toEqual([]);
      expect(problems).toEqual([`${texas.key}: not a subscription record`]);
      await stores.health.ping();
    } finally {
      await stores.close();
    }
  });
});
