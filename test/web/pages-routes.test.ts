import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { parse } from 'node-html-parser';
import { summarizeAgreements, type NationalSummary, type StateSummary } from '../../src/domain/agreements/state-summary';
import { stateByCode } from '../../src/domain/states';
import { createLogger } from '../../src/logging/logger';
import { startOpsServer, type OpsServer } from '../../src/observability/http-server';
import type { SnapshotStore } from '../../src/store/snapshot-store';
import { parseDetentionWorkbook } from '../../src/sources/detention-workbook';
import { createStatePageRoutes, type LatestEvents } from '../../src/web/pages';
import { commandWorld, type CommandWorld } from '../helpers/command-context';
import { detentionPath, loadSnapshot } from '../helpers/fixtures';
import { memoryStores } from '../helpers/stores';

const FEB = '2026-02-03_FY26_detentionStats02022026.xlsx';

/** A logger whose lines the test reads. */
function recordingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

describe('the state pages over HTTP, on a store holding the 2025-12-12 lists and a detention release', () => {
  let world: CommandWorld;
  let server: OpsServer;
  let base: string;
  let texas: StateSummary;
  let events: { calls: Array<[string, number]>; fail: boolean };
  const log = recordingLogger();

  beforeAll(async () => {
    world = await commandWorld();
    const totals = memoryStores().totals;
    const release = await parseDetentionWorkbook(readFileSync(detentionPath(FEB)));
    await totals.addRelease({ release, fileName: FEB, sha256: 'feb', url: `file://${FEB}`, fetchedAt: '2026-02-03T12:00:00.000Z' });
    events = { calls: [], fail: false };
    const latestEvents: LatestEvents = async (stateCode, limit) => {
      events.calls.push([stateCode, limit]);
      if (events.fail) throw new Error('event log unreachable');
      return stateCode === 'TX'
        ? [{ id: 'ev-1', title: '1 new 287(g) agreement in Texas', publishedAt: '2025-12-12T18:00:00.000Z', lines: ['line'] }]
        : [];
    };
    server = await startOpsServer(
      createStatePageRoutes({ snapshots: world.snapshots, totals, latestEvents, logger: log.logger }),
      0,
      '127.0.0.1',
    );
    base = `http://127.0.0.1:${server.port}`;
    const [participating, pending] = await Promise.all([
      loadSnapshot('participatingAgencies12122025pm.xlsx'),
      loadSnapshot('pendingAgencies09222025am.xlsx'),
    ]);
    texas = summarizeAgreements(participating.rows, pending.rows, stateByCode('TX')!) as StateSummary;
  });
  afterAll(async () => {
    await server.close();
    await world.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(base + path, { redirect: 'manual', headers });

  test('/states/texas: 200 HTML with every active Texas agreement, detention, the events, validators and cache headers', async () => {
    const res = await get('/states/texas');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    expect(res.headers.get('last-modified')).toBe(new Date('2025-12-12T18:00:00.000Z').toUTCString());
    expect(res.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const root = parse(await res.text());
    expect(root.querySelectorAll('main table tbody tr')).toHaveLength(texas.total);
    expect(root.querySelector('p.lead')!.text).toContain(
      `${texas.total} active (JEM ${texas.byModel.JEM} · TFM ${texas.byModel.TFM} · WSO ${texas.byModel.WSO})`,
    );
    expect(root.querySelector('#detention')!.nextElementSibling!.text).toMatch(
      /^Texas: \d+ detention facilities, ADP [\d,]+, as of 2026-01-25$/,
    );
    expect(root.querySelectorAll('ul.events h3').map((h) => h.text)).toEqual(['1 new 287(g) agreement in Texas']);
    expect(events.calls.at(-1)).toEqual(['TX', 10]);
    // The counties offered are the state's own.
    const counties = root.querySelectorAll('#f-county option').map((o) => o.getAttribute('value'));
    const own = [...new Set(texas.agreements.flatMap((a) => (a.county ? [a.county] : [])))].sort((a, b) => a.localeCompare(b));
    expect(counties).toEqual(['', ...own]);
  });

  test('conditional GET: the same ETag answers 304 with no body', async () => {
    const etag = (await get('/states/texas')).headers.get('etag')!;
    const again = await get('/states/texas', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect((await get('/states/texas?model=TFM', { 'if-none-match': etag })).status).toBe(200); // another filter, another page
  });

  test('filters: ?model=TFM&county=… narrows the rows; a bad model is a 400 page in the words chat uses', async () => {
    const county = texas.agreements.find((a) => a.model === 'TFM' && a.county)!.county!;
    const expected = texas.agreements.filter((a) => a.model === 'TFM' && a.county === county).length;
    const root = parse(await (await get(`/states/texas?model=TFM&county=${encodeURIComponent(county)}`)).text());
    expect(root.querySelectorAll('main table tbody tr')).toHaveLength(expected);
    expect(root.querySelector('img.chart')!.getAttribute('src')).toBe(
      `/states/texas/chart.png?model=TFM&county=${encodeURIComponent(county).replace(/%20/g, '+')}`,
    );
    const bad = await get('/states/texas?model=xyz');
    expect(bad.status).toBe(400);
    expect(parse(await bad.text()).querySelector('main p')!.text).toMatch(/^Unknown model "xyz"\. Use JEM/);
  });

  test('codes and other spellings move to the slug for good, keeping the query; a near miss for now; an unknown state is a 404 page', async () => {
    const tx = await get('/states/TX?model=JEM');
    expect([tx.status, tx.headers.get('location')]).toEqual([301, '/states/texas?model=JEM']);
    const typo = await get('/states/texs');
    expect([typo.status, typo.headers.get('location')]).toEqual([302, '/states/texas']);
    const unknown = await get('/states/atlantis');
    expect(unknown.status).toBe(404);
    const root = parse(await unknown.text());
    expect(root.querySelector('h1')!.text).toBe('Unknown state');
    expect(root.querySelector('main p')!.text).toBe('Unknown state "atlantis". Use a state name or USPS code, like "texas" or "TX".');
    expect((await get('/states/tx/chart.png')).headers.get('location')).toBe('/states/texas/chart.png');
  });

  test('the chart: a PNG as the chat reply draws it, with cache headers and an ETag', async () => {
    const res = await get('/states/texas/chart.png');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect((await get('/states/texas/chart.png', { 'if-none-match': res.headers.get('etag')! })).status).toBe(304);
  }, 20_000);

  test('events that cannot be read: the page still answers and says so; the failure is logged', async () => {
    events.fail = true;
    try {
      const res = await get('/states/texas');
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('The events cannot be read right now.');
      expect(log.lines.some((l) => l.msg === 'the latest events could not be read; the page says so')).toBe(true);
    } finally {
      events.fail = false;
    }
  });

  test('/states: every state and territory linked to its page, counted as /agreements all counts', async () => {
    const participating = await loadSnapshot('participatingAgencies12122025pm.xlsx');
    const national = summarizeAgreements(participating.rows, null, 'all') as NationalSummary;
    const root = parse(await (await get('/states')).text());
    const rows = root.querySelectorAll('tbody tr');
    expect(rows).toHaveLength(56);
    const first = rows[0];
    expect(first.querySelector('a')!.getAttribute('href')).toBe(`/states/${national.states[0].state.toLowerCase()}`);
    expect(first.querySelectorAll('td')[0].text).toBe(String(national.states[0].total));
    expect(rows.find((r) => r.querySelector('a')!.text === 'Texas')!.querySelectorAll('td')[0].text).toBe(String(texas.total));
  });
});

describe('the state pages when the store cannot answer', () => {
  test('before the first poll: 503 "Nothing to show yet"; a failing store: 503, logged', async () => {
    const log = recordingLogger();
    const stores = memoryStores();
    // The store's own reads, until they fail as a database that went away fails them.
    let failReads = false;
    const snapshots: SnapshotStore = {
      ...stores.snapshots,
      getState: (source) =>
        failReads ? Promise.reject(new Error('Connection terminated unexpectedly')) : stores.snapshots.getState(source),
    };
    const server = await startOpsServer(createStatePageRoutes({ snapshots, logger: log.logger }), 0, '127.0.0.1');
    try {
      const empty = await fetch(`http://127.0.0.1:${server.port}/states/texas`);
      expect(empty.status).toBe(503);
      expect(parse(await empty.text()).querySelector('h1')!.text).toBe('Nothing to show yet');
      failReads = true; // the database stops answering
      const failing = await fetch(`http://127.0.0.1:${server.port}/states/texas`);
      expect(failing.status).toBe(503);
      expect(failing.headers.get('retry-after')).toBe('60');
      expect(parse(await failing.text()).querySelector('h1')!.text).toBe('Temporarily unavailable');
      expect(log.lines.filter((l) => l.msg === 'a state page could not be read from the store')).toHaveLength(1);
    } finally {
      await server.close();
      await stores.close();
    }
  });
});
