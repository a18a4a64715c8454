import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { openStores } from '../src/store/open-stores';
import { cli } from './helpers/cli';
import { fixturePath } from './helpers/fixtures';

/** A copy of a real list without its first `drop` data rows, as a stale or truncated publication. */
async function withoutFirstRows(source: string, drop: number, target: string) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(source);
  workbook.worksheets[0].spliceRows(2, drop);
  await workbook.xlsx.writeFile(target);
}

describe('ice-watch held: operators decide on a suspect mass ending', () => {
  let dir: string;
  let saved: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ice-watch-held-'));
    saved = process.env.STORE_URL;
    process.env.STORE_URL = `sqlite://${join(dir, 'store.sqlite')}`;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.STORE_URL;
    else process.env.STORE_URL = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  test('a list missing 80 rows is held; held lists them; accept ends them with alerts; then nothing is held', async () => {
    const stale = join(dir, 'participatingAgencies10172025pm.xlsx');
    await withoutFirstRows(fixturePath('participatingAgencies10162025pm.xlsx'), 80, stale);
    const replay = (
      await cli('replay', fixturePath('participatingAgencies10162025pm.xlsx'), stale, '--store', process.env.STORE_URL!, '--json')
    ).json();
    expect(replay.publications.map((p: { verdict: string }) => p.verdict)).toEqual(['baseline', 'held']);
    expect(replay.alerts).toEqual([]);

    const listed = (await cli('held', '--json')).json();
    expect(listed.held).toHaveLength(80);
    expect(listed.held[0]).toMatchObject({ stateCode: 'AL', since: expect.any(String) });

    // A channel follows Alabama: the accepted endings are planned for it (the running bot sends them) and logged for the feeds.
    expect((await cli('subscribe', 'al')).code).toBe(0);
    const accepted = (await cli('held', 'accept', '--json')).json();
    expect(accepted.count).toBe(80);
    const ended = accepted.alerts
      .flatMap((a: { events: Array<{ type: string }> }) => a.events)
      .filter((e: { type: string }) => e.type === 'agreement.ended');
    expect(ended).toHaveLength(80);
    const alabamaEnded = accepted.alerts
      .filter((a: { events: Array<{ stateCode: string }> }) => a.events[0]?.stateCode === 'AL')
      .flatMap((a: { events: unknown[] }) => a.events);
    expect(alabamaEnded.length).toBeGreaterThan(0);
    expect(accepted.planned).toBe(1);
    const stores = openStores({ url: process.env.STORE_URL! });
    try {
      const due = await stores.outbox.due(new Date(Date.now() + 60_000), 10);
      expect(due).toHaveLength(1);
      expect(due[0]!.delivery.alert?.events).toHaveLength(alabamaEnded.length);
      expect(due[0]!.id).toMatch(/:held-accepted:AL:/);
      const logged = await stores.events.latest({ stateCode: null, kinds: ['endings'], models: null }, 100);
      expect(logged).toHaveLength(accepted.alerts.length);
    } finally {
      await stores.close();
    }

    expect((await cli('held', '--json')).json().held).toEqual([]);
    const again = await cli('held', 'discard');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/Nothing is held/);
    const alabama = (await cli('agreements', 'AL', '--json')).json();
    const before = (await cli('agreements', 'AL', '--file', fixturePath('participatingAgencies10162025pm.xlsx'), '--json')).json();
    expect(alabama.total).toBeLessThan(before.total);
  });

  test('discard keeps the rows as active', async () => {
    const stale = join(dir, 'participatingAgencies10172025pm.xlsx');
    await withoutFirstRows(fixturePath('participatingAgencies10162025pm.xlsx'), 80, stale);
    await cli('replay', fixturePath('participatingAgencies10162025pm.xlsx'), stale, '--store', process.env.STORE_URL!, '--json');
    const discarded = (await cli('held', 'discard', '--json')).json();
    expect(discarded).toMatchObject({ action: 'discard', count: 80, alerts: [] });
    expect((await cli('agreements', 'all', '--json')).json().total).toBe(1033);
  });

  test('a bad action is a user error', async () => {
    const r = await cli('held', 'maybe');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: ice-watch held/);
  });
});
