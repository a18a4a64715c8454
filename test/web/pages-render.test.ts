import { parse, type HTMLElement } from 'node-html-parser';
import { summarizeAgreements, type StateSummary } from '../../src/domain/agreements/state-summary';
import { stateByCode } from '../../src/domain/states';
import type { Agreement } from '../../src/domain/types';
import { escapeMarkup, html, safeHref } from '../../src/web/pages/html';
import { filterQuery, parsePageFilter } from '../../src/web/pages/page-filter';
import { renderStatePage, type StatePageModel } from '../../src/web/pages/state-page';
import { lookUpState, stateSlug } from '../../src/web/state-slug';

const TX = stateByCode('TX')!;

function agreement(over: Partial<Agreement>): Agreement {
  return {
    state: 'Texas',
    stateCode: 'TX',
    agency: 'Harris County Sheriff’s Office',
    agencyKey: over.agency?.toLowerCase() ?? 'harris county sheriffs office',
    type: 'County',
    county: 'Harris County',
    model: 'JEM',
    signed: '2025-06-02',
    moaUrl: 'https://www.ice.gov/doclib/287gMOA/harris.pdf',
    addendumUrl: null,
    ...over,
  };
}

const HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';
const ROWS: Agreement[] = [
  agreement({}),
  agreement({
    agency: HOSTILE,
    agencyKey: 'hostile',
    county: 'Bexar County',
    model: 'TFM',
    signed: '2025-09-01',
    moaUrl: 'javascript:alert(1)',
  }),
  agreement({ agency: 'Travis County Constable', agencyKey: 'travis', county: 'Travis County', model: 'WSO', signed: null, moaUrl: null }),
];

function model(over: Partial<StatePageModel> = {}, rows = ROWS, filter = {}): StatePageModel {
  return {
    state: TX,
    slug: 'texas',
    base: '',
    summary: summarizeAgreements(rows, [agreement({ signed: null })], TX, filter) as StateSummary,
    counties: ['Bexar County', 'Harris County', 'Travis County'],
    countyUnknown: false,
    chart: {
      src: '/states/texas/chart.png',
      alt: 'Chart: Texas: active 287(g) agreements by model. 3 active on 2025-12-12, from 1 on 2025-01-01.',
    },
    source: 'Source: ICE participating list, list.xlsx, fetched 2025-12-12 18:00 UTC',
    detention: null,
    events: null,
    feeds: { atom: '/feeds/texas.atom', json: '/feeds/texas.json' },
    ...over,
  };
}

const page = (m: StatePageModel): HTMLElement => parse(renderStatePage(m));
const texts = (root: HTMLElement, selector: string) => root.querySelectorAll(selector).map((e) => e.text.trim());

