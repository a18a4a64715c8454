import { discover287gLinks, discoverDetentionLink, htmlToText } from '../../src/sources/discover-links';

const PAGE = 'https://www.ice.gov/identify-and-arrest/287g';
const DETENTION_PAGE = 'https://www.ice.gov/detain/detention-management';

/** An ICE-like page: navigation with distractor links around the given content. */
function icePage(content: string): string {
  return `<!DOCTYPE html><html><head><title>287(g) | ICE</title>
<script>var s = '<a href="/doclib/287gMOA/participatingAgencies-fake.xlsx">x</a>';</script></head>
<body><nav><ul><li><a href="/identify-and-arrest/287g#participating">Participating agencies</a></li>
<li><a href="/news/releases/ice-expands-287g">ICE adds participating agencies</a></li></ul></nav>
<!-- <a href="/doclib/287gMOA/pendingAgencies-commented-out.xlsx">old</a> -->
<main><h1>Delegation of Immigration Authority Section 287(g)</h1>
<p>The 287(g) program enables state and local law enforcement entities to partner with ICE.</p>
${content}
</main></body></html>`;
}

describe('discover287gLinks', () => {
  it('finds doclib links by the file name in the URL and resolves relative hrefs', () => {
    const html = icePage(`
      <p><a href="/doclib/287gMOA/participatingAgencies12122025pm.xlsx">Download the list (XLSX)</a></p>
      <p><a href='../doclib/287gMOA/pendingAgencies02272026am.xlsx'>Download the list (XLSX)</a></p>`);
    expect(discover287gLinks(html, PAGE)).toEqual({
      participating: 'https://www.ice.gov/doclib/287gMOA/participatingAgencies12122025pm.xlsx',
      pending: 'https://www.ice.gov/doclib/287gMOA/pendingAgencies02272026am.xlsx',
    });
  });

  it('finds doclib links in other folders and absolute hrefs on another host', () => {
    const html = icePage(`
      <a class="usa-link" href="https://www.ice.gov/doclib/about/offices/ero/287g/participatingAgencies05162025am.xlsx">list</a>
      <a href="HTTPS://WWW.ICE.GOV/doclib/287g/pendingAgencies05152025am.xlsx">list</a>`);
    expect(discover287gLinks(html, PAGE)).toEqual({
      participating: 'https://www.ice.gov/doclib/about/offices/ero/287g/participatingAgencies05162025am.xlsx',
      pending: 'https://www.ice.gov/doclib/287g/pendingAgencies05152025am.xlsx',
    });
  });

  it('classifies file-download links (no file name) by their text, with nested tags, entities and attributes in any order', () => {
    const html = icePage(`
      <div class="file-download"><a data-entity-type="file" class="usa-link"
          href="/file-download/download/public/84016"><span class="file-title">Participating&nbsp;Agencies</span>
          <span class="meta">(XLSX, 150.2 KB)</span></a></div>
      <div class="file-download"><a href="/file-download/download/public/84017" title="Pending Agencies">
          <span>Pending   Agencies</span> <em>(XLSX, 12.1 KB)</em></a></div>`);
    expect(discover287gLinks(html, PAGE)).toEqual({
      participating: 'https://www.ice.gov/file-download/download/public/84016',
      pending: 'https://www.ice.gov/file-download/download/public/84017',
    });
  });

  it.each([
    ['287(g) Participating Agencies List', 'Pending 287(g) Agencies List'],
    ['PARTICIPATING AGENCIES (XLSX, 150.2 KB)', 'Download the list of pending agencies'],
    ['Download the participating agencies list', 'Agencies with pending requests (Excel)'],
  ])('reads the link text "%s" / "%s"', (participatingText, pendingText) => {
    const html = icePage(`
      <ul><li><a href="/file-download/download/public/1001">${participatingText}</a></li>
      <li><a href="/file-download/download/public/1002">${pendingText}</a></li></ul>`);
    expect(discover287gLinks(html, PAGE)).toEqual({
      participating: 'https://www.ice.gov/file-download/download/public/1001',
      pending: 'https://www.ice.gov/file-download/download/public/1002',
    });
  });

  it('falls back to the text beside the link, then to the heading above it', () => {
    const html = icePage(`
      <p>Participating agencies: <a href="/file-download/download/public/2001">XLSX, 150.2 KB</a></p>
      <h2>Pending Agencies</h2>
      <p>Updated weekly.</p>
      <p><a href="/file-download/download/public/2002">Download (XLSX)</a></p>`);
    expect(discover287gLinks(html, PAGE)).toEqual({
      participating: 'https://www.ice.gov/file-download/download/public/2001',
      pending: 'https://www.ice.gov/file-download/download/public/2002',
    });
  });

  it('prefers the link whose URL names the list over one only a heading points to', () => {
    const html = icePage(`
      <h2>Participating Agencies</h2><p><a href="/file-download/download/public/3001">Download (XLSX)</a></p>
      <p><a href="/doclib/287gMOA/participatingAgencies10172025mid.xlsx">Download (XLSX)</a></p>`);
    expect(discover287gLinks(html, PAGE).participating).toBe('https://www.ice.gov/doclib/287gMOA/participatingAgencies10172025mid.xlsx');
  });

  it('prefers the workbook over another file about the same list', () => {
    const html = icePage(`
      <p><a href="/doclib/287gMOA/participatingAgenciesGuide.pdf">Participating agencies guide (PDF)</a></p>
      <p><a href="/file-download/download/public/4001">Participating Agencies (XLSX, 150.2 KB)</a></p>`);
    expect(discover287gLinks(html, PAGE).participating).toBe('https://www.ice.gov/file-download/download/public/4001');
  });

  it('decodes entities in hrefs', () => {
    const html = icePage(`<a href="/doclib/287gMOA/participatingAgencies.xlsx?v=2&amp;lang=en">Participating</a>`);
    expect(discover287gLinks(html, PAGE).participating).toBe('https://www.ice.gov/doclib/287gMOA/participatingAgencies.xlsx?v=2&lang=en');
  });

  it('gives pending null when the page links no pending list (a state, not an error)', () => {
    const html = icePage(`
      <h2>Participating Agencies</h2><p><a href="/file-download/download/public/84016">Participating Agencies (XLSX, 150.2 KB)</a></p>
      <h2>Pending Agencies</h2><p>There are currently no pending agencies.</p>`);
    expect(discover287gLinks(html, PAGE)).toEqual({
      participating: 'https://www.ice.gov/file-download/download/public/84016',
      pending: null,
    });
  });

  it('gives participating null when "participating" is only plain text, a page anchor, a news link or inside a comment or script', () => {
    const html = icePage(`<p>ICE has agreements with 1,245 participating agencies in 40 states.</p>`);
    expect(discover287gLinks(html, PAGE)).toEqual({ participating: null, pending: null });
  });

  it('skips a link whose text names both lists and uses the next clue', () => {
    const html = icePage(`<h2>Pending Agencies</h2>
      <p><a href="/file-download/download/public/5001">Agencies whose agreement is pending, not yet participating (XLSX)</a></p>`);
    expect(discover287gLinks(html, PAGE)).toEqual({
      participating: null,
      pending: 'https://www.ice.gov/file-download/download/public/5001',
    });
  });

  it('takes the first matching link when several are equally explicit (a folder listing is newest first)', () => {
    const html = `<ul><li><a href="file:///mirror/participatingAgencies12122025pm.xlsx">participatingAgencies12122025pm.xlsx</a></li>
      <li><a href="file:///mirror/pendingAgencies02272026am.xlsx">pendingAgencies02272026am.xlsx</a></li>
      <li><a href="file:///mirror/participatingAgencies10172025mid.xlsx">participatingAgencies10172025mid.xlsx</a></li></ul>`;
    expect(discover287gLinks(html, 'file:///mirror/')).toEqual({
      participating: 'file:///mirror/participatingAgencies12122025pm.xlsx',
      pending: 'file:///mirror/pendingAgencies02272026am.xlsx',
    });
  });
});

