/**
 * Figure `memory`: seeds a SQLite store with 2,500 accepted agreements and a year of
 * history (100 distinct snapshots), then measures a child process that loads it, runs
 * the 287(g) query and runs startBot on it through one poll.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSnapshot } from '../src/domain/agreements/snapshot';
import type { Agreement, FileMeta, ListKind } from '../src/domain/types';
import { createKeyvFactory } from '../src/store/keyv-factory';
import { createSnapshotStore, type SnapshotStore } from '../src/store/snapshot-store';
import { createSubscriptionStore } from '../src/store/subscription-store';
import { subscription } from './discord-fanout';
import { runChild } from './child';
import { mb, median, progress } from './measure';
import { makePageFolder } from './start-to-ready';
import { AgreementFactory, evolve } from './synthetic';

const ROWS = 2500;
const SNAPSHOTS = 100;
const PENDING_ROWS = 400;
const GOAL_MB = 200;
const RUNS = 3;
const SUBSCRIPTIONS = 10_000;
const STATE_CODES = ['TX', 'FL', 'GA', 'NC', 'AL', 'LA', 'OK', 'AZ', 'TN', 'SC'];
const DAY = 86_400_000;

interface MemoryOutput {
  rows: number;
  pendingRows: number;
  historyEntries: number;
  ledgerEntries: number;
  rssModules: number;
  rssLoaded: number;
  rssAfterPoll: number;
  maxRssKb: number;
  heapUsed: number;
}

async function save(store: SnapshotStore, source: ListKind, rows: Agreement[], k: number, at: Date): Promise<void> {
  const sha256 = createHash('sha256').update(`${source}-${k}`).digest('hex');
  const fileName = `${source}Agencies-bench-${k}.xlsx`;
  const meta: FileMeta = { url: `https://www.ice.gov/doclib/${fileName}`, fileName, etag: null, lastModified: null, sha256, bytes: 150_000, fetchedAt: at.toISOString(), modifiedInFile: null };
  const headers = ['STATE', 'LAW ENFORCEMENT AGENCY', 'TYPE', 'COUNTY', 'SUPPORT TYPE', 'SIGNED', 'MOA'];
  const parsed = { detectedKind: source, sheetName: 'Sheet1', headers, rows, warnings: [] as string[], modifiedInFile: null };
  const view = makeSnapshot(source, parsed, meta);
  await store.saveState(source, { view, lastFileSha256: sha256, held: [] }, k === 0 ? 'baseline' : 'accepted');
  await store.recordJudgement(source, { verdict: k === 0 ? 'baseline' : 'accepted', reason: null, fileName, sha256, at: meta.fetchedAt, eventCount: 8, notices: [] });
}

/** A year of participating publications ending at exactly ROWS agreements, and one pending list. */
async function seed(file: string): Promise<void> {
  const keyv = createKeyvFactory(`sqlite://${file}`);
  const store = createSnapshotStore(keyv);
  const factory = new AgreementFactory({ seed: 365, texasShare: 0.12 });
  const start = Date.UTC(2025, 0, 1);
  let rows = factory.many(ROWS - 2 * (SNAPSHOTS - 1));
  for (let k = 0; k < SNAPSHOTS; k++) {
    if (k > 0) {
      const added = k === SNAPSHOTS - 1 ? ROWS - rows.length + 2 : 4;
      rows = evolve(rows, factory, { ended: 2, added, renames: 1, renewals: 1 }).next;
    }
    await save(store, 'participating', rows, k, new Date(start + k * 3.65 * DAY));
  }
  const pending = new AgreementFactory({ seed: 366, texasShare: 0.12, pending: true }).many(PENDING_ROWS);
  await save(store, 'pending', pending, 0, new Date(start + 364 * DAY));
  // 10,000 channels: most follow one or two states, one in ten every state.
  await createSubscriptionStore(keyv).putMany(
    Array.from({ length: SUBSCRIPTIONS }, (_, i) => ({
      ...subscription(i),
      states: i % 10 === 0 ? ('all' as const) : [STATE_CODES[i % STATE_CODES.length]!, ...(i % 3 === 0 ? [STATE_CODES[(i + 1) % STATE_CODES.length]!] : [])],
    })),
  );
  await keyv.close();
}

export async function benchMemory() {
  const root = mkdtempSync(join(tmpdir(), 'ice-watch-bench-memory-'));
  try {
    const seeded = join(root, 'seeded.sqlite');
    await seed(seeded);
    progress(`memory: seeded ${SNAPSHOTS} snapshots`);
    const page = makePageFolder(root);
    const outputs: MemoryOutput[] = [];
    for (let run = 0; run < RUNS; run++) {
      // The first poll writes to the store, so every run starts from a fresh copy of the seed.
      const file = join(root, `run-${run}.sqlite`);
      for (const suffix of ['', '-wal', '-shm']) if (existsSync(seeded + suffix)) copyFileSync(seeded + suffix, file + suffix);
      outputs.push((await runChild<MemoryOutput>('bench/memory-child.ts', [file, page], ['--expose-gc'])).output);
      progress(`memory: run ${run + 1}/${RUNS}: peak ${mb(outputs[run].maxRssKb * 1024)} MB`);
    }
    const o = outputs[0];
    const mid = (pick: (x: MemoryOutput) => number) => mb(median(outputs.map(pick)));
    const peak = median(outputs.map((x) => x.maxRssKb * 1024));
    return {
      description:
        'peak resident memory (maxRSS) of a child process on a store with 10,000 channel subscriptions that loads the accepted participating snapshot, the pending list, a year of history, the ledger and judgements from a seeded SQLite keyv store, runs the /agreements texas query + render 200 times, then runs startBot on that store through its first poll of the real fixtures',
      loaded: { subscriptions: SUBSCRIPTIONS, agreements: o.rows, pending: o.pendingRows, historyEntries: o.historyEntries, ledgerEntries: o.ledgerEntries, distinctSnapshotsStored: SNAPSHOTS },
      value: mb(peak),
      unit: 'MB (median of the peak RSS of each run)',
      runs: RUNS,
      goal: `< ${GOAL_MB} MB`,
      met: mb(peak) < GOAL_MB,
      rssMb: { afterModules: mid((x) => x.rssModules), afterLoadAndQuery: mid((x) => x.rssLoaded), afterFirstPoll: mid((x) => x.rssAfterPoll), peak: mb(peak) },
      heapUsedMbAtEnd: mid((x) => x.heapUsed),
      notIncluded: 'the Discord and Slack clients: the child runs in console mode (no tokens), so their gateway and HTTP state is not counted',
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