describe('renderStatePage', () => {
  test('a document in English for phones: one h1, headings in order, no script, the feeds linked in head', () => {
    const text = renderStatePage(model());
    const root = parse(text);
    expect(text.startsWith('<!doctype html>')).toBe(true);
    expect(root.querySelector('html')!.getAttribute('lang')).toBe('en');
    expect(root.querySelector('meta[name="viewport"]')!.getAttribute('content')).toBe('width=device-width, initial-scale=1');
    expect(texts(root, 'h1')).toEqual(['287(g) agreements in Texas']);
    expect(texts(root, 'h2')).toEqual([
      'Counts',
      'Agreements over time',
      'Latest events',
      'Filter the agreements',
      'Active agreements',
      'Detention in Texas',
      'Follow Texas',
    ]);
    expect(root.querySelectorAll('script')).toHaveLength(0);
    // The page's own links lead somewhere on it.
    const anchors = root.querySelectorAll('nav a').map((a) => a.getAttribute('href')!);
    expect(anchors).toEqual(['#agreements', '#trend', '#events', '#detention', '#feeds']);
    for (const anchor of anchors) expect(root.querySelector(anchor)).not.toBeNull();
    const alternates = root.querySelectorAll('head link[rel="alternate"]').map((l) => [l.getAttribute('type'), l.getAttribute('href')]);
    expect(alternates).toEqual([
      ['application/atom+xml', '/feeds/texas.atom'],
      ['application/feed+json', '/feeds/texas.json'],
    ]);
  });

  test('the table: a caption, column headers with scope, one row per agreement newest first, MOA links that say whose', () => {
    const root = page(model());
    const table = root.querySelector('main table')!;
    expect(table.querySelector('caption')!.text).toBe('3 active 287(g) agreements in Texas, newest signing first');
    const heads = table.querySelectorAll('thead th');
    expect(heads.map((h) => h.text)).toEqual(['Agency', 'County', 'Type', 'Model', 'Signed', 'Documents']);
    expect(heads.every((h) => h.getAttribute('scope') === 'col')).toBe(true);
    const rows = table.querySelectorAll('tbody tr');
    expect(rows.map((r) => r.querySelector('td')!.text)).toEqual([HOSTILE, 'Harris County Sheriff’s Office', 'Travis County Constable']);
    const harris = rows[1].querySelector('a')!;
    expect(harris.getAttribute('href')).toBe('https://www.ice.gov/doclib/287gMOA/harris.pdf');
    expect(harris.text).toBe('MOA of Harris County Sheriff’s Office');
    expect(rows[2].querySelectorAll('td').map((td) => td.text)).toEqual([
      'Travis County Constable',
      'Travis County',
      'County',
      'WSO',
      'not given',
      'no MOA linked',
    ]);
    expect(root.querySelector('.table-wrap')!.getAttribute('role')).toBe('region');
  });

  test("ICE's text is escaped and a javascript: MOA is no link", () => {
    const text = renderStatePage(model());
    expect(text).not.toContain('<script>');
    expect(text).not.toContain('<img src=x');
    expect(text).not.toContain('javascript:');
    const hostile = page(model()).querySelectorAll('tbody tr')[0];
    expect(hostile.querySelector('td')!.text).toBe(HOSTILE); // shown as the text it is
    expect(hostile.querySelector('a')).toBeNull();
  });

  test('counts by model and pending, as /agreements computes them; the chart with its alt text', () => {
    const root = page(model());
    const counts = Object.fromEntries(
      root.querySelectorAll('dl.counts div').map((d) => [d.querySelector('dt')!.text, d.querySelector('dd')!.text]),
    );
    expect(counts).toEqual({
      'Active agreements': '3',
      'Jail Enforcement Model (JEM)': '1',
      'Task Force Model (TFM)': '1',
      'Warrant Service Officer (WSO)': '1',
      'Pending requests': '1',
    });
    expect(root.querySelector('p.lead')!.text).toBe('3 active (JEM 1 · TFM 1 · WSO 1); 1 pending request in the state.');
    const img = root.querySelector('img.chart')!;
    expect(img.getAttribute('src')).toBe('/states/texas/chart.png');
    expect(img.getAttribute('alt')).toMatch(/^Chart: Texas: .*3 active on 2025-12-12.*from 1 on 2025-01-01\.$/);
    expect(page(model({ chart: null })).querySelector('img')).toBeNull();
  });

  test('the filter form: a GET form to the page, the chosen model and county selected, a way to clear them', () => {
    const root = page(model({}, ROWS, { model: 'TFM', county: 'bexar' }));
    const form = root.querySelector('form.filters')!;
    expect([form.getAttribute('method'), form.getAttribute('action')]).toEqual(['get', '/states/texas']);
    expect(form.querySelector('#f-model option[selected]')!.getAttribute('value')).toBe('TFM');
    expect(form.querySelector('#f-county option[selected]')!.getAttribute('value')).toBe('Bexar County');
    expect(form.querySelectorAll('label').map((l) => l.getAttribute('for'))).toEqual(['f-model', 'f-county', 'f-since']);
    expect(form.querySelector('a')!.getAttribute('href')).toBe('/states/texas');
    expect(root.querySelectorAll('tbody tr')).toHaveLength(1);
    expect(root.querySelector('p.lead')!.text).toMatch(/^Filtered to TFM, bexar: 1 active/);
  });

  test('a county the state does not list: said so, and kept selected; no agreement: a sentence instead of an empty table', () => {
    const root = page(model({ countyUnknown: true }, ROWS, { county: 'Nowhere' }));
    expect(root.querySelector('.notice')!.text).toBe('No agreement in Texas lists a county "Nowhere".');
    expect(root.querySelector('#f-county option[selected]')!.getAttribute('value')).toBe('Nowhere');
    expect(root.querySelector('table')).toBeNull();
    expect(root.text).toContain("ICE's list has no active 287(g) agreement in Texas (Nowhere).");
  });

  test('events: a list when the log has some, "No events recorded yet" otherwise, a sentence when it cannot be read', () => {
    const events = [
      { id: 'e2', title: '2 new 287(g) agreements in Texas', publishedAt: '2025-12-12T18:00:00.000Z', lines: ['<b>Bexar</b> · TFM'] },
      { id: 'e1', title: 'Texas: 1 agreement ended', publishedAt: '2025-12-01T18:00:00.000Z', lines: [] },
    ];
    const root = page(model({ events }));
    expect(texts(root, 'ul.events h3')).toEqual(['2 new 287(g) agreements in Texas', 'Texas: 1 agreement ended']);
    expect(root.querySelector('ul.events time')!.getAttribute('datetime')).toBe('2025-12-12T18:00:00.000Z');
    expect(root.querySelector('ul.events p:not(.muted)')!.text).toBe('<b>Bexar</b> · TFM');
    expect(page(model({ events: [] })).text).toContain('No events recorded yet for Texas.');
    expect(page(model({ events: null })).text).toContain('No events recorded yet for Texas.');
    expect(page(model({ events: 'unavailable' })).text).toContain('The events cannot be read right now.');
  });

  test('detention: the /facilities words as a definition list and the facilities', () => {
    const root = page(
      model({
        detention: {
          title: 'Texas: 2 detention facilities, ADP 1,234, as of 2026-01-25',
          fields: [{ name: 'Total ADP', value: ['1,234'] }],
          facilities: [[{ bold: 'A <B> Center' }, ', Pearsall · IGSA']],
          note: 'ADP is …',
          source: 'Source: ICE detention statistics, x.xlsx, fetched …',
        },
      }),
    );
    expect(root.querySelector('#detention')!.nextElementSibling!.text).toBe('Texas: 2 detention facilities, ADP 1,234, as of 2026-01-25');
    expect(texts(root, 'dt')).toContain('Total ADP');
    expect(root.querySelector('h3')!.text).toBe('Facilities by ADP');
    expect(root.querySelector('li strong')!.text).toBe('A <B> Center');
  });
});

