/**
 * Child process of figure `slackAcks`: the Slack app alone in its own process, so that the
 * load generator's work is not charged to the acks.
 *   node bin/run-ts.js bench/slack-acks-child.ts <Slack API url> <signing secret>
 * Prints one JSON line `{"port":N,"agreements":N}` once listening; stops when stdin closes.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { DEFAULT_GUARDS, judgePublication } from '../src/domain/agreements/guards';
import { createLogger } from '../src/logging/logger';
import { createSlackApp } from '../src/platforms/slack/app';
import { openDatabase } from '../src/store/db/database';
import { createDbLeases } from '../src/store/leases';
import { createSnapshotStore } from '../src/store/snapshot-store';
import { createSubscriptionStore } from '../src/store/subscription-store';
import { FIXTURES_287G, snapshotOfFile } from './fixtures';
import { openKeyValueStores } from '../src/store/key-value';
import { SLACK_ACKS_FIXTURE } from './slack-acks';

async function main(): Promise<void> {
  const [apiUrl, secret] = process.argv.slice(3);
  if (!apiUrl || !secret) throw new Error('usage: bench/slack-acks-child.ts <Slack API url> <signing secret>');
  // STORE_URL=memory:// as the bot runs it: the lists, the subscriptions and the replay guard's leases in one SQLite in memory.
  const db = openDatabase('memory://');
  const snapshots = createSnapshotStore(db, openKeyValueStores('memory://'));
  const file = await snapshotOfFile(join(FIXTURES_287G, 'participating', SLACK_ACKS_FIXTURE), 'participating');
  await snapshots.saveState('participating', judgePublication(null, file, { now: new Date(), guards: DEFAULT_GUARDS }).next!, 'baseline');
  const app = createSlackApp({
    botToken: 'xoxb-bench',
    signingSecret: secret,
    port: 0,
    host: '127.0.0.1',
    apiUrl,
    services: { snapshots, subscriptions: createSubscriptionStore(db) },
    replayLeases: createDbLeases(db),
    logger: createLogger('silent', new Writable({ write: (_c, _e, done) => done() })),
    adminsOnly: false,
  });
  const { port } = await app.start();
  process.stdout.write(JSON.stringify({ port, agreements: file.rows.length }) + '\n');
  process.stdin.resume();
  process.stdin.on('end', () => {
    void app.stop().finally(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`slack-acks-child failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
