/**
 * The feeds over real HTTP on loopback, from real ICE files: the June-July 2025 run of 287(g)
 * lists (date corrections, then new agreements) and two detention releases are replayed through
 * the pipelines and the router into a store with the event log, and /feeds/... are read back
 * with a feed parser from npm (Atom) and as JSON Feed 1.1.
 */
import { parseFeed } from '@rowanmanning/feed-parser';
import { XMLValidator } from 'fast-xml-parser';
import { loadConfig } from '../../src/config';
import { createAlertRouter } from '../../src/delivery/alert-router';
import { DEFAULT_GUARDS } from '../../src/domain/agreements/guards';
import type { StateAlert } from '../../src/domain/alerts/alerts';
import type { PublishedAlert } from '../../src/domain/alerts/feed-cut';
import { createLogger } from '../../src/logging/logger';
import { alertToReply } from '../../src/messages/alert-message';
import { type OpsServer, startOpsServer } from '../../src/observability/http-server';
import { createIngest287g } from '../../src/pipelines/ingest-287g';
import { createPollTotals } from '../../src/pipelines/poll-totals';
import { readLocalPublication } from '../../src/pipelines/replay';
import { openStores, type Stores } from '../../src/store/open-stores';
import { createWebRoutes } from '../../src/web';
import { PAGE_EVENTS } from '../../src/web/pages/state-page-data';
import { parse } from 'node-html-parser';
import { detentionPath, fixturePath, SEQUENCES } from '../helpers/fixtures';
import { startIceSite } from '../helpers/ice-site';

const silent = createLogger('silent');
let stores: Stores;
let server: OpsServer;
let base: string;
/** Every alert routed, in the order the router recorded them. */
const routed: PublishedAlert[] = [];
const texas287g: StateAlert[] = [];

beforeAll(async () => {
  stores = openStores({ url: 'memory://' });
  const router = createAlertRouter({ subscriptions: stores.subscriptions, outbox: stores.outbox, events: stores.events });
  let clock = new Date('2025-06-27T12:00:00.000Z');
  const ingest = createIngest287g({
    snapshots: stores.snapshots,
    guards: DEFAULT_GUARDS,
    logger: silent,
    now: () => clock,
    route: async (alerts, at) => {
      routed.push(...alerts);
      await router.route(alerts, at);
    },
  });
  for (const [i, name] of SEQUENCES.corrections.entries()) {
    clock = new Date(Date.parse('2025-06-26T12:00:00.000Z') + i * 86_400_000);
    const { bytes, meta } = await readLocalPublication(fixturePath(name), clock);
    const result = await ingest.ingest('participating', bytes, meta);
    texas287g.push(...result.alerts.filter((a) => a.stateCode === 'TX'));
  }
  // A crash before the last snapshot was saved: the same file judged again routes the same ids, recorded once.
  await router.route(routed.slice(-3) as StateAlert[], new Date('2025-07-10T00:00:00.000Z'));

  const site = await startIceSite();
  try {
    const releaseClock = new Date('2026-02-03T12:00:00.000Z');
    const poller = createPollTotals({
      detentionPageUrl: site.detentionPageUrl,
      dailyUrl: undefined,
      fetchOptions: { timeoutMs: 5000, now: () => releaseClock },
      totals: stores.totals,
      logger: silent,
      now: () => releaseClock,
      route: async (alerts, at) => {
        routed.push(...alerts);
        await router.routeTotals(alerts, at);
      },
      routeFacilities: async (alerts, at) => {
        routed.push(...alerts);
        await router.routeFacilities(alerts, at);
      },
    });
    site.publishDetention([
      { name: 'FY26_detentionStats01082026.xlsx', file: detentionPath('2026-01-09_FY26_detentionStats01082026.xlsx') },
    ]);
    await poller.poll();
    site.publishDetention([
      { name: 'FY26_detentionStats_02022026.xlsx', file: detentionPath('2026-02-03_FY26_detentionStats02022026.xlsx') },
    ]);
    await poller.poll();
  } finally {
    await site.close();
  }
  const config = loadConfig({});
  server = await startOpsServer(createWebRoutes({ config, stores, logger: silent, now: () => new Date() }), 0, '127.0.0.1');
  base = `http://127.0.0.1:${server.port}`;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await stores?.close();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });
const urn = (id: string) => `urn:ice-watch:event:${id}`;

describe('the replayed run', () => {
  test('gave Texas three 287(g) alerts (corrections, then new agreements) and a facilities alert', () => {
    expect(texas287g).toHaveLength(3);
    expect(texas287g[0].events.map((e) => e.type)).toContain('agreement.corrected');
    expect(routed.some((a) => 'kind' in a && a.kind === 'facilities.changed' && a.stateCode === 'TX')).toBe(true);
    expect(routed.some((a) => 'kind' in a && a.kind === 'detention.released')).toBe(true);
  });
});

