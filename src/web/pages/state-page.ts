/**
 * The public page of one state (`/states/texas`), as a pure function from values to HTML: the state's
 * active 287(g) agreements with the filters and MOA links, the counts by model and pending, the chart
 * the chat replies draw, the detention figures, the latest events and the feeds. The words are the chat
 * replies' own (src/messages); the numbers are what `/agreements` computes (summarizeAgreements).
 */
import { filterNote, type StateSummary } from '../../domain/agreements/state-summary';
import { countyKey } from '../../domain/agreements/summary';
import type { StateInfo } from '../../domain/states';
import { plural } from '../../domain/text';
import { MODEL_NAMES, MODELS, type Agreement, type Model } from '../../domain/types';
import { activeCounts } from '../../messages/format';
import type { Line, ReplyField } from '../../messages/reply';
import { html, type Html, safeHref } from './html';
import { renderLine, renderPage } from './layout';

/** One published event, as the event log gives it (the page's `latestEvents` slot). */
export interface PageEvent {
  id: string;
  title: string;
  publishedAt: string;
  lines: string[];
}

/** The state's detention figures, in the words of the /facilities reply. */
export interface PageDetention {
  title: string;
  fields: ReplyField[];
  facilities: Line[];
  note: string;
  source: string;
}

export interface StatePageModel {
  state: StateInfo;
  slug: string;
  /** Where the site's links start: '' at the server's root, PUBLIC_URL's path (`/ice-watch`) under a sub-path. */
  base: string;
  /** The state's agreements as `/agreements <state>` with these filters summarizes them. */
  summary: StateSummary;
  /** The counties of the state's active agreements, for the filter (sorted). */
  counties: string[];
  /** The county filter names no county the state's agreements list. */
  countyUnknown: boolean;
  /** The picture and its description; null when there is nothing to draw. */
  chart: { src: string; alt: string } | null;
  /** Where the list comes from ("Source: ICE participating list, …, fetched …"). */
  source: string;
  detention: PageDetention | null;
  /** Newest first; null: no event log is connected; 'unavailable': it could not be read now. */
  events: PageEvent[] | null | 'unavailable';
  feeds: { atom: string; json: string };
}

export function renderStatePage(m: StatePageModel): string {
  const s = m.summary;
  const name = m.state.name;
  return renderPage({
    base: m.base,
    title: `287(g) agreements in ${name}${filterNote(s)} · ice-watch`,
    head: html`<link rel="alternate" type="application/atom+xml" title="ice-watch: ${name} (Atom)" href="${m.feeds.atom}">
<link rel="alternate" type="application/feed+json" title="ice-watch: ${name} (JSON Feed)" href="${m.feeds.json}">`,
    body: html`<h1>287(g) agreements in ${name}</h1>
<p class="lead">${leadText(s)}</p>
<nav aria-label="On this page"><p>On this page: <a href="#agreements">the agreements</a> · ${m.chart ? html`<a href="#trend">over time</a> · ` : ''}<a href="#events">latest events</a> · <a href="#detention">detention</a> · <a href="#feeds">feeds</a></p></nav>
${renderCounts(s)}
<p class="muted">${m.source}</p>
${renderChart(m)}
${renderEvents(m.events, name)}
${renderFilters(m)}
${renderAgreements(m)}
${renderDetention(m.detention, name)}
<h2 id="feeds">Follow ${name}</h2>
<ul>
<li><a href="${m.feeds.atom}">Atom feed of ${name} events</a></li>
<li><a href="${m.feeds.json}">JSON Feed of ${name} events</a></li>
<li><a href="${m.base}/states">All states</a></li>
</ul>`,
  });
}

/** "Filtered to TFM, Harris: 12 active (JEM 0 · TFM 12 · WSO 0); 13 pending requests in the state." */
function leadText(s: StateSummary): string {
  const note = filterNote(s).slice(2, -1);
  const pending = s.pending === null ? '' : `; ${plural(s.pending, 'pending request')} in the state`;
  return `${note ? `Filtered to ${note}: ` : ''}${activeCounts(s.total, s.byModel)}${pending}.`;
}

