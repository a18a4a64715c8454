import type { IncomingMessage } from 'node:http';
/**
 * The feeds' pieces without a server: XML escaping, the Reply laid out as text and HTML, Atom and
 * JSON Feed written exactly, the request read as the chat commands read states, kinds and models,
 * the validators; and one loopback case: a store that fails is a 503, logged, and the server goes on.
 */
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { parseFeed } from '@rowanmanning/feed-parser';
import { XMLValidator } from 'fast-xml-parser';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logging/logger';
import type { Reply } from '../../src/messages/reply';
import { startOpsServer } from '../../src/observability/http-server';
import type { EventLog } from '../../src/store/event-log';
import { openStores } from '../../src/store/open-stores';
import { createWebRoutes } from '../../src/web';
import { renderAtom } from '../../src/web/feeds/atom';
import { type FeedDocument, feedEntry } from '../../src/web/feeds/feed-document';
import type { EventLogEntry } from '../../src/store/event-log';
import { stateByCode } from '../../src/domain/states';
import { ev, floridaAlert } from '../helpers/alert-events';
import { FeedRequestError, parseFeedRequest } from '../../src/web/feeds/feed-request';
import { baseUrlOf, createFeedRoutes } from '../../src/web/feeds/feed-routes';
import { renderJsonFeed } from '../../src/web/feeds/json-feed';
import { replyBodyAsHtml, replyBodyAsText } from '../../src/web/feeds/reply-render';
import { escapeMarkup } from '../../src/web/markup';

const hostile: Reply = {
  tone: 'info',
  title: '1 new 287(g) agreement in Texas',
  blocks: [
    {
      kind: 'list',
      heading: 'New agreements',
      items: [
        [
          { bold: '<script>alert(1)</script> & "Sons"\u0007' },
          ' (Harris County) · Task Force Model (TFM), signed 2025-06-02 · ',
          { link: 'https://www.ice.gov/doclib/287gMOA/a.pdf?x=1&y=2', text: 'MOA' },
          ' · ',
          { link: 'javascript:alert(1)', text: 'previous MOA' },
        ],
      ],
    },
    { kind: 'fields', fields: [{ name: 'Texas now', value: ['110 active (JEM 34 · TFM 23 · WSO 53)'] }] },
  ],
  footer: 'Source: ICE participating list, participatingAgencies07032025pm.xlsx, fetched 2025-07-03 18:00 UTC',
};

describe('escapeMarkup (feeds and pages)', () => {
  test('escapes the five specials and drops what XML 1.0 cannot hold (controls, lone surrogates, U+FFFE) and bidi controls', () => {
    expect(escapeMarkup(`a&b<c>d"e'f`)).toBe('a&amp;b&lt;c&gt;d&quot;e&#39;f');
    expect(escapeMarkup('x\u0000\u0008\u000b\u001f\ud800\ufffe\uffff\u202ey')).toBe('xy');
    expect(escapeMarkup('tab\tline\nret\r 😀 é')).toBe('tab\tline\nret\r 😀 é');
  });
});

describe('the Reply as an entry body', () => {
  test('HTML: ICE text escaped, web links as links, other schemes as words', () => {
    expect(replyBodyAsHtml(hostile)).toBe(
      [
        '<h3>New agreements</h3>',
        '<ul><li><strong>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Sons&quot;</strong> (Harris County) · Task Force Model (TFM), signed 2025-06-02 · ' +
          '<a href="https://www.ice.gov/doclib/287gMOA/a.pdf?x=1&amp;y=2">MOA</a> · previous MOA</li></ul>',
        '<p><strong>Texas now:</strong> 110 active (JEM 34 · TFM 23 · WSO 53)</p>',
        '<p><small>Source: ICE participating list, participatingAgencies07032025pm.xlsx, fetched 2025-07-03 18:00 UTC</small></p>',
      ].join('\n'),
    );
  });

  test('text: the same words, each link written out after its word', () => {
    expect(replyBodyAsText(hostile)).toBe(
      [
        'New agreements:',
        '• <script>alert(1)</script> & "Sons" (Harris County) · Task Force Model (TFM), signed 2025-06-02 · MOA (https://www.ice.gov/doclib/287gMOA/a.pdf?x=1&y=2) · previous MOA (javascript:alert(1))',
        '',
        'Texas now: 110 active (JEM 34 · TFM 23 · WSO 53)',
        'Source: ICE participating list, participatingAgencies07032025pm.xlsx, fetched 2025-07-03 18:00 UTC',
      ].join('\n'),
    );
  });
});

const doc: FeedDocument = {
  id: 'urn:ice-watch:feed:texas',
  title: 'ice-watch: ICE 287(g) and detention alerts for Texas',
  description: 'Texas & more',
  updated: '2025-07-03T18:00:00.000Z',
  selfUrl: 'https://ice-watch.example.org/feeds/texas.atom?kinds=agreements&models=TFM',
  homeUrl: 'https://ice-watch.example.org/states/texas',
  entries: [
    {
      id: 'urn:ice-watch:event:participating:abc:TX',
      title: '1 new 287(g) agreement in Texas <b>',
      url: 'https://ice-watch.example.org/states/texas',
      fileUrl: 'https://www.ice.gov/doclib/about/offices/ero/pdf/participatingAgencies07032025pm.xlsx',
      published: '2025-07-03T18:00:00.000Z',
      text: 'plain',
      html: replyBodyAsHtml(hostile),
    },
  ],
};