describe('/feeds/texas.atom', () => {
  test('is well-formed Atom that a feed parser reads: the alerts newest first, titled and worded as the chat alerts, with their MOA links', async () => {
    const res = await get('/feeds/texas.atom');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const body = await res.text();
    expect(XMLValidator.validate(body)).toBe(true);
    const feed = parseFeed(body);
    expect(feed.meta.type).toBe('atom');
    expect(feed.title).toMatch(/Texas/);
    expect(feed.self).toBe(`${base}/feeds/texas.atom`);
    expect(feed.url).toBe(`${base}/states/texas`);
    expect(feed.items.map((i) => i.title?.split(':')[0])).toEqual([
      expect.stringMatching(/^Texas detention/),
      ...texas287g.map((a) => alertToReply(a).title.split(':')[0]).reverse(),
    ]);
    const [, ...agreements] = feed.items;
    for (const [i, alert] of [...texas287g].reverse().entries()) {
      const item = agreements[i];
      expect(item.id).toBe(urn(alert.id));
      expect(item.title).toBe(alertToReply(alert).title);
      expect(item.url).toBe(`${base}/states/texas`);
      expect(item.published?.toISOString()).toBeTruthy();
      for (const e of alert.events) {
        if (!('agency' in e)) continue;
        expect(item.content).toContain(e.agency);
        if (e.moaUrl) expect(item.content).toContain(`<a href="${e.moaUrl}">MOA</a>`);
      }
    }
    expect(agreements.at(-1)?.content).toContain('SIGNED date corrected by ICE (not a renewal)');
  });

  test('a filter cuts entries to the kinds and models asked for, as a channel following them gets them', async () => {
    const corrections = parseFeed(await (await get('/feeds/texas.atom?kinds=corrections')).text());
    expect(corrections.items).toHaveLength(1);
    expect(corrections.items[0].id).toBe(`${urn(texas287g[0].id)};kinds=corrections`);
    expect(corrections.items[0].title).toMatch(/^287\(g\) agreements in Texas: 2 date corrected$/);
    expect(corrections.items[0].content).not.toContain('New agreements');
    const wso = parseFeed(await (await get('/feeds/TX.atom?models=wso&kinds=agreements')).text());
    expect(wso.items.map((i) => i.title)).toEqual(['1 new 287(g) agreement in Texas', '3 new 287(g) agreements in Texas']);
    expect(wso.items.every((i) => !i.content?.includes('Task Force Model'))).toBe(true);
  });

  test('answers 304 to its ETag and to its Last-Modified date, 200 to an older date; HEAD gives the headers alone', async () => {
    const first = await get('/feeds/texas.atom');
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).toMatch(/^W\/".+"$/);
    expect(lastModified).toBe(new Date('2026-02-03T12:00:00.000Z').toUTCString());
    const byTag = await get('/feeds/texas.atom', { 'if-none-match': etag });
    expect(byTag.status).toBe(304);
    expect(byTag.headers.get('etag')).toBe(etag);
    expect(await byTag.text()).toBe('');
    expect((await get('/feeds/texas.atom', { 'if-modified-since': lastModified })).status).toBe(304);
    expect((await get('/feeds/texas.atom', { 'if-modified-since': 'Mon, 02 Feb 2026 12:00:00 GMT' })).status).toBe(200);
    // Another filter is another feed: the same ETag does not hold for it.
    expect((await get('/feeds/texas.atom?kinds=corrections', { 'if-none-match': etag })).status).toBe(200);
    const head = await fetch(`${base}/feeds/texas.atom`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);
    expect(await head.text()).toBe('');
  });
});