describe('discoverDetentionLink', () => {
  const page = (names: string[]): string =>
    icePage(`<ul>${names.map((n) => `<li><a href="/doclib/detention/${n}">${n}</a></li>`).join('')}</ul>`);

  it('picks the newest release by the MMDDYYYY date, with or without an underscore', () => {
    const html = page(['FY26_detentionStats02022026.xlsx', 'FY26_detentionStats_02122026.xlsx', 'FY26_detentionStats01082026.xlsx']);
    expect(discoverDetentionLink(html, DETENTION_PAGE)).toBe('https://www.ice.gov/doclib/detention/FY26_detentionStats_02122026.xlsx');
  });

  it('ranks a newer fiscal year above an older one, dated or not', () => {
    const html = page([
      'FY24_detentionStats.xlsx',
      'FY25_detentionStats09252025.xlsx',
      'FY20-detentionstats.xlsx',
      'FY26_detentionStats02022026.xlsx',
    ]);
    expect(discoverDetentionLink(html, DETENTION_PAGE)).toBe('https://www.ice.gov/doclib/detention/FY26_detentionStats02022026.xlsx');
  });

  it('falls back to the FY number for undated names', () => {
    const html = page(['FY20-detentionstats.xlsx', 'FY24_detentionStats.xlsx', 'FY23_detentionStats.xlsx']);
    expect(discoverDetentionLink(html, DETENTION_PAGE)).toBe('https://www.ice.gov/doclib/detention/FY24_detentionStats.xlsx');
  });

  it('takes the first when names carry neither date nor FY', () => {
    const html = page(['detentionStats.xlsx', 'detentionStats-copy.xlsx']);
    expect(discoverDetentionLink(html, DETENTION_PAGE)).toBe('https://www.ice.gov/doclib/detention/detentionStats.xlsx');
  });

  it('ignores other links and gives null when there is no detentionStats workbook', () => {
    expect(discoverDetentionLink(page(['FY26_ATD_stats.xlsx', 'detentionStandards.pdf']), DETENTION_PAGE)).toBeNull();
  });
});

describe('htmlToText', () => {
  it('strips tags, decodes entities and folds whitespace', () => {
    expect(htmlToText('<span>Pending&nbsp;&amp;\n <b>Participating</b>&#32;&#x41;</span>')).toBe('Pending & Participating A');
  });
});
