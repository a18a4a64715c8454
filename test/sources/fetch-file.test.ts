import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { discover287gLinks, discoverDetentionLink } from '../../src/sources/discover-links';
import { SourceFetchError } from '../../src/sources/errors';
import { fetchFile, fetchPage, fetchWorkbook, type FetchResult } from '../../src/sources/fetch-file';
import { toHttpDate } from '../../src/sources/fetch-local';
import { startIceSite, type IceSite } from '../helpers/ice-site';

const FIXTURES = join(__dirname, '../fixtures/287g');
const PARTICIPATING = join(FIXTURES, 'participating/participatingAgencies05162025am.xlsx');
const PENDING = join(FIXTURES, 'pending/pendingAgencies05152025am.xlsx');
const NOW = new Date('2026-02-12T15:00:00.000Z');
const now = (): Date => NOW;

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

function fetched(result: FetchResult): Extract<FetchResult, { status: 'fetched' }> {
  if (result.status !== 'fetched') throw new Error(`expected fetched, got ${result.status}`);
  return result;
}

async function failure(promise: Promise<unknown>): Promise<SourceFetchError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(SourceFetchError);
    return err as SourceFetchError;
  }
  throw new Error('expected a SourceFetchError');
}

describe('fetchWorkbook over HTTP (loopback ICE site)', () => {
  let site: IceSite;
  let links: { participating: string | null; pending: string | null };

  beforeEach(async () => {
    site = await startIceSite();
    links = site.publish({
      participating: { file: PARTICIPATING, form: 'file-download', name: 'participatingAgencies05162025am.xlsx' },
      pending: { file: PENDING, form: 'doclib' },
    });
  });
  afterEach(() => site.close());

  it('fetches a real workbook and records its meta (file name from Content-Disposition)', async () => {
    const { bytes, meta } = fetched(await fetchWorkbook(links.participating!, { now }));
    expect(bytes.equals(readFileSync(PARTICIPATING))).toBe(true);
    expect(meta).toEqual({
      url: links.participating,
      fileName: 'participatingAgencies05162025am.xlsx',
      etag: expect.stringMatching(/^".+"$/),
      lastModified: expect.stringMatching(/ GMT$/),
      sha256: sha256(PARTICIPATING),
      bytes: readFileSync(PARTICIPATING).length,
      fetchedAt: '2026-02-12T15:00:00.000Z',
      modifiedInFile: null,
    });
  });

  it('takes the file name from the URL when there is no Content-Disposition', async () => {
    const { meta } = fetched(await fetchWorkbook(links.pending!, { now }));
    expect(meta.fileName).toBe('pendingAgencies05152025am.xlsx');
    expect(meta.sha256).toBe(sha256(PENDING));
  });

  it('sends a browser-like User-Agent and an Accept header', async () => {
    await fetchWorkbook(links.pending!);
    const [request] = site.requestsTo(links.pending!);
    expect(request.headers['user-agent']).toMatch(/^Mozilla\/5\.0 \(.+\) AppleWebKit\/.+ Chrome\/\d+/);
    expect(request.headers.accept).toContain('*/*');
  });

  it('gets not-modified on a second poll with the ETag, and the server saw If-None-Match', async () => {
    const first = fetched(await fetchWorkbook(links.participating!));
    const second = await fetchWorkbook(links.participating!, { etag: first.meta.etag });
    expect(second).toEqual({ status: 'not-modified', url: links.participating });
    expect(site.requestsTo(links.participating!)[1].headers['if-none-match']).toBe(first.meta.etag);
  });

  it('gets not-modified on a second poll with Last-Modified, and the server saw If-Modified-Since', async () => {
    const first = fetched(await fetchWorkbook(links.pending!));
    const second = await fetchWorkbook(links.pending!, { lastModified: first.meta.lastModified });
    expect(second.status).toBe('not-modified');
    expect(site.requestsTo(links.pending!)[1].headers['if-modified-since']).toBe(first.meta.lastModified);
  });

  it('fetches again when the ETag no longer matches (a new publication at the same URL)', async () => {
    const result = await fetchWorkbook(links.participating!, { etag: '"some-older-file"' });
    expect(fetched(result).meta.sha256).toBe(sha256(PARTICIPATING));
  });

  it('turns a 500 into a SourceFetchError http-status 500', async () => {
    site.fail(links.participating!, { status: 500 });
    const err = await failure(fetchWorkbook(links.participating!));
    expect(err).toMatchObject({ reason: 'http-status', status: 500, url: links.participating });
    expect(err.message).toBe(`GET ${links.participating} answered 500 Internal Server Error`);
  });

  it('turns a 404 into not-found', async () => {
    const err = await failure(fetchWorkbook(`${site.origin}/doclib/287gMOA/gone.xlsx`));
    expect(err).toMatchObject({ reason: 'not-found', status: 404 });
  });

  it('times out when the server answers later than timeoutMs', async () => {
    site.fail(links.participating!, { delayMs: 5_000 });
    const started = Date.now();
    const err = await failure(fetchWorkbook(links.participating!, { timeoutMs: 200 }));
    expect(err.reason).toBe('timeout');
    expect(err.message).toBe(`GET ${links.participating} timed out after 0.2 s`);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('refuses an HTML page served with status 200 as not-a-workbook, saying so plainly', async () => {
    site.fail(links.participating!, { html: true });
    const err = await failure(fetchWorkbook(links.participating!));
    expect(err).toMatchObject({ reason: 'not-a-workbook', status: 200 });
    expect(err.message).toContain(`GET ${links.participating} is not a workbook: ICE's server answered with an HTML page (status 200)`);
  });

  it('lets fetchFile return the same HTML body without judging it', async () => {
    site.fail(links.participating!, { html: true });
    const { bytes } = fetched(await fetchFile(links.participating!));
    expect(bytes.toString('utf8')).toContain('<html');
  });

  it('enforces the size cap', async () => {
    const err = await failure(fetchWorkbook(links.participating!, { maxBytes: 10_000 }));
    expect(err.reason).toBe('too-large');
    expect(err.message).toBe(`GET ${links.participating} exceeded the 9.8 KiB size cap`);
  });

  it('reports a refused connection as a network failure and keeps secrets out of the message', async () => {
    const origin = site.origin;
    await site.close();
    const err = await failure(
      fetchWorkbook(`${origin.replace('//', '//user:hunter2@')}/x.xlsx?token=abc123&v=1`, { userAgent: 'secret-agent' }),
    );
    expect(err.reason).toBe('network');
    expect(err.message).toContain('connection refused (ECONNREFUSED)');
    expect(err.message).not.toMatch(/hunter2|abc123|secret-agent/);
    site = await startIceSite(); // for afterEach
  });

  it('follows a redirect and records the final URL', async () => {
    const target = site.serveFile(
      '/doclib/287gMOA/participatingAgencies12122025pm.xlsx',
      join(FIXTURES, 'participating/participatingAgencies12122025pm.xlsx'),
    );
    site.redirect('/doclib/287gMOA/participatingAgencies.xlsx', target);
    const { meta } = fetched(await fetchWorkbook(`${site.origin}/doclib/287gMOA/participatingAgencies.xlsx`));
    expect(meta.url).toBe(target);
    expect(meta.fileName).toBe('participatingAgencies12122025pm.xlsx');
  });

  it('fetchPage returns the 287(g) page, and discovery finds both published links on it', async () => {
    const page = await fetchPage(site.pageUrl);
    expect(page.url).toBe(site.pageUrl);
    expect(discover287gLinks(page.html, page.url)).toEqual(links);
    site.publish({ pending: null });
    const next = await fetchPage(site.pageUrl);
    expect(discover287gLinks(next.html, next.url)).toEqual({ participating: links.participating, pending: null });
  });

  it('serves the detention page, and a one-shot fault heals by itself', async () => {
    const urls = site.publishDetention([
      { name: 'FY26_detentionStats01082026.xlsx' },
      { name: 'FY26_detentionStats_02122026.xlsx', file: PENDING },
      { name: 'FY25_detentionStats09252025.xlsx' },
    ]);
    site.fail(site.detentionPageUrl, { status: 503 }, 1);
    expect(await failure(fetchPage(site.detentionPageUrl))).toMatchObject({ reason: 'http-status', status: 503 });
    const page = await fetchPage(site.detentionPageUrl);
    expect(discoverDetentionLink(page.html, page.url)).toBe(urls[1]);
    expect(fetched(await fetchWorkbook(urls[1])).meta.fileName).toBe('FY26_detentionStats_02122026.xlsx');
  });
});

describe('fetchWorkbook and fetchPage on a local mirror', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ice-mirror-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file:// URL, with the mtime as Last-Modified, and a second poll with it is not-modified', async () => {
    const file = join(dir, 'participatingAgencies05162025am.xlsx');
    copyFileSync(PARTICIPATING, file);
    utimesSync(file, new Date('2025-05-16T13:00:00Z'), new Date('2025-05-16T13:00:00Z'));
    const url = pathToFileURL(file).href;
    const { meta } = fetched(await fetchWorkbook(url, { now }));
    expect(meta).toEqual({
      url,
      fileName: 'participatingAgencies05162025am.xlsx',
      etag: null,
      lastModified: 'Fri, 16 May 2025 13:00:00 GMT',
      sha256: sha256(PARTICIPATING),
      bytes: readFileSync(PARTICIPATING).length,
      fetchedAt: NOW.toISOString(),
      modifiedInFile: null,
    });
    expect(await fetchWorkbook(url, { lastModified: meta.lastModified })).toEqual({ status: 'not-modified', url });
    utimesSync(file, new Date('2025-05-17T13:00:00Z'), new Date('2025-05-17T13:00:00Z'));
    expect((await fetchWorkbook(url, { lastModified: meta.lastModified })).status).toBe('fetched');
  });

  it('reads a plain local path', async () => {
    const { meta } = fetched(await fetchWorkbook(PENDING));
    expect(meta).toMatchObject({ url: pathToFileURL(PENDING).href, fileName: 'pendingAgencies05152025am.xlsx', sha256: sha256(PENDING) });
  });

  it('reports a missing file as not-found and a local HTML file as not-a-workbook', async () => {
    expect(await failure(fetchWorkbook(join(dir, 'nope.xlsx')))).toMatchObject({ reason: 'not-found' });
    writeFileSync(join(dir, 'saved.xlsx'), '<!DOCTYPE html><html><body>Access Denied</body></html>');
    const err = await failure(fetchWorkbook(join(dir, 'saved.xlsx')));
    expect(err.reason).toBe('not-a-workbook');
    expect(err.message).toBe(`${join(dir, 'saved.xlsx')} is not a workbook: the file is an HTML page`);
    writeFileSync(join(dir, 'empty.xlsx'), '');
    expect((await failure(fetchWorkbook(join(dir, 'empty.xlsx')))).message).toContain('the file is empty');
  });

  it('lists a folder as a page on which discovery picks the newest participating and pending workbooks', async () => {
    const put = (from: string, name: string, at: string): void => {
      copyFileSync(from, join(dir, name));
      utimesSync(join(dir, name), new Date(at), new Date(at));
    };
    put(
      join(FIXTURES, 'participating/participatingAgencies10172025mid.xlsx'),
      'participatingAgencies10172025mid.xlsx',
      '2025-10-17T18:00:00Z',
    );
    put(
      join(FIXTURES, 'participating/participatingAgencies12122025pm.xlsx'),
      'participatingAgencies12122025pm.xlsx',
      '2025-12-12T20:00:00Z',
    );
    put(
      join(FIXTURES, 'participating/participatingAgencies09222025am.xlsx'),
      'participatingAgencies09222025am.xlsx',
      '2025-09-22T14:00:00Z',
    );
    put(PENDING, 'pendingAgencies05152025am.xlsx', '2025-05-15T14:00:00Z');
    put(join(FIXTURES, 'pending/pendingAgencies02272026am.xlsx'), 'pendingAgencies02272026am.xlsx', '2026-02-27T14:00:00Z');
    writeFileSync(join(dir, 'README.md'), 'a local mirror');

    for (const pageUrl of [pathToFileURL(dir).href, dir]) {
      const page = await fetchPage(pageUrl);
      expect(page.html).toContain('<a href="file:///');
      expect(discover287gLinks(page.html, page.url)).toEqual({
        participating: pathToFileURL(join(dir, 'participatingAgencies12122025pm.xlsx')).href,
        pending: pathToFileURL(join(dir, 'pendingAgencies02272026am.xlsx')).href,
      });
    }
    const listing = await fetchPage(dir);
    expect(listing.url).toBe(pathToFileURL(dir).href + '/');
    const { meta } = fetched(await fetchWorkbook(discover287gLinks(listing.html, listing.url).participating!));
    expect(meta.sha256).toBe(sha256(join(FIXTURES, 'participating/participatingAgencies12122025pm.xlsx')));
  });

  it('reads a local HTML file as a page', async () => {
    writeFileSync(join(dir, '287g.html'), '<p><a href="participatingAgencies12122025pm.xlsx">Participating Agencies</a></p>');
    const page = await fetchPage(join(dir, '287g.html'));
    expect(discover287gLinks(page.html, page.url).participating).toBe(
      pathToFileURL(join(dir, 'participatingAgencies12122025pm.xlsx')).href,
    );
  });

  it('exposes HTTP dates for mtimes', () => {
    expect(toHttpDate(new Date('2026-02-12T10:00:00.750Z'))).toBe('Thu, 12 Feb 2026 10:00:00 GMT');
  });
});
