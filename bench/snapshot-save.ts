/**
 * Figure `snapshotSave`: saveState of a 2,500-agreement list on an empty store, then of the next
 * list with 10 changes (3 ended, 3 signed, 2 renamed, 2 renewed), on a SQLite file and on the
 * local PostgreSQL, and how many ledger rows the second save wrote (the goal: about the changes,
 * not the whole list). The lists go through the guards as a poll's would, events included.
 *
 *   node bin/run-ts.js bench/snapshot-save.ts   (prints one JSON document)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_GUARDS, judgePublication, type SourceState } from '../src/domain/agreements/guards';
import { openDatabase, type StoreDb } from '../src/store/db/database';
import { openKeyValueStores } from '../src/store/key-value';
import { createSnapshotStore } from '../src/store/snapshot-store';
import { dropSchemaOfPrefix, TEST_POSTGRES_URL } from '../stand-ins/store-servers';
import { median, ms, progress } from './measure';
import { AgreementFactory, evolve, syntheticSnapshot } from './synthetic';

const ROWS = 2500;
const RUNS = 5;
const T1 = '2025-06-01T12:00:00.000Z';
const T2 = '2025-06-02T12:00:00.000Z';

interface Run {
  firstMs: number;
  secondMs: number;
  ledgerRowsWritten: number;
  ledgerRows: number;
}

async function runOnce(db: StoreDb, seed: number): Promise<Run> {
  const factory = new AgreementFactory({ seed, texasShare: 0.12 });
  const rows = factory.many(ROWS);
  const { next } = evolve(rows, factory, { ended: 3, added: 3, renames: 2, renewals: 2 });
  const first = judgePublication(null, syntheticSnapshot('participating', rows, T1, `bench-${T1}`), {
    now: new Date(T1),
    guards: DEFAULT_GUARDS,
  });
  const second = judgePublication(first.next, syntheticSnapshot('participating', next, T2, `bench-${T2}`), {
    now: new Date(T2),
    guards: DEFAULT_GUARDS,
  });
  if (second.verdict !== 'accepted') throw new Error(`the second list was ${second.verdict}, not accepted`);
  const store = createSnapshotStore(db, openKeyValueStores('memory://'));
  await db.ready();
  const save = async (state: SourceState, verdict: typeof first.verdict, events: typeof first.events) => {
    const started = performance.now();
    await store.saveState('participating', state, verdict, events);
    return performance.now() - started;
  };
  const firstMs = await save(first.next!, first.verdict, first.events);
  const secondMs = await save(second.next!, second.verdict, second.events);
  // What the second save wrote carries its time: rows upserted by it are last seen then, rows it ended end then.
  const k = await db.ready();
  const written = await k
    .selectFrom('agreements')
    .select('identity')
    .where('source', '=', 'participating')
    .where((eb) => eb.or([eb('last_seen', '=', T2), eb('ended_at', '=', T2)]))
    .execute();
  const all = await k.selectFrom('agreements').select('identity').execute();
  return { firstMs, secondMs, ledgerRowsWritten: written.length, ledgerRows: all.length };
}

async function onEngine(name: string, open: (run: number) => { db: StoreDb; cleanup(): Promise<void> }) {
  const runs: Run[] = [];
  for (let run = 0; run < RUNS; run++) {
    const { db, cleanup } = open(run);
    try {
      runs.push(await runOnce(db, 2500 + run));
    } finally {
      await db.close();
      await cleanup();
    }
  }
  progress(`snapshotSave ${name}: ${runs.map((r) => `${ms(r.firstMs)}/${ms(r.secondMs)} ms`).join(', ')}`);
  return {
    firstSaveMedianMs: ms(median(runs.map((r) => r.firstMs))),
    secondSaveMedianMs: ms(median(runs.map((r) => r.secondMs))),
    secondSaveSamplesMs: runs.map((r) => ms(r.secondMs)),
    ledgerRowsWrittenBySecond: runs.map((r) => r.ledgerRowsWritten),
    ledgerRows: runs[0]!.ledgerRows,
  };
}

export async function benchSnapshotSave() {
  const sqlite = await onEngine('sqlite file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-save-'));
    return {
      db: openDatabase(`sqlite://${join(dir, 'store.sqlite')}`),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  });
  const postgres = await onEngine('postgres', (run) => {
    const prefix = `benchsave${process.pid}x${run}`;
    return { db: openDatabase(TEST_POSTGRES_URL, { prefix }), cleanup: () => dropSchemaOfPrefix(TEST_POSTGRES_URL, prefix) };
  });
  const changes = 10;
  const met = [sqlite, postgres].every((e) => e.ledgerRowsWrittenBySecond.every((n) => n <= 2 * changes));
  return {
    what: `saveState of a ${ROWS}-agreement list on an empty store, then of the next list with ${changes} changes (3 ended, 3 signed, 2 renamed, 2 renewed), median of ${RUNS}`,
    goal: `the second save writes about ${changes} ledger rows, not ${ROWS}`,
    sqliteFile: sqlite,
    postgres,
    met,
  };
}

// Run on its own (`node bin/run-ts.js bench/snapshot-save.ts`: run-ts is the main module, this file its argument).
if (process.argv[2]?.endsWith('snapshot-save.ts')) {
  benchSnapshotSave()
    .then((figure) => process.stdout.write(`${JSON.stringify(figure, null, 2)}\n`))
    .catch((err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    });
}
