/**
 * Child process of figure `memory`: a bot process holding 2,500 accepted agreements and a
 * year of history from a seeded SQLite store, answering the 287(g) query, then running
 * startBot on that store through its first poll.
 *   node --expose-gc bin/run-ts.js bench/memory-child.ts <store file> <page folder>
 * Prints one JSON line on stdout.
 */
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config';
import agreements from '../commands/agreements';
import { startBot } from '../src/main';
import { renderReplyAsText } from '../src/platforms/console/render-reply';
import { createKeyvFactory } from '../src/store/keyv-factory';
import { createSnapshotStore } from '../src/store/snapshot-store';
import { createSubscriptionStore } from '../src/store/subscription-store';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const rssAfterGc = () => {
  gc();
  return process.memoryUsage().rss;
};

/** Kept reachable to the end, as a bot that caches its accepted state would. */
const held: unknown[] = [];

async function main(): Promise<void> {
  const [storeFile, pageDir] = process.argv.slice(3);
  if (!storeFile || !pageDir) throw new Error('usage: bench/memory-child.ts <store file> <page folder>');
  const rssModules = rssAfterGc();

  const keyv = createKeyvFactory(`sqlite://${storeFile}`);
  const store = createSnapshotStore(keyv);
  const participating = await store.getState('participating');
  const pending = await store.getState('pending');
  if (!participating) throw new Error('the seeded store has no participating state');
  const history = await store.history('participating');
  const ledger = await store.ledger('participating');
  const judgements = await store.judgements('participating');
  held.push(participating, pending, history, ledger, judgements);

  // The 287(g) query as the terminal answers it: the registry command and the console rendering of its Reply.
  const services = { snapshots: store, subscriptions: createSubscriptionStore(keyv), checkCanPost: async () => null };
  const ctx = { channel: { platform: 'console' as const, workspaceId: 'bench', channelId: 'bench' }, user: { id: 'bench', name: 'bench', canManageChannel: true }, services, now: () => new Date() };
  let text = '';
  for (let i = 0; i < 200; i++) {
    text = renderReplyAsText(await agreements.run(ctx, { state: 'texas' }));
  }
  held.push(text);
  await keyv.close();
  const rssLoaded = rssAfterGc();

  const bot = await startBot(
    loadConfig({ STORE_URL: `sqlite://${storeFile}`, LOG_LEVEL: 'silent', ICE_287G_PAGE_URL: pathToFileURL(pageDir).href }),
  );
  await bot.stop(); // waits for the first poll to finish
  const rssAfterPoll = rssAfterGc();

  const line = JSON.stringify({
    rows: participating.view.rows.length,
    pendingRows: pending?.view.rows.length ?? 0,
    historyEntries: history.length,
    ledgerEntries: Object.keys(ledger).length,
    rssModules,
    rssLoaded,
    rssAfterPoll,
    maxRssKb: process.resourceUsage().maxRSS,
    heapUsed: process.memoryUsage().heapUsed,
  });
  process.stdout.write(line + '\n', () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`memory-child failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
