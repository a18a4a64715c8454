import { plural } from '../../domain/text';
import { filterNote, type NationalSummary, type StateSummary } from '../../domain/agreements/state-summary';
import type { ListEvent } from '../../domain/agreements/events';
import type { ParsedList } from '../../domain/types';
import type { DetentionRelease } from '../../domain/totals/totals';
import { plainText } from './render-alert';

const models = (m: { JEM: number; TFM: number; WSO: number; other: number }) =>
  `JEM ${m.JEM} · TFM ${m.TFM} · WSO ${m.WSO}${m.other ? ` · other ${m.other}` : ''}`;

export function renderParsedAsText(path: string, parsed: ParsedList): string {
  const states = new Set(parsed.rows.map((r) => r.stateCode ?? r.state)).size;
  const lines = [
    `${path}: ${parsed.detectedKind} list, sheet "${plainText(parsed.sheetName)}", ${plural(parsed.rows.length, 'row')} in ${plural(states, 'state')}`,
    `columns: ${parsed.headers.join(', ')}`,
  ];
  for (const w of parsed.warnings) lines.push(`warning: ${plainText(w)}`);
  return lines.join('\n');
}

export function renderPublicationAsText(path: string, doc: { verdict: string; reason: string | null; events: ListEvent[] }): string {
  const lines = [`${path}: ${doc.verdict}${doc.reason ? ` (${doc.reason})` : ''}, ${plural(doc.events.length, 'event')}`];
  for (const e of doc.events) {
    const who = 'agency' in e ? ` ${plainText(e.agency)} [${e.model}${e.signed ? `, ${e.signed}` : ''}]` : '';
    const was = e.type === 'agreement.renamed' ? ` (was ${plainText(e.previousAgency)}${e.previousState ? ` in ${e.previousState}` : ''})` : '';
    lines.push(`  ${e.type.padEnd(18)} ${e.stateCode ?? e.state}${who}${was}`);
  }
  return lines.join('\n');
}

export function renderAgreementsAsText(s: StateSummary | NationalSummary, newest = 10): string {
  const pending = s.pending === null ? '' : `; ${s.pending} pending`;
  if ('states' in s) {
    const lines = [`All states${filterNote(s)}: ${s.total} active 287(g) agreements (${models(s.byModel)})${pending}`];
    for (const st of s.states) lines.push(`  ${st.state.padEnd(26)} ${String(st.total).padStart(5)}   ${models(st.byModel)}`);
    return lines.join('\n');
  }
  const summary = s as StateSummary;
  const lines = [`${s.state}${filterNote(s)}: ${s.total} active 287(g) ${s.total === 1 ? 'agreement' : 'agreements'} (${models(s.byModel)})${pending}`];
  if (summary.agreements.length) lines.push('Newest signings:');
  for (const a of summary.agreements.slice(0, newest)) {
    lines.push(`  ${a.signed ?? '----------'}  ${plainText(a.agency)}${a.county ? ` (${plainText(a.county)})` : ''} · ${a.model}${a.moaUrl ? `  ${plainText(a.moaUrl)}` : ''}`);
  }
  if (summary.agreements.length > newest) lines.push(`  … and ${summary.agreements.length - newest} more (--json lists them all)`);
  const months = Object.entries(summary.signedByMonth);
  if (months.length) lines.push(`Signed by month: ${months.map(([m, n]) => `${m} ${n}`).join(', ')}`);
  return lines.join('\n');
}

/** A detention release as `ice-watch totals --file` prints it. */
export function renderTotalsAsText(file: string, r: DetentionRelease): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const d = r.detained;
  const agencies = r.bookIns.ice !== undefined && r.bookIns.cbp !== undefined ? ` (ICE ${n(r.bookIns.ice)}, CBP ${n(r.bookIns.cbp)})` : '';
  return [
    `ICE detention statistics, FY${r.fiscalYear}, as of ${r.asOf} (${file})`,
    `Currently detained: ${n(d.total)} (ICE ${n(d.ice)}, CBP ${n(d.cbp)})`,
    `  convicted criminal ${n(d.convictedCriminal)}, pending criminal charges ${n(d.pendingCharges)}, other immigration violator ${n(d.otherImmigrationViolator)}`,
    `Initial book-ins, FY${r.fiscalYear} to date: ${n(r.bookIns.fytdTotal)}${agencies}`,
    `  ${Object.entries(r.bookIns.byMonth).map(([month, v]) => `${month} ${n(v)}`).join(', ')}`,
    `Removals, FY${r.fiscalYear} to date: ${n(r.removals.fytdTotal)}`,
    ...r.warnings.map((w) => `Warning: ${w}`),
  ].join('\n');
}
