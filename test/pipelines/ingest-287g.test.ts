import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_GUARDS } from '../../src/domain/agreements/guards';
import { createLogger } from '../../src/logging/logger';
import { createIngest287g } from '../../src/pipelines/ingest-287g';
import { openDatabase } from '../../src/store/db/database';
import { openKeyValueStores } from '../../src/store/key-value';
import { createSnapshotStore } from '../../src/store/snapshot-store';
import { memorySnapshots } from '../helpers/memory-snapshots';
import { fixturePath, metaFor } from '../helpers/fixtures';

async function ingestInOrder(files: Array<['participating' | 'pending', string]>) {
  const snapshots = memorySnapshots();
  let hour = 0;
  const ingest = createIngest287g({
    snapshots,
    guards: DEFAULT_GUARDS,
    logger: createLogger('silent'),
    now: () => new Date(Date.UTC(2025, 4, 1) + hour * 3_600_000),
  });
  const results = [];
  for (const [source, name] of files) {
    const bytes = readFileSync(fixturePath(name));
    results.push(await ingest.ingest(source, bytes, metaFor(name, bytes, new Date(Date.UTC(2025, 4, 1) + hour * 3_600_000).toISOString())));
    hour++;
  }
  return { results, snapshots };
}

describe('ingesting the pending list next to the participating list', () => {
  test('a pending request that left the list while its agency and model became participating is pending.signed', async () => {
    const { results, snapshots } = await ingestInOrder([
      ['participating', 'participatingAgencies05162025am.xlsx'],
      ['pending', 'pendingAgencies05152025am.xlsx'],
      ['participating', 'participatingAgencies09222025am.xlsx'],
      ['pending', 'pendingAgencies09222025am.xlsx'],
    ]);
    const pending = results[3];
    expect(pending.verdict).toBe('accepted');
    const signed = pending.events.filter((e) => e.type === 'pending.signed');
    const removed = pending.events.filter((e) => e.type === 'pending.removed');
    expect(signed.length).toBeGreaterThan(20);
    const participating = (await snapshots.getState('participating'))!.view.rows;
    for (const e of signed) {
      expect(participating.some((r) => r.stateCode === e.stateCode && r.model === e.model)).toBe(true);
      expect(e.type === 'pending.signed' && e.signedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    // Every one of the 92 requests of May is accounted for: still pending, signed or removed.
    const stillPending = 92 - signed.length - removed.length;
    expect(stillPending).toBeGreaterThanOrEqual(0);
    expect(pending.events.filter((e) => e.type === 'pending.added').length).toBe(39 - stillPending);
    // Alerts group the pending events by state and carry the state's totals.
    const texas = pending.alerts.find((a) => a.stateCode === 'TX');
    expect(texas?.title).toMatch(/pending 287\(g\) requests? in Texas/);
    expect(texas?.totals.pending).toBe((await snapshots.getState('pending'))!.view.rows.filter((r) => r.stateCode === 'TX').length);
  });

  test('the swapped pair of 2025-09-22 pm is rejected on both sources and the judgements say why', async () => {
    const { results, snapshots } = await ingestInOrder([
      ['participating', 'participatingAgencies09222025am.xlsx'],
      ['pending', 'pendingAgencies09222025am.xlsx'],
      ['participating', 'participatingAgencies09222025pm.xlsx'],
      ['pending', 'pendingAgencies09222025pm.xlsx'],
      ['participating', 'participatingAgencies10162025pm.xlsx'],
    ]);
    expect(results.map((r) => r.verdict)).toEqual(['baseline', 'baseline', 'rejected', 'rejected', 'accepted']);
    expect(results[2].alerts).toEqual([]);
    expect(results[4].events.filter((e) => e.type === 'agreement.ended').length).toBeLessThan(10);
    const judgements = await snapshots.judgements('participating');
    expect(judgements.map((j) => j.verdict)).toEqual(['baseline', 'rejected', 'accepted']);
    expect(judgements[1].reason).toMatch(/pending list/);
    expect((await snapshots.history('participating')).map((h) => h.fileName)).toEqual([
      'participatingAgencies09222025am.xlsx',
      'participatingAgencies10162025pm.xlsx',
    ]);
  });
});

describe('a store that fails', () => {
  test('ingest fails loudly instead of taking the file for a first-ever baseline', async () => {
    // A store file that is not a database (a bad disk, another program's file).
    const dir = mkdtempSync(join(tmpdir(), 'ingest-corrupt-'));
    const file = join(dir, 'store.sqlite');
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    const db = openDatabase(`sqlite://${file}`);
    try {
      const ingest = createIngest287g({
        snapshots: createSnapshotStore(db, openKeyValueStores('memory://')),
        guards: DEFAULT_GUARDS,
        logger: createLogger('silent'),
      });
      const bytes = readFileSync(fixturePath('participatingAgencies05192025pm.xlsx'));
      await expect(ingest.ingest('participating', bytes, metaFor('x.xlsx', bytes))).rejects.toHaveProperty(
        'message',
        expect.stringMatching(/not a database/),
      );
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
