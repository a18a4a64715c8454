/**
 * The public state page as a person sees it (issue 18): the real bot process (`ice-watch start`, console
 * mode, HTTP_PORT set) polls a loopback ICE site publishing real workbooks, and Debian's Chromium, headless
 * and with JavaScript off, loads /states/texas from it: the heading, one table row per active Texas
 * agreement (counted here from the same workbook by the function `/agreements` uses), a MOA link, the chart
 * image loaded, the filter form narrowing the rows, and a phone-sized viewport that does not scroll sideways.
 * Screenshots land in test-artifacts/.
 *
 * Chromium is needed, as PostgreSQL is for the store suites (test/helpers/services.ts): on a machine without it
 * this suite is skipped with a line saying how to install it, and with ICE_WATCH_REQUIRE_SERVICES=1 (`.ci/run`,
 * which installs it) it fails instead: CI never passes by skipping it. ICE_WATCH_SKIP_BROWSER=1 skips it on purpose.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { summarizeAgreements, type StateSummary } from '../../src/domain/agreements/state-summary';
import { stateByCode } from '../../src/domain/states';
import { detentionPath, fixturePath, loadSnapshot } from '../helpers/fixtures';
import { startIceSite, type IceSite } from '../helpers/ice-site';

const ROOT = join(__dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const INSTALL = "install Debian's package (apt-get update && apt-get install -y chromium), or point CHROMIUM_PATH at a Chromium";
const REQUIRED = process.env.ICE_WATCH_REQUIRE_SERVICES === '1';
const MISSING = !existsSync(CHROMIUM);
if (MISSING && !REQUIRED && process.env.ICE_WATCH_SKIP_BROWSER !== '1')
  process.stderr.write(`ice-watch tests: Chromium not found at ${CHROMIUM}: the state page's browser suite is skipped; ${INSTALL}\n`);
const SKIP = process.env.ICE_WATCH_SKIP_BROWSER === '1' || (MISSING && !REQUIRED);
const PARTICIPATING = 'participatingAgencies12122025pm.xlsx';
const PENDING = 'pendingAgencies09222025am.xlsx';
const DETENTION = '2026-02-03_FY26_detentionStats02022026.xlsx';
/** The bot starts from the TypeScript sources (tsx), then polls both sources: generous on a busy machine. */
const READY_WITHIN_MS = 90_000;
/** One browser step (a navigation, a screenshot) on a busy machine; each test allows several. */
const STEP_TIMEOUT_MS = 20_000;
const TEST_TIMEOUT_MS = 90_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Waits until `check` is true, or fails with what the bot said on stderr. */
async function until(check: () => Promise<boolean>, what: string, stderr: () => string): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not happen within ${READY_WITHIN_MS} ms; the bot's stderr:\n${stderr()}`);
}

/** What the browser tells of an <img> (the tests compile without the DOM's types). */
interface LoadedImage {
  complete: boolean;
  naturalWidth: number;
}

const rowsOf = (page: Page) => page.$$eval('main table tbody tr', (rows) => rows.length);

