import { readFileSync } from 'node:fs';
import { DEFAULT_GUARDS } from '../../src/domain/agreements/guards';
import { createLogger } from '../../src/logging/logger';
import { createIngest287g } from '../../src/pipelines/ingest-287g';
import { createPoll287g } from '../../src/pipelines/poll-287g';
import { SourceFetchError } from '../../src/sources/errors';
import type { SnapshotStore } from '../../src/store/snapshot-store';
import { fixturePath, metaFor } from '../helpers/fixtures';
import { memorySnapshots } from '../helpers/memory-snapshots';
import { startIceSite, type IceSite } from '../helpers/ice-site';

const logger = createLogger('silent');

describe('polling ICE 287(g) page over loopback', () => {
  let site: IceSite;
  let snapshots: SnapshotStore;
  let clock: Date;
  const poller = () =>
    createPoll287g({
      pageUrl: site.pageUrl,
      fetchOptions: { timeoutMs: 1000, now: () => clock },
      snapshots,
      ingest: createIngest287g({ snapshots, guards: DEFAULT_GUARDS, logger, now: () => clock }),
      logger,
    });

  beforeEach(async () => {
    site = await startIceSite();
    snapshots = memorySnapshots();
    clock = new Date('2025-05-16T12:00:00Z');
  });
  afterEach(async () => {
    await site.close();
  });

  test('baseline, then a new publication under a new URL form gives its events; an unchanged one is a 304', async () => {
    site.publish({
      participating: { file: fixturePath('participatingAgencies05162025am.xlsx'), form: 'doclib' },
      pending: { file: fixturePath('pendingAgencies05152025am.xlsx'), form: 'doclib' },
    });
    const first = await poller().poll();
    expect(first.map((r) => [r.source, r.verdict])).toEqual([
      ['participating', 'baseline'],
      ['pending', 'baseline'],
    ]);

    clock = new Date('2025-05-16T12:15:00Z');
    expect(await poller().poll()).toEqual([]); // both files answered 304

    site.publish({ participating: { file: fixturePath('participatingAgencies05192025pm.xlsx'), form: 'file-download' } });
    clock = new Date('2025-05-19T20:00:00Z');
    const third = await poller().poll();
    expect(third).toHaveLength(1);
    expect(third[0].verdict).toBe('accepted');
    expect(third[0].events.filter((e) => e.type === 'agreement.signed')).toHaveLength(17);
    expect(third[0].alerts.map((a) => a.stateCode)).toContain('FL');
    const fl = third[0].alerts.find((a) => a.stateCode === 'FL')!;
    expect(fl.totals.pending).toBeGreaterThan(0);
    expect((await snapshots.getState('participating'))?.view.meta).toMatchObject({ fetchedAt: clock.toISOString() });
  });

  test('an HTML page served with status 200 instead of the workbook is rejected and moves nothing', async () => {
    site.publish({ participating: { file: fixturePath('participatingAgencies05162025am.xlsx'), form: 'doclib' }, pending: null });
    await poller().poll();
    // No pending list linked is remembered as such (/status says so, not "not polled yet").
    expect(await snapshots.pageLinks()).toMatchObject({
      participating: expect.stringContaining('participatingAgencies05162025am'),
      pending: null,
    });
    const links = site.publish({ participating: { file: fixturePath('participatingAgencies05192025pm.xlsx'), form: 'doclib' } });
    site.fail(links.participating!, { html: true });
    const results = await poller().poll();
    expect(results.map((r) => r.verdict)).toEqual(['rejected']);
    expect(results[0].reason).toMatch(/HTML page/);
    expect((await snapshots.getState('participating'))?.view.rows).toHaveLength(571);
    expect((await snapshots.judgements('participating')).at(-1)).toMatchObject({ verdict: 'rejected' });
  });

  test('a server error on the page fails the poll with a clear error, and the store is untouched', async () => {
    site.fail(site.pageUrl, { status: 500 });
    await expect(poller().poll()).rejects.toThrow(SourceFetchError);
    await expect(poller().poll()).rejects.toThrow(/500/);
    expect(await snapshots.getState('participating')).toBeNull();
  });
});

describe('ingesting bad files', () => {
  let snapshots: SnapshotStore;
  beforeEach(async () => {
    snapshots = memorySnapshots();
    const good = readFileSync(fixturePath('participatingAgencies05162025am.xlsx'));
    await createIngest287g({ snapshots, guards: DEFAULT_GUARDS, logger }).ingest('participating', good, metaFor('good.xlsx', good));
  });

  test.each([
    ['an HTML page saved as .xlsx', Buffer.from('<!DOCTYPE html><html><body>Access Denied</body></html>'), /HTML/],
    ['a truncated zip', readFileSync(fixturePath('participatingAgencies05192025pm.xlsx')).subarray(0, 30_000), /truncated|corrupt/],
    ['an empty body', Buffer.alloc(0), /empty/],
  ])('%s is rejected with a reason and the last good snapshot stays', async (_name, bytes, reason) => {
    const result = await createIngest287g({ snapshots, guards: DEFAULT_GUARDS, logger }).ingest(
      'participating',
      bytes,
      metaFor('bad.xlsx', bytes),
    );
    expect(result.verdict).toBe('rejected');
    expect(result.reason).toMatch(reason);
    expect(result.notices).toEqual([expect.objectContaining({ kind: 'workbook-unreadable' })]);
    expect((await snapshots.getState('participating'))?.view.rows).toHaveLength(571);
  });
});