describe('/feeds/all.atom and /feeds/tx.json', () => {
  test('all.atom holds the alerts of every state and the national ones, newest first, recorded once, each with its MOA links', async () => {
    const body = await (await get('/feeds/all.atom')).text();
    expect(XMLValidator.validate(body)).toBe(true);
    const feed = parseFeed(body);
    const unique = [...new Map(routed.map((a) => [a.id, a])).values()];
    // The file routed twice (a crash before its snapshot was saved) is in the feed once.
    expect(unique).toHaveLength(routed.length);
    expect(feed.items.map((i) => i.id)).toEqual(unique.map((a) => urn(a.id)).reverse());
    let links = 0;
    for (const alert of unique) {
      if ('kind' in alert) continue;
      const item = feed.items.find((i) => i.id === urn(alert.id))!;
      for (const e of alert.events)
        if ('moaUrl' in e && e.moaUrl) {
          expect(item.content).toContain(`<a href="${e.moaUrl}">MOA</a>`);
          expect(e.moaUrl).toMatch(/^https:\/\/www\.ice\.gov\/.*\.pdf$/i);
          links++;
        }
    }
    expect(links).toBeGreaterThan(10);
    expect(feed.items.find((i) => /^ICE detention statistics as of/.test(i.title ?? ''))?.url).toBe(loadConfig({}).ICE_DETENTION_PAGE_URL);
  });

  test('tx.json is JSON Feed 1.1 with the same entries as texas.atom, as text and HTML', async () => {
    const res = await get('/feeds/tx.json');
    expect(res.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
    const json = (await res.json()) as { version: string; title: string; feed_url: string; items: Array<Record<string, string>> };
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.feed_url).toBe(`${base}/feeds/texas.json`);
    const atom = parseFeed(await (await get('/feeds/texas.atom')).text());
    expect(json.items.map((i) => i.id)).toEqual(atom.items.map((i) => i.id));
    for (const item of json.items) {
      expect(typeof item.title).toBe('string');
      expect(item.content_text.length).toBeGreaterThan(0);
      expect(item.content_html).toMatch(/^<(h3|p)>/);
      expect(new Date(item.date_published).toISOString()).toBe(item.date_published);
    }
    const all = (await (await get('/feeds/all.json')).json()) as { items: Array<Record<string, string>> };
    const withMoa = routed.find((a) => !('kind' in a) && a.events.some((e) => 'moaUrl' in e && e.moaUrl)) as StateAlert;
    const moa = withMoa.events.find((e) => 'moaUrl' in e && e.moaUrl) as { moaUrl: string; agency: string };
    const item = all.items.find((i) => i.id === urn(withMoa.id))!;
    expect(item.content_text).toContain(`${moa.agency}`);
    expect(item.content_text).toContain(`MOA (${moa.moaUrl})`);
  });
});

describe('/states/texas beside the feed', () => {
  test("lists the event log's latest Texas alerts, newest first, with the same titles as the feed", async () => {
    const feed = (await (await get('/feeds/tx.json')).json()) as { items: Array<{ title: string }> };
    const page = parse(await (await get('/states/texas')).text());
    const listed = page.querySelectorAll('ul.events > li').map((li) => li.textContent);
    expect(listed.length).toBeGreaterThanOrEqual(3);
    expect(listed).toHaveLength(Math.min(feed.items.length, PAGE_EVENTS));
    for (const [i, text] of listed.entries()) expect(text).toContain(feed.items[i]!.title);
    expect(page.textContent).not.toContain('No events recorded yet');
  });
});

describe('requests the feeds cannot answer', () => {
  test('an unknown state is a 404 naming the state it looks like; an unknown kind or model a 400 naming the allowed ones', async () => {
    const typo = await get('/feeds/texs.atom');
    expect(typo.status).toBe(404);
    expect(await typo.text()).toMatch(/^Unknown state "texs"\. Did you mean Texas\?/);
    const kind = await get('/feeds/texas.atom?kinds=agreements,arrests');
    expect(kind.status).toBe(400);
    expect(await kind.text()).toMatch(
      /Unknown kind "arrests"\. Use kinds among agreements, endings, pending, totals, corrections, facilities\./,
    );
    const model = await get('/feeds/all.json?models=XYZ');
    expect(model.status).toBe(400);
    expect(await model.text()).toMatch(/Unknown model "XYZ"\. Use models among JEM, TFM, WSO\./);
    expect((await get('/feeds/texas.rss')).status).toBe(404);
  });

  test('new-york and NEW_YORK name New York', async () => {
    const feed = parseFeed(await (await get('/feeds/NEW_YORK.atom')).text());
    expect(feed.self).toBe(`${base}/feeds/new-york.atom`);
  });
});

describe('after the next poll', () => {
  test('a new alert changes the ETag and Last-Modified: the old ETag gets 200 and the new entry on top', async () => {
    const before = await get('/feeds/texas.atom');
    const etag = before.headers.get('etag')!;
    const next: StateAlert = { ...texas287g[2], id: 'participating:next-poll:TX' };
    await stores.events.record([next], new Date('2026-03-01T00:00:00.000Z'));
    const after = await get('/feeds/texas.atom', { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(after.headers.get('last-modified')).toBe('Sun, 01 Mar 2026 00:00:00 GMT');
    expect(parseFeed(await after.text()).items[0].id).toBe(urn(next.id));
    // Another state's feed did not change.
    const oklahoma = await get('/feeds/ok.atom');
    expect((await get('/feeds/ok.atom', { 'if-none-match': oklahoma.headers.get('etag')! })).status).toBe(304);
  });
});