(SKIP ? describe.skip : describe)('the state page in a real browser (Chromium headless, JavaScript off)', () => {
  test('Chromium is installed', () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is not installed at ${CHROMIUM} and ICE_WATCH_REQUIRE_SERVICES=1 does not let this suite skip: ${INSTALL}.`,
      );
    }
  });

  let site: IceSite;
  let dir: string;
  let bot: ChildProcess;
  let stderr = '';
  let origin: string;
  let browser: Browser;
  let texas: StateSummary;
  let texasTfm: StateSummary;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) return;
    mkdirSync(ARTIFACTS, { recursive: true });
    site = await startIceSite();
    site.publish({
      participating: { file: fixturePath(PARTICIPATING), form: 'file-download' },
      pending: { file: fixturePath(PENDING), form: 'doclib' },
    });
    site.publishDetention([{ name: 'FY26_detentionStats02022026.xlsx', file: detentionPath(DETENTION) }]);
    const [participating, pending] = await Promise.all([loadSnapshot(PARTICIPATING), loadSnapshot(PENDING)]);
    const tx = stateByCode('TX')!;
    texas = summarizeAgreements(participating.rows, pending.rows, tx) as StateSummary;
    texasTfm = summarizeAgreements(participating.rows, pending.rows, tx, { model: 'TFM' }) as StateSummary;

    dir = mkdtempSync(join(tmpdir(), 'ice-watch-state-page-'));
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    const keep = Object.fromEntries(
      ['PATH', 'HOME', 'TMPDIR'].filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]),
    );
    // cwd in a fresh folder: no .env is read. Console mode: no platform token.
    bot = spawn(process.execPath, [join(ROOT, 'bin', 'ice-watch-ts.js'), 'start'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...keep,
        STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
        ICE_287G_PAGE_URL: site.pageUrl,
        ICE_DETENTION_PAGE_URL: site.detentionPageUrl,
        HTTP_PORT: String(port),
        LOG_LEVEL: 'warn',
      },
    });
    bot.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    // Ready when the page has the list and the detention figures (the two polls at start have run).
    await until(
      async () => {
        const res = await fetch(`${origin}/states/texas`);
        const text = await res.text();
        return res.status === 200 && !text.includes('No ICE detention facility list is stored yet');
      },
      'the bot serving /states/texas with both sources polled',
      () => stderr,
    );
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage'],
    });
  }, READY_WITHIN_MS + 30_000);

  afterAll(async () => {
    await browser?.close();
    if (bot && bot.exitCode === null) {
      const exited = new Promise((resolve) => bot.once('exit', resolve));
      bot.kill('SIGTERM');
      await exited;
    }
    await site?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 40_000);

  async function open(path: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
    const page = await browser.newPage();
    // A step that hangs fails with its own name, well before the test's timeout.
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await page.setJavaScriptEnabled(false);
    await page.setViewport(viewport);
    const res = await page.goto(`${origin}${path}`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    return page;
  }

  test(
    'Texas: the heading, one row per active agreement, MOA links, the chart loaded, detention, feeds; a screenshot',
    async () => {
      const page = await open('/states/texas');
      expect(await page.$eval('h1', (h) => h.textContent)).toBe('287(g) agreements in Texas');
      expect(await page.$$eval('h1', (hs) => hs.length)).toBe(1);
      expect(await page.$eval('html', (h) => h.getAttribute('lang'))).toBe('en');
      expect(await page.$$eval('script', (s) => s.length)).toBe(0);

      expect(texas.total).toBeGreaterThan(100);
      expect(await rowsOf(page)).toBe(texas.total);
      expect(await page.$eval('main table caption', (c) => c.textContent)).toContain(`${texas.total} active 287(g) agreements in Texas`);
      // Newest signing first, each with its MOA as ICE links it: the first row that has one.
      const withMoa = texas.agreements.findIndex((a) => a.moaUrl);
      const row = await page.$eval(`main table tbody tr:nth-child(${withMoa + 1})`, (tr) => ({
        agency: tr.querySelector('td')!.textContent,
        moa: tr.querySelector('a')?.getAttribute('href') ?? null,
        moaText: tr.querySelector('a')?.textContent ?? null,
      }));
      expect(row.agency).toBe(texas.agreements[withMoa].agency);
      expect(row.moa).toBe(new URL(texas.agreements[withMoa].moaUrl!).href);
      expect(row.moaText).toBe(`MOA of ${texas.agreements[withMoa].agency}`); // the link says whose it is
      expect(await page.$eval('main table tbody tr td', (td) => td.textContent)).toBe(texas.agreements[0].agency);

      const chart = await page.$eval('img.chart', (img) => ({
        loaded: (img as unknown as LoadedImage).complete && (img as unknown as LoadedImage).naturalWidth > 0,
        alt: img.getAttribute('alt') ?? '',
      }));
      expect(chart.loaded).toBe(true);
      expect(chart.alt).toMatch(
        new RegExp(
          `^Chart: Texas: active 287\\(g\\) agreements by model\\. ${texas.total} active on \\d{4}-\\d{2}-\\d{2} .* from \\d+ on \\d{4}-\\d{2}-\\d{2}\\.$`,
        ),
      );

      const text = await page.$eval('main', (m) => m.textContent ?? '');
      expect(text).toMatch(/Texas: \d+ detention facilities, ADP [\d,]+, as of \d{4}-\d{2}-\d{2}/);
      expect(text).toContain('No events recorded yet');
      expect(await page.$eval('link[rel="alternate"][type="application/atom+xml"]', (l) => l.getAttribute('href'))).toBe(
        '/feeds/texas.atom',
      );
      await page.screenshot({ path: join(ARTIFACTS, 'state-page-texas.png'), fullPage: true });
      await page.close();
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'the filter form narrows the rows to one model, and the chart follows the filter',
    async () => {
      const page = await open('/states/texas');
      await page.select('#f-model', 'TFM');
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('form.filters button[type="submit"]')]);
      expect(new URL(page.url()).searchParams.get('model')).toBe('TFM');
      expect(texasTfm.total).toBeGreaterThan(0);
      expect(texasTfm.total).toBeLessThan(texas.total);
      expect(await rowsOf(page)).toBe(texasTfm.total);
      const models = await page.$$eval('main table tbody tr td:nth-child(4)', (tds) => [...new Set(tds.map((td) => td.textContent))]);
      expect(models).toEqual(['TFM']);
      expect(await page.$eval('img.chart', (img) => (img as unknown as LoadedImage).naturalWidth > 0 && img.getAttribute('src'))).toBe(
        '/states/texas/chart.png?model=TFM',
      );
      await page.close();
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'a phone (390x844): the page does not scroll sideways; the table scrolls inside its own box',
    async () => {
      const page = await open('/states/tx', { width: 390, height: 844 });
      expect(new URL(page.url()).pathname).toBe('/states/texas'); // the code moved to the canonical page
      const layout = await page.$eval('.table-wrap', (wrap) => {
        const root = wrap.ownerDocument.documentElement;
        return {
          pageWidth: root.scrollWidth,
          viewport: root.clientWidth,
          wrapRight: wrap.getBoundingClientRect().right,
          tableWidth: wrap.scrollWidth,
          wrapWidth: wrap.clientWidth,
        };
      });
      expect(layout.pageWidth).toBeLessThanOrEqual(layout.viewport);
      expect(layout.wrapRight).toBeLessThanOrEqual(layout.viewport);
      expect(layout.tableWidth).toBeGreaterThan(layout.wrapWidth); // the columns did not fit: the box scrolls, the page does not
      await page.screenshot({ path: join(ARTIFACTS, 'state-page-texas-phone.png'), fullPage: false });
      await page.close();
    },
    TEST_TIMEOUT_MS,
  );
});
