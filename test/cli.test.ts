import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cli } from './helpers/cli';
import { openStores } from '../src/store/open-stores';
import { fixturePath, PARTICIPATING_IN_ORDER, SEQUENCES } from './helpers/fixtures';

describe('ice-watch parse', () => {
  test('--json prints the rows with the SPEC fields and the source', async () => {
    const r = await cli('parse', fixturePath('participatingAgencies07012025pm.xlsx'), '--json');
    expect(r.code).toBe(0);
    const doc = r.json();
    expect(doc.source).toBe('participating');
    expect(doc.rows).toHaveLength(744);
    expect(Object.keys(doc.rows[0])).toEqual(
      expect.arrayContaining(['state', 'stateCode', 'agency', 'type', 'county', 'model', 'signed', 'moaUrl']),
    );
    expect(
      doc.rows.every(
        (row: { model: string; signed: string }) => /^(JEM|TFM|WSO)$/.test(row.model) && /^\d{4}-\d{2}-\d{2}$/.test(row.signed),
      ),
    ).toBe(true);
  });

  test('a pending list says so', async () => {
    expect((await cli('parse', fixturePath('pendingAgencies05152025am.xlsx'), '--json')).json().source).toBe('pending');
  });

  test('an HTML file is refused with a clear message and exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ice-watch-cli-'));
    const file = join(dir, 'participatingAgencies.xlsx');
    writeFileSync(file, '<!DOCTYPE html><html><body>Access Denied</body></html>');
    const r = await cli('parse', file, '--json');
    rmSync(dir, { recursive: true });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/not a workbook.*HTML/i);
  });

  test('a missing file and an unknown option are user errors', async () => {
    const missing = await cli('parse', '/nonexistent/file.xlsx');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nonexistent\/file\.xlsx/);
    const r = await cli('parse', fixturePath('pendingAgencies05152025am.xlsx'), '--jsn');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--jsn/);
  });
});

describe('ice-watch diff', () => {
  test('05-16 -> 05-19: accepted, 17 signings and a rename that carries both names', async () => {
    const r = await cli(
      'diff',
      fixturePath('participatingAgencies05162025am.xlsx'),
      fixturePath('participatingAgencies05192025pm.xlsx'),
      '--json',
    );
    const doc = r.json();
    expect(doc.verdict).toBe('accepted');
    expect(doc.reason).toBeNull();
    expect(doc.events.filter((e: { type: string }) => e.type === 'agreement.signed')).toHaveLength(17);
    expect(doc.events.find((e: { type: string }) => e.type === 'agreement.renamed')).toMatchObject({
      stateCode: 'FL',
      agency: 'Indiatlantic Police Department',
      previousAgency: 'Indialantic Police Department',
      model: 'TFM',
      signed: '2025-05-13',
    });
  });

  test('the swapped 09-22 pm file is rejected with the reason', async () => {
    const doc = (
      await cli('diff', fixturePath('participatingAgencies09222025am.xlsx'), fixturePath('participatingAgencies09222025pm.xlsx'), '--json')
    ).json();
    expect(doc).toMatchObject({ verdict: 'rejected', events: [] });
    expect(doc.reason).toMatch(/pending list/);
  });

  test('byte-identical lists under two names are unchanged', async () => {
    const doc = (
      await cli('diff', fixturePath('participatingAgencies09222025am.xlsx'), fixturePath('pendingAgencies09222025pm.xlsx'), '--json')
    ).json();
    expect(doc.verdict).toBe('rejected'); // a "pending" file holding the participating list
    const same = (
      await cli('diff', fixturePath('participatingAgencies10162025pm.xlsx'), fixturePath('participatingAgencies10162025pm.xlsx'), '--json')
    ).json();
    expect(same).toMatchObject({ verdict: 'unchanged', events: [] });
  });
});

