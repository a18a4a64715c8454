/**
 * Figure `replay318`: the replay of ICE's real consecutive publications. The 318-publication
 * archive is not in the repo; every real participating list that is (25 publications,
 * 151 to 1,245 rows, in the order ICE published them) is replayed through the whole
 * pipeline (parse, guards, store, alerts) as `ice-watch replay` runs it, and the time per
 * publication is scaled to 318. An estimate, and labelled as one.
 */
import { join } from 'node:path';
import { DEFAULT_GUARDS } from '../src/domain/agreements/guards';
import { createLogger } from '../src/logging/logger';
import { replayFiles } from '../src/pipelines/replay';
import { createSnapshotStore } from '../src/store/snapshot-store';
import { openDatabase } from '../src/store/db/database';
import { openKeyValueStores } from '../src/store/key-value';
import { median, ms, progress, timeAsync } from './measure';

const FIXTURES = join(__dirname, '..', 'test', 'fixtures', '287g');
const P = (name: string) => join(FIXTURES, 'participating', name);
const S = (name: string) => join(FIXTURES, 'sequences', name);
/** Every real participating publication in the fixtures, in publication order (the swapped 09-22 pm file included). */
const PUBLICATIONS = [
  P('participatingAgencies-20250221214937.xlsx'),
  P('participatingAgencies-20250226183301.xlsx'),
  P('participatingAgencies03062025am.xlsx'),
  P('participatingAgencies-20250317231040.xlsx'),
  S('participatingAgencies-20250410231052.xlsx'),
  S('participatingAgencies04212025am.xlsx'),
  S('participatingAgencies04292025pm.xlsx'),
  P('participatingAgencies05162025am.xlsx'),
  P('participatingAgencies05192025pm.xlsx'),
  P('participatingAgencies05292025am.xlsx'),
  S('participatingAgencies06262025am.xlsx'),
  S('participatingAgencies06272025am.xlsx'),
  P('participatingAgencies07012025pm.xlsx'),
  S('participatingAgencies07032025pm.xlsx'),
  S('participatingAgencies08292025pm.xlsx'),
  S('participatingAgencies08022025pm.xlsx'),
  S('participatingAgencies090022025am.xlsx'),
  S('participatingAgencies09032025am.xlsx'),
  S('participatingAgencies09032025pm.xlsx'),
  S('participatingAgencies09042025pm.xlsx'),
  P('participatingAgencies09222025am.xlsx'),
  P('participatingAgencies09222025pm.xlsx'),
  P('participatingAgencies10162025pm.xlsx'),
  P('participatingAgencies10172025mid.xlsx'),
  P('participatingAgencies12122025pm.xlsx'),
];
const RUNS = 3;
const ARCHIVE = 318;
const GOAL_S = 35;

export async function benchReplay318() {
  const samples: number[] = [];
  let alerts = 0;
  for (let run = 0; run < RUNS; run++) {
    const db = openDatabase('memory://');
    try {
      samples.push(
        await timeAsync(async () => {
          const results = await replayFiles(PUBLICATIONS, {
            snapshots: createSnapshotStore(db, openKeyValueStores('memory://')),
            guards: DEFAULT_GUARDS,
            logger: createLogger('silent'),
            start: new Date('2025-02-21T00:00:00Z'),
          });
          alerts = results.reduce((n, r) => n + r.alerts.length, 0);
        }),
      );
    } finally {
      await db.close();
    }
    progress(`replay318: run ${run + 1}: ${Math.round(samples.at(-1)!)} ms`);
  }
  const perPublication = median(samples) / PUBLICATIONS.length;
  const estimate = (perPublication * ARCHIVE) / 1000;
  return {
    description: `replayFiles over the ${PUBLICATIONS.length} real participating publications in the fixtures (in-memory store), scaled to ${ARCHIVE}: an estimate, the archive is not in the repo`,
    publications: PUBLICATIONS.length,
    alerts,
    runs: RUNS,
    samplesMs: samples.map(ms),
    perPublicationMs: ms(perPublication),
    value: Math.round(estimate * 10) / 10,
    unit: `s (estimated for ${ARCHIVE} publications)`,
    goal: `within ${GOAL_S} s`,
    met: estimate <= GOAL_S,
  };
}