describe('renderAtom and renderJsonFeed', () => {
  test('Atom: the exact document, well-formed, read back by a feed parser with the HTML body intact', () => {
    const xml = renderAtom(doc);
    expect(xml.split('\n').slice(0, 11)).toEqual([
      '<?xml version="1.0" encoding="utf-8"?>',
      '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
      '<id>urn:ice-watch:feed:texas</id>',
      '<title>ice-watch: ICE 287(g) and detention alerts for Texas</title>',
      '<subtitle>Texas &amp; more</subtitle>',
      '<updated>2025-07-03T18:00:00.000Z</updated>',
      '<link rel="self" type="application/atom+xml" href="https://ice-watch.example.org/feeds/texas.atom?kinds=agreements&amp;models=TFM"/>',
      '<link rel="alternate" type="text/html" href="https://ice-watch.example.org/states/texas"/>',
      '<author><name>ice-watch</name></author>',
      '<generator>ice-watch</generator>',
      '<entry>',
    ]);
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = parseFeed(xml);
    expect(feed.items[0].title).toBe('1 new 287(g) agreement in Texas <b>');
    // The parser decodes the HTML's entities too: the link is whole.
    expect(feed.items[0].content).toContain('<a href="https://www.ice.gov/doclib/287gMOA/a.pdf?x=1&y=2">MOA</a>');
    expect(feed.items[0].published?.toISOString()).toBe('2025-07-03T18:00:00.000Z');
  });

  test('an empty feed is still valid Atom, dated at the epoch so its validators do not move', () => {
    const xml = renderAtom({ ...doc, updated: null, entries: [] });
    expect(xml).toContain('<updated>1970-01-01T00:00:00.000Z</updated>');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(parseFeed(xml).items).toEqual([]);
  });

  test('JSON Feed 1.1: version, feed_url, and items with id, url, external_url, both bodies and the publication date', () => {
    const json = JSON.parse(renderJsonFeed(doc));
    expect(json).toMatchObject({ version: 'https://jsonfeed.org/version/1.1', feed_url: doc.selfUrl, home_page_url: doc.homeUrl });
    expect(json.items).toEqual([
      {
        id: doc.entries[0].id,
        url: doc.entries[0].url,
        external_url: doc.entries[0].fileUrl,
        title: doc.entries[0].title,
        content_html: doc.entries[0].html,
        content_text: 'plain',
        date_published: '2025-07-03T18:00:00.000Z',
      },
    ]);
  });
});

describe('feedEntry', () => {
  const request = parseFeedRequest('florida.atom', new URLSearchParams());
  const context = {
    baseUrl: 'https://ice-watch.example.org',
    ice287gPageUrl: 'https://www.ice.gov/287g',
    iceDetentionPageUrl: 'https://www.ice.gov/d',
  };
  const logged = (url: string | null): EventLogEntry => {
    const alert = floridaAlert([ev.signed('Okaloosa County Sheriff')]);
    return {
      id: alert.id,
      stateCode: 'FL',
      publishedAt: '2025-06-03T22:00:00.000Z',
      publication: { fileName: alert.file.fileName, url, sha256: 'abc123', fetchedAt: alert.file.fetchedAt },
      alert,
    };
  };

  test("links ICE's file on the web, never a local path a replay read it from, and the state's page", () => {
    const web = feedEntry(logged('https://www.ice.gov/doclib/x.xlsx'), request, context, stateByCode);
    expect(web).toMatchObject({ fileUrl: 'https://www.ice.gov/doclib/x.xlsx', url: 'https://ice-watch.example.org/states/florida' });
    expect(feedEntry(logged('file:///srv/ice/participatingAgencies.xlsx'), request, context, stateByCode).fileUrl).toBeNull();
    expect(feedEntry(logged(null), request, context, stateByCode).fileUrl).toBeNull();
  });

  test('an id is a valid IRI even for a state name that matched no state (spaces); ordinary ids stay as they were', () => {
    const odd = { ...logged(null), id: 'participating:abc:New Yrok <x>%', stateCode: null };
    const id = feedEntry(odd, request, context, stateByCode).id;
    expect(id).toBe('urn:ice-watch:event:participating:abc:New%20Yrok%20%3Cx%3E%25');
    expect(id).toMatch(/^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]+$/);
    const plain = logged(null);
    expect(feedEntry(plain, request, context, stateByCode).id).toBe(`urn:ice-watch:event:${plain.id}`);
  });
});