describe('ice-watch agreements', () => {
  const file = fixturePath('participatingAgencies12122025pm.xlsx');

  test('texas --file --json: totals by model that add up, newest first', async () => {
    const doc = (await cli('agreements', 'texas', '--file', file, '--json')).json();
    const parsed = (await cli('parse', file, '--json')).json();
    const texas = parsed.rows.filter((r: { stateCode: string }) => r.stateCode === 'TX');
    expect(doc).toMatchObject({ state: 'Texas', stateCode: 'TX', total: texas.length });
    expect(doc.byModel.JEM + doc.byModel.TFM + doc.byModel.WSO).toBe(texas.length);
    expect(doc.agreements).toHaveLength(texas.length);
    const dates = doc.agreements.map((a: { signed: string }) => a.signed);
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  test('filters by model and since, by USPS code', async () => {
    const all = (await cli('agreements', 'TX', '--file', file, '--json')).json();
    const tfm = (await cli('agreements', 'tx', '--file', file, '--model', 'tfm', '--since', '2025-10-01', '--json')).json();
    expect(tfm.total).toBe(
      all.agreements.filter((a: { model: string; signed: string }) => a.model === 'TFM' && a.signed >= '2025-10-01').length,
    );
    expect(tfm.total).toBeGreaterThan(0);
  });

  test.each([
    [['Texs'], /Did you mean Texas\?/],
    [['narnia'], /Unknown state "narnia"/],
    [['texas', '--model', 'XYZ'], /Unknown model "XYZ"/],
    [['texas', '--since', '2025-02-30'], /not a date/],
    [['texas', '--since', 'yesterday'], /not a date/],
  ])('agreements %j is a user error', async (args, message) => {
    const r = await cli('agreements', ...(args as string[]), '--file', file, '--json');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  test('all gives the national table by state', async () => {
    const doc = (await cli('agreements', 'all', '--file', file, '--json')).json();
    expect(doc.total).toBe(1245);
    expect(doc.states.reduce((n: number, s: { total: number }) => n + s.total, 0)).toBe(1245);
    expect(doc.states[0].total).toBeGreaterThanOrEqual(doc.states[1].total);
  });

  test('all --county applies the county in every state (it was ignored, while the answer named it)', async () => {
    const doc = (await cli('agreements', 'all', '--file', file, '--county', 'madison', '--json')).json();
    const rows = (await cli('parse', file, '--json')).json().rows as Array<{ county: string | null; stateCode: string }>;
    const madison = rows.filter((r) => r.county !== null && /^madison( county)?$/i.test(r.county.trim()));
    expect(madison.length).toBeGreaterThan(0);
    expect(doc.total).toBe(madison.length);
    expect(doc.states.map((s: { stateCode: string }) => s.stateCode).sort()).toEqual([...new Set(madison.map((r) => r.stateCode))].sort());
  });
});

describe('ice-watch replay', () => {
  test('all participating files in date order: swap rejected, no mass alert, alerts carry their events', async () => {
    const files = PARTICIPATING_IN_ORDER.map(fixturePath);
    const doc = (await cli('replay', ...files, '--json')).json();
    expect(doc.rejected).toEqual([expect.objectContaining({ file: 'participatingAgencies09222025pm.xlsx' })]);
    expect(doc.publications.map((p: { verdict: string }) => p.verdict)).not.toContain('held');
    expect(doc.alerts.length).toBeGreaterThan(50);
    const judged = new Map(doc.publications.map((p: { file: string; events: number }) => [p.file, p.events]));
    const eventsByFile = new Map<string, number>();
    for (const alert of doc.alerts) {
      expect(alert.channel).toBe('console');
      // Each alert names the publication it came from, so a replay can be audited event by event.
      expect(judged.has(alert.file)).toBe(true);
      eventsByFile.set(alert.file, (eventsByFile.get(alert.file) ?? 0) + alert.events.length);
      expect(alert.events.length).toBeGreaterThan(0);
      const ended = alert.events.filter((e: { type: string }) => e.type === 'agreement.ended').length;
      expect(ended).toBeLessThan(15);
    }
    // A publication's events are all in its own alerts (a move between states is in both states' alerts).
    for (const [file, n] of eventsByFile) expect(n).toBeGreaterThanOrEqual(judged.get(file) as number);
  });

  test('replay into a store, then agreements reads the stored latest list', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ice-watch-replay-'));
    const store = `sqlite://${join(dir, 'replay.sqlite')}`;
    try {
      await cli(
        'replay',
        fixturePath('participatingAgencies10162025pm.xlsx'),
        fixturePath('pendingAgencies02272026am.xlsx'),
        '--store',
        store,
        '--json',
      );
      const saved = process.env.STORE_URL;
      process.env.STORE_URL = store;
      const doc = (await cli('agreements', 'texas', '--json')).json();
      if (saved === undefined) delete process.env.STORE_URL;
      else process.env.STORE_URL = saved;
      expect(doc.stateCode).toBe('TX');
      expect(doc.total).toBeGreaterThan(100);
      expect(doc.pending).toBe(0);
      // One publication is a baseline: nothing alerted, nothing logged, nothing planned for a channel.
      const stores = openStores({ url: store });
      try {
        expect(await stores.events.lastChange({ stateCode: null, kinds: null, models: null })).toEqual({ count: 0, lastPublishedAt: null });
        expect((await stores.outbox.depth()).pending).toBe(0);
      } finally {
        await stores.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('replay into a store keeps its alerts in the event log (what the feeds serve), and plans nothing for channels', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ice-watch-replay-'));
    const store = `sqlite://${join(dir, 'replay.sqlite')}`;
    try {
      const files = SEQUENCES.corrections.map((f) => fixturePath(f));
      const doc = (await cli('replay', ...files, '--store', store, '--json')).json();
      expect(doc.alerts.length).toBeGreaterThan(0);
      const stores = openStores({ url: store });
      try {
        const logged = await stores.events.latest({ stateCode: null, kinds: null, models: null }, 500);
        expect(logged).toHaveLength(doc.alerts.length);
        expect(new Set(logged.map((e) => e.publication.fileName))).toEqual(new Set(doc.alerts.map((a: { file: string }) => a.file)));
        expect((await stores.outbox.depth()).pending).toBe(0);
      } finally {
        await stores.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('text output reads as alerts with titles, totals and source', async () => {
    const r = await cli(
      'replay',
      fixturePath('participatingAgencies10162025pm.xlsx'),
      fixturePath('participatingAgencies10172025mid.xlsx'),
    );
    expect(r.stdout).toMatch(/── \d+ new 287\(g\) agreements in Texas; 1 date corrected ──/);
    expect(r.stdout).not.toMatch(/renewed/);
    expect(r.stdout).toMatch(
      /\[operators\] participatingAgencies10172025mid\.xlsx: ICE corrected 1 SIGNED date: Rockwall County Sheriff's Office \(TX, WSO\) 2025-07-07 -> 2025-07-08/,
    );
    expect(r.stdout).toMatch(/Texas now: \d+ active \(JEM \d+ · TFM \d+ · WSO \d+\)/);
    expect(r.stdout).toMatch(/Source: ICE participating list, participatingAgencies10172025mid\.xlsx/);
    expect(r.stdout).toMatch(/\[operators\] participating baseline: 1033 rows/);
  });
});

describe('the ice-watch executable', () => {
  test('npx-style run prints one JSON document on stdout and nothing else', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      join(__dirname, '..', 'bin', 'ice-watch-ts.js'),
      'parse',
      fixturePath('pendingAgencies02272026am.xlsx'),
      '--json',
    ]);
    const doc = JSON.parse(stdout);
    expect(doc.source).toBe('pending');
    expect(doc.rows).toHaveLength(2);
  });
});
