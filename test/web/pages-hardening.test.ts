import { readFileSync } from 'node:fs';
import { parse } from 'node-html-parser';
import { createLogger } from '../../src/logging/logger';
import { startOpsServer, type OpsServer } from '../../src/observability/http-server';
import { parseDetentionWorkbook } from '../../src/sources/detention-workbook';
import type { TotalsStore } from '../../src/store/totals-store';
import { lineHtml } from '../../src/web/markup';
import { createStatePageRoutes } from '../../src/web/pages';
import { createDetentionReads } from '../../src/web/pages/state-page-data';
import { stateByCode } from '../../src/domain/states';
import { html } from '../../src/web/pages/html';
import { renderLine } from '../../src/web/pages/layout';
import { commandWorld, type CommandWorld } from '../helpers/command-context';
import { detentionPath } from '../helpers/fixtures';
import { memoryStores } from '../helpers/stores';

const FEB = '2026-02-03_FY26_detentionStats02022026.xlsx';
const PNG = Buffer.from('89504e470d0a1a0a', 'hex');
/** Lets the server take the requests already sent. */
const pause = () => new Promise((r) => setTimeout(r, 100));
/** Waits until `ready` holds (the server works in its own time; the test only waits for it). */
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((r) => setTimeout(r, 10));
}

describe('the state pages, hardened (review of issue 18)', () => {
  let world: CommandWorld;
  let server: OpsServer;
  let base: string;
  const draws: Array<{ done: (png: Buffer | null) => void }> = [];
  const reads = { releases: 0 };
  let totals: TotalsStore;

  beforeAll(async () => {
    world = await commandWorld();
    const stored = memoryStores().totals;
    const release = await parseDetentionWorkbook(readFileSync(detentionPath(FEB)));
    await stored.addRelease({ release, fileName: FEB, sha256: 'feb', url: `file://${FEB}`, fetchedAt: '2026-02-03T12:00:00.000Z' });
    totals = { ...stored, releases: () => (reads.releases++, stored.releases()) };
    server = await startOpsServer(
      createStatePageRoutes({
        snapshots: world.snapshots,
        totals,
        logger: createLogger('silent'),
        publicUrl: 'https://pub.example/ice-watch',
        // A stand-in renderer the test finishes by hand: how many renders run at once is then plain to see.
        drawChart: () => new Promise((resolve) => draws.push({ done: resolve })),
      }),
      0,
      '127.0.0.1',
    );
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
    await world.close();
  });
  const get = (path: string, headers: Record<string, string> = {}) => fetch(base + path, { redirect: 'manual', headers });

  test('a chart for a county the state does not list, or with nothing to draw, is a 404 and draws nothing', async () => {
    expect((await get('/states/texas/chart.png?county=Atlantis')).status).toBe(404);
    expect((await get('/states/texas/chart.png?since=2099-01-01')).status).toBe(404);
    expect(draws).toHaveLength(0);
  });

  test('one render at a time, a bounded queue behind it (then 503), and the same chart drawn once', async () => {
    const first = get('/states/texas/chart.png');
    await until(() => draws.length === 1);
    const again = get('/states/texas/chart.png'); // the same picture: it shares the first render
    const queued = ['TFM', 'JEM', 'WSO', 'TFM&since=2020-01-01'].map((m) => get(`/states/texas/chart.png?model=${m}`));
    await pause();
    const busy = await get('/states/texas/chart.png?model=JEM&since=2020-01-01');
    expect([busy.status, busy.headers.get('retry-after')]).toEqual([503, '30']);
    for (let i = 0; i < 5; i++) {
      await until(() => draws.length > i);
      await pause();
      expect(draws).toHaveLength(i + 1); // the next render starts only when this one is done
      draws[i].done(PNG);
    }
    const answers = await Promise.all([first, again, ...queued]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(draws).toHaveLength(5);
  });

  test('304s of the pages and the chart carry Cache-Control and Last-Modified', async () => {
    for (const path of ['/states', '/states/texas', '/states/texas/chart.png']) {
      const full = await get(path);
      expect(full.status).toBe(200);
      const again = await get(path, { 'if-none-match': full.headers.get('etag')! });
      expect(again.status).toBe(304);
      expect(again.headers.get('cache-control')).toBe(full.headers.get('cache-control'));
      expect(again.headers.get('last-modified')).toBe(full.headers.get('last-modified'));
    }
  });

  test('the detention releases are read once while no newer one is stored, and again when one is', async () => {
    await get('/states/texas');
    const before = reads.releases;
    await get('/states/texas');
    await get('/states/florida');
    expect(reads.releases).toBe(before);
    const release = await parseDetentionWorkbook(readFileSync(detentionPath(FEB)));
    await totals.addRelease({
      release,
      fileName: 'later.xlsx',
      sha256: 'later',
      url: 'file://later',
      fetchedAt: '2026-03-03T12:00:00.000Z',
    });
    await get('/states/texas');
    expect(reads.releases).toBe(before + 1);
  });

  test("under PUBLIC_URL's path every link and redirect starts with it", async () => {
    expect((await get('/states/TX?model=JEM')).headers.get('location')).toBe('/ice-watch/states/texas?model=JEM');
    expect((await get('/states/tx/chart.png')).headers.get('location')).toBe('/ice-watch/states/texas/chart.png');
    const root = parse(await (await get('/states/texas')).text());
    const links = [
      ...root.querySelectorAll('a[href^="/"], link[href^="/"]').map((a) => a.getAttribute('href')!),
      root.querySelector('form.filters')!.getAttribute('action')!,
      root.querySelector('img.chart')!.getAttribute('src')!,
    ];
    expect(links.length).toBeGreaterThan(4);
    for (const href of links) expect(href).toMatch(/^\/ice-watch\//);
    const index = parse(await (await get('/states')).text());
    for (const a of index.querySelectorAll('a[href^="/"]')) expect(a.getAttribute('href')).toMatch(/^\/ice-watch\//);
    const unknown = parse(await (await get('/states/atlantis')).text());
    expect(unknown.querySelector('main a')!.getAttribute('href')).toBe('/ice-watch/states');
  });
});

describe('one escaping and one span rendering for pages and feeds', () => {
  test('a page drops what a feed drops (controls, bidi overrides) and renders a line as a feed does', () => {
    expect(html`<p>${'a\u202eb\u0000c<'}</p>`.toString()).toBe('<p>abc&lt;</p>');
    const line = ['x & ', { bold: 'y' }, { link: 'https://ice.gov/a?b=1&c=2', text: 'MOA' }, { link: 'javascript:1', text: 'no' }];
    expect(renderLine(line).toString()).toBe(lineHtml(line));
    expect(lineHtml(line)).toBe('x &amp; <strong>y</strong><a href="https://ice.gov/a?b=1&amp;c=2">MOA</a>no');
  });
});

describe('createDetentionReads', () => {
  test('a failed read of the releases is not kept: the next page reads them again', async () => {
    const stored = memoryStores().totals;
    const release = await parseDetentionWorkbook(readFileSync(detentionPath(FEB)));
    await stored.addRelease({ release, fileName: FEB, sha256: 'feb', url: `file://${FEB}`, fetchedAt: '2026-02-03T12:00:00.000Z' });
    let fail = true;
    const totals: TotalsStore = {
      ...stored,
      releases: () => (fail ? Promise.reject(new Error('database went away')) : stored.releases()),
    };
    const read = createDetentionReads(totals);
    await expect(read(stateByCode('TX')!)).rejects.toThrow('database went away');
    fail = false;
    expect((await read(stateByCode('TX')!))?.sha256).toBe('feb');
  });
});