describe('state slugs and lookups', () => {
  test('slugs are the names in lower case with hyphens', () => {
    expect(['TX', 'NY', 'DC', 'VI'].map((c) => stateSlug(stateByCode(c)!))).toEqual([
      'texas',
      'new-york',
      'district-of-columbia',
      'u-s-virgin-islands',
    ]);
  });

  test('the slug is served; codes and other spellings move for good; a near miss moves for now; the rest is unknown with a hint', () => {
    expect(lookUpState('texas')).toMatchObject({ kind: 'canonical', slug: 'texas' });
    expect(lookUpState('new-york')).toMatchObject({ kind: 'canonical', slug: 'new-york' });
    expect(lookUpState('u-s-virgin-islands')).toMatchObject({ kind: 'canonical', slug: 'u-s-virgin-islands' });
    expect(lookUpState('TX')).toEqual({ kind: 'redirect', state: TX, slug: 'texas', permanent: true });
    expect(lookUpState('Texas')).toMatchObject({ kind: 'redirect', slug: 'texas', permanent: true });
    expect(lookUpState('new york')).toMatchObject({ kind: 'redirect', slug: 'new-york', permanent: true });
    expect(lookUpState('texs')).toMatchObject({ kind: 'redirect', slug: 'texas', permanent: false });
    expect(lookUpState('atlantis')).toEqual({
      kind: 'unknown',
      message: 'Unknown state "atlantis". Use a state name or USPS code, like "texas" or "TX".',
    });
    expect(lookUpState('zz')).toMatchObject({ kind: 'unknown' });
  });
});

describe('page filters', () => {
  test('read as chat arguments: models by code or name, any case; empty and "all" are no filter', () => {
    expect(parsePageFilter(new URLSearchParams('model=tfm&county=Harris&since=2025-03-01'))).toEqual({
      model: 'TFM',
      county: 'Harris',
      since: '2025-03-01',
    });
    expect(parsePageFilter(new URLSearchParams('model=&county=all&since=&page=3'))).toEqual({});
    expect(parsePageFilter(new URLSearchParams('model=Task%20Force%20Model'))).toEqual({ model: 'TFM' });
  });

  test('a bad model, date or county is a user error in the words chat uses', () => {
    expect(() => parsePageFilter(new URLSearchParams('model=xyz'))).toThrow(/Unknown model "xyz"/);
    expect(() => parsePageFilter(new URLSearchParams('since=2025-02-30'))).toThrow(/"2025-02-30" is not a date/);
    expect(() => parsePageFilter(new URLSearchParams(`county=${'a'.repeat(81)}`))).toThrow(/is not a county name/);
  });

  test('the query of a filter, in one order', () => {
    expect(filterQuery({})).toBe('');
    expect(filterQuery({ county: 'St. Lucie', model: 'WSO' })).toBe('?model=WSO&county=St.+Lucie');
  });
});

describe('html', () => {
  test('escapes strings, keeps fragments, drops empty values; safeHref keeps only http(s)', () => {
    expect(escapeMarkup(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(html`<p>${'<b>'}${html`<i>${'&'}</i>`}${null}${false}${[1, html`<br>`]}</p>`.toString()).toBe(
      '<p>&lt;b&gt;<i>&amp;</i>1<br></p>',
    );
    expect(safeHref('https://www.ice.gov/a b.pdf')).toBe('https://www.ice.gov/a%20b.pdf');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,x')).toBeNull();
    expect(safeHref('not a url')).toBeNull();
    expect(safeHref(null)).toBeNull();
  });
});