describe('baseUrlOf (PUBLIC_URL unset: the request says where it was sent)', () => {
  const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
  test('X-Forwarded-Proto https or http is honoured (its first value); anything else is http; PUBLIC_URL wins', () => {
    expect(baseUrlOf(req({ host: 'ice.example' }), undefined)).toBe('http://ice.example');
    expect(baseUrlOf(req({ host: 'ice.example', 'x-forwarded-proto': 'https' }), undefined)).toBe('https://ice.example');
    expect(baseUrlOf(req({ host: 'ice.example', 'x-forwarded-proto': 'HTTPS, http' }), undefined)).toBe('https://ice.example');
    expect(baseUrlOf(req({ host: 'ice.example', 'x-forwarded-proto': 'javascript' }), undefined)).toBe('http://ice.example');
    expect(baseUrlOf(req({ host: 'ice.example', 'x-forwarded-proto': 'https' }), 'https://pub.example/ice')).toBe(
      'https://pub.example/ice',
    );
  });
});

describe('parseFeedRequest', () => {
  const q = (s = '') => new URLSearchParams(s);
  test('states by name, code or with dashes, any case; all; the format; the filter in one order', () => {
    expect(parseFeedRequest('Texas.ATOM', q())).toEqual({
      state: expect.objectContaining({ code: 'TX' }),
      format: 'atom',
      filter: { stateCode: 'TX', kinds: null, models: null },
    });
    expect(parseFeedRequest('new-york.json', q()).filter.stateCode).toBe('NY');
    expect(parseFeedRequest('all.json', q('kinds=endings,agreement&models=wso,TFM')).filter).toEqual({
      stateCode: null,
      kinds: ['agreements', 'endings'],
      models: ['TFM', 'WSO'],
    });
    expect(parseFeedRequest('ok.atom', q('kinds=')).filter.kinds).toBeNull();
  });

  test.each([
    ['texs.atom', '', 404, /Unknown state "texs"\. Did you mean Texas\?/],
    ['narnia.atom', '', 404, /Unknown state "narnia"/],
    ['texas.xml', '', 404, /No feed "texas\.xml"/],
    ['texas.atom', 'kinds=news', 400, /Unknown kind "news"\. Use kinds among agreements, endings/],
    ['texas.atom', 'models=ABC', 400, /Unknown model "ABC"\. Use models among JEM, TFM, WSO\./],
  ])('%s?%s is a %d that says what would work', (file, query, status, message) => {
    let error: unknown;
    try {
      parseFeedRequest(file, q(query));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FeedRequestError);
    expect((error as FeedRequestError).status).toBe(status);
    expect((error as FeedRequestError).message).toMatch(message);
  });
});

describe('a store that does not answer', () => {
  test('is a 503 with a short text, logged; the next request is served', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (chunk, _enc, done) => void (lines.push(String(chunk)), done()) }));
    let failing = true;
    const events: EventLog = {
      record: async () => 0,
      latest: async () => [],
      lastChange: async () => {
        if (failing) throw new Error('connection terminated unexpectedly');
        return { count: 0, lastPublishedAt: null };
      },
    };
    const server = await startOpsServer(
      createFeedRoutes({ events, logger, ice287gPageUrl: 'https://ice.example/287g', iceDetentionPageUrl: 'https://ice.example/d' }),
      0,
      '127.0.0.1',
    );
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/feeds/texas.atom`);
      expect(res.status).toBe(503);
      expect(await res.text()).toMatch(/^The feed is not available right now/);
      expect(lines.join('')).toMatch(/connection terminated unexpectedly.*"msg":"feed failed"/);
      failing = false;
      // Without PUBLIC_URL, links are built on the request's Host (fetch cannot set it: node:http can).
      const next = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: server.port, path: '/feeds/texas.atom', headers: { host: 'feeds.example:8080' } },
          (res) => {
            let body = '';
            res.setEncoding('utf8').on('data', (c: string) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject).end();
      });
      expect(next.status).toBe(200);
      expect(parseFeed(next.body).self).toBe('http://feeds.example:8080/feeds/texas.atom');
    } finally {
      await server.close();
    }
  });
});

describe('PUBLIC_URL', () => {
  test('is read without its trailing slash (and must be http or https), and every absolute link of the feeds is built on it', async () => {
    expect(() => loadConfig({ PUBLIC_URL: 'ice-watch.example.org' })).toThrow(/PUBLIC_URL: must start with http:\/\/ or https:\/\//);
    const config = loadConfig({ PUBLIC_URL: 'https://ice-watch.example.org/' });
    expect(config.PUBLIC_URL).toBe('https://ice-watch.example.org');
    const stores = openStores({ url: 'memory://' });
    const server = await startOpsServer(
      createWebRoutes({ config, stores, logger: createLogger('silent'), now: () => new Date() }),
      0,
      '127.0.0.1',
    );
    try {
      const json = await (await fetch(`http://127.0.0.1:${server.port}/feeds/ok.json?kinds=endings`)).json();
      expect(json).toMatchObject({
        feed_url: 'https://ice-watch.example.org/feeds/oklahoma.json?kinds=endings',
        home_page_url: 'https://ice-watch.example.org/states/oklahoma',
        items: [],
      });
    } finally {
      await server.close();
      await stores.close();
    }
  });
});
