/**
 * Figure `agreementsTexas`: `/agreements texas` over a 2,500-agreement participating list,
 * in process: the real command (store read, query, Reply) and the terminal rendering of
 * its Reply, against a real store (STORE_URL=memory://: SQLite in memory) holding the list.
 */
import agreements from '../commands/agreements';
import type { CommandContext } from '../commands/command';
import { renderReplyAsText } from '../src/platforms/console/render-reply';
import { openDatabase } from '../src/store/db/database';
import { createSnapshotStore } from '../src/store/snapshot-store';
import { createSubscriptionStore } from '../src/store/subscription-store';
import { forceGc, ms, percentile, progress } from './measure';
import { openKeyValueStores } from '../src/store/key-value';
import { AgreementFactory, storeBaselines } from './synthetic';

const ROWS = 2500;
const PENDING = 400;
const WARMUP = 200;
const RUNS = 1000;
const GOAL_P99_MS = 5;

export async function benchAgreementsTexas() {
  const rows = new AgreementFactory({ seed: 2500, texasShare: 0.12 }).many(ROWS);
  const pending = new AgreementFactory({ seed: 400, texasShare: 0.12, pending: true }).many(PENDING);
  const db = openDatabase('memory://');
  const kv = openKeyValueStores('memory://');
  const snapshots = createSnapshotStore(db, kv);
  await storeBaselines(snapshots, { participating: rows, pending });
  const ctx: CommandContext = {
    channel: { platform: 'console', workspaceId: 'bench', channelId: 'bench' },
    user: { id: 'bench', name: 'bench', canManageChannel: true },
    services: { snapshots, subscriptions: createSubscriptionStore(db), checkCanPost: async () => null },
    now: () => new Date(),
  };

  const once = async () => renderReplyAsText(await agreements.run(ctx, { state: 'texas' }));
  let text = '';
  for (let i = 0; i < WARMUP; i++) text = await once();
  forceGc();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    text = await once();
    samples.push(performance.now() - t0);
  }
  await Promise.all([db.close(), kv.close()]);
  const p99 = percentile(samples, 99);
  progress(`agreementsTexas: p99 ${ms(p99)} ms`);
  return {
    description:
      "commands/agreements run(ctx, { state: 'texas' }) against a store in memory (SQLite) holding the lists, then renderReplyAsText, in process",
    rows: { participating: rows.length, inTexas: rows.filter((r) => r.stateCode === 'TX').length, pending: pending.length },
    warmupRuns: WARMUP,
    runs: RUNS,
    p50Ms: ms(percentile(samples, 50)),
    p99Ms: ms(p99),
    maxMs: ms(Math.max(...samples)),
    value: ms(p99),
    unit: 'ms (p99)',
    goal: `p99 < ${GOAL_P99_MS} ms`,
    met: p99 < GOAL_P99_MS,
    firstLine: text.split('\n', 1)[0],
  };
}
