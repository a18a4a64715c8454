/**
 * `/states`: every state, DC and territory with its active 287(g) agreements by model, as `/agreements all`
 * counts them (summarizeAgreements), each linked to its page; pending requests in total only (the national
 * summary counts them by state only for states with an active agreement: a column would say 0 where it is not). Pure.
 */
import type { NationalSummary } from '../../domain/agreements/state-summary';
import { STATES } from '../../domain/states';
import { plural } from '../../domain/text';
import { MODEL_NAMES, MODELS } from '../../domain/types';
import { activeCounts } from '../../messages/format';
import { html } from './html';
import { renderPage } from './layout';
import { stateSlug } from '../state-slug';

/** `base`: where the site's links start ('' at the server's root, PUBLIC_URL's path under a sub-path). */
export function renderStateIndex(national: NationalSummary, source: string, base: string): string {
  const byCode = new Map(national.states.map((s) => [s.stateCode, s]));
  const rows = STATES.map((info) => ({ info, counts: byCode.get(info.code) })).sort(
    (a, b) => (b.counts?.total ?? 0) - (a.counts?.total ?? 0) || a.info.name.localeCompare(b.info.name),
  );
  const withAgreements = national.states.filter((s) => s.stateCode && s.total > 0).length;
  return renderPage({
    base,
    title: '287(g) agreements by state · ice-watch',
    head: html`<link rel="alternate" type="application/atom+xml" title="ice-watch: all states (Atom)" href="${base}/feeds/all.atom">`,
    body: html`<h1>287(g) agreements by state</h1>
<p class="lead">${activeCounts(national.total, national.byModel)} in ${plural(withAgreements, 'state or territory', 'states and territories')}${national.pending === null ? '' : `; ${plural(national.pending, 'pending request')}`}.</p>
<p class="muted">${source}</p>
<p><a href="${base}/feeds/all.atom">Atom feed of every state's events</a> · <a href="${base}/feeds/all.json">JSON Feed of every state's events</a></p>
<h2 id="states">States and territories</h2>
<div class="table-wrap" tabindex="0" role="region" aria-labelledby="states-caption">
<table>
<caption id="states-caption">Active 287(g) agreements by state, most first</caption>
<thead><tr><th scope="col">State</th><th scope="col" class="num">Active</th>${MODELS.map((m) => html`<th scope="col" class="num"><abbr title="${MODEL_NAMES[m]}">${m}</abbr></th>`)}</tr></thead>
<tbody>
${rows.map(
  ({ info, counts }) =>
    html`<tr><th scope="row"><a href="${base}/states/${stateSlug(info)}">${info.name}</a></th><td class="num">${counts?.total ?? 0}</td>${MODELS.map((m) => html`<td class="num">${counts?.byModel[m] ?? 0}</td>`)}</tr>
`,
)}
</tbody>
</table>
</div>`,
  });
}