function renderCounts(s: StateSummary): Html {
  const item = (label: string, value: number) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`;
  return html`<h2 id="counts">Counts</h2>
<dl class="counts">
${item('Active agreements', s.total)}
${MODELS.map((m) => item(`${MODEL_NAMES[m]} (${m})`, s.byModel[m]))}
${s.byModel.other ? item('Other model', s.byModel.other) : ''}
${s.pending === null ? '' : item('Pending requests', s.pending)}
</dl>`;
}

function renderFilters(m: StatePageModel): Html {
  const f = m.summary.filter;
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
  // "bexar" in the query selects "Bexar County": counties compare as the filter compares them.
  const county = f.county ? countyKey(f.county) : null;
  return html`<h2 id="filter">Filter the agreements</h2>
<form class="filters" method="get" action="${m.base}/states/${m.slug}" aria-label="Filter the agreements">
<label for="f-model">Model
<select id="f-model" name="model">
${option('', 'All models', !f.model)}
${MODELS.map((code: Model) => option(code, `${code}: ${MODEL_NAMES[code]}`, f.model === code))}
</select></label>
<label for="f-county">County
<select id="f-county" name="county">
${option('', 'All counties', !f.county)}
${m.counties.map((c) => option(c, c, county === countyKey(c)))}
${f.county && m.countyUnknown ? option(f.county, f.county, true) : ''}
</select></label>
<label for="f-since">Signed on or after
<input id="f-since" name="since" type="date" value="${f.since ?? ''}"></label>
<button type="submit">Show agreements</button>
${f.model || f.county || f.since ? html`<a href="${m.base}/states/${m.slug}">Clear the filters</a>` : ''}
</form>
${m.countyUnknown ? html`<p class="notice" role="status">No agreement in ${m.state.name} lists a county "${f.county}".</p>` : ''}`;
}

function renderAgreements(m: StatePageModel): Html {
  const s = m.summary;
  const heading = html`<h2 id="agreements">Active agreements</h2>`;
  if (!s.agreements.length) return html`${heading}<p>ICE's list has no active 287(g) agreement in ${m.state.name}${filterNote(s)}.</p>`;
  return html`${heading}
<div class="table-wrap" tabindex="0" role="region" aria-labelledby="agreements-caption">
<table>
<caption id="agreements-caption">${plural(s.total, 'active 287(g) agreement')} in ${m.state.name}${filterNote(s)}, newest signing first</caption>
<thead><tr><th scope="col">Agency</th><th scope="col">County</th><th scope="col">Type</th><th scope="col">Model</th><th scope="col">Signed</th><th scope="col">Documents</th></tr></thead>
<tbody>
${s.agreements.map(agreementRow)}
</tbody>
</table>
</div>`;
}

function agreementRow(a: Agreement): Html {
  const moa = safeHref(a.moaUrl);
  const addendum = safeHref(a.addendumUrl);
  const modelName = MODEL_NAMES[a.model as Model];
  return html`<tr><td>${a.agency}</td><td>${a.county ?? '—'}</td><td>${a.type ?? '—'}</td><td>${modelName ? html`<abbr title="${modelName}">${a.model}</abbr>` : a.model}</td><td class="nowrap">${a.signed ? html`<time datetime="${a.signed}">${a.signed}</time>` : 'not given'}</td><td class="nowrap">${moa ? html`<a href="${moa}">MOA<span class="vh"> of ${a.agency}</span></a>` : 'no MOA linked'}${addendum ? html` · <a href="${addendum}">Addendum<span class="vh"> of ${a.agency}</span></a>` : ''}</td></tr>
`;
}

function renderChart(m: StatePageModel): Html {
  if (!m.chart) return html``;
  return html`<h2 id="trend">Agreements over time</h2>
<figure>
<img class="chart" src="${m.chart.src}" alt="${m.chart.alt}">
<figcaption class="muted">The chart the chat replies show for <code>/agreements ${m.slug}</code>.</figcaption>
</figure>`;
}

function renderDetention(d: PageDetention | null, name: string): Html {
  const heading = html`<h2 id="detention">Detention in ${name}</h2>`;
  if (!d) return html`${heading}<p>No ICE detention facility list is stored yet.</p>`;
  return html`${heading}
<p><strong>${d.title}</strong></p>
<dl>
${d.fields.map((f) => html`<dt>${f.name}</dt><dd>${renderLine(f.value)}</dd>`)}
</dl>
${d.facilities.length ? html`<h3>Facilities by ADP</h3><ul>${d.facilities.map((l) => html`<li>${renderLine(l)}</li>`)}</ul>` : ''}
<p class="muted">${d.note}</p>
<p class="muted">${d.source}</p>`;
}

function renderEvents(events: StatePageModel['events'], name: string): Html {
  const heading = html`<h2 id="events">Latest events</h2>`;
  if (events === 'unavailable') return html`${heading}<p>The events cannot be read right now.</p>`;
  if (!events?.length) return html`${heading}<p>No events recorded yet for ${name}.</p>`;
  return html`${heading}
<ul class="events">
${events.map(
  (e) => html`<li><h3>${e.title}</h3>
<p class="muted"><time datetime="${e.publishedAt}">${e.publishedAt.replace('T', ' ').slice(0, 16)} UTC</time></p>
${e.lines.map((l) => html`<p>${l}</p>`)}</li>
`,
)}
</ul>`;
}
