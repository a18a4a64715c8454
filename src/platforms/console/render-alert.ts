import { lineText, type Line } from '../../messages/reply';
import { ALERT_SECTIONS, eventLine } from '../../messages/alert-message';
import type { StateAlert } from '../../domain/alerts/alerts';
import { formatUtcMinute, stripBidiControls } from '../../domain/text';

/** Strips terminal control characters and bidirectional controls from untrusted text (ICE's cells) before printing. */
export function plainText(value: string): string {
  return stripBidiControls(value).replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

/**
 * One alert line for a terminal: the sentence as every platform words it (eventLine), with
 * its document links moved to lines of their own and shown whole ("    MOA: https://..."),
 * since a terminal cannot hide a URL behind a word. eventLine puts links last, so what is
 * before the first link is the whole sentence.
 */
function consoleLines(line: Line): string[] {
  const firstLink = line.findIndex((s) => typeof s !== 'string' && 'link' in s);
  const words = firstLink < 0 ? line : line.slice(0, firstLink);
  const text = lineText(words).replace(/ · $/, '');
  const links = line.flatMap((s) => (typeof s !== 'string' && 'link' in s ? [`    ${s.text}: ${plainText(s.link)}`] : []));
  return [`  • ${plainText(text)}`, ...links];
}

/** Renders an alert as the plain text a console channel shows. */
export function renderAlertAsText(alert: StateAlert): string {
  const out = [`── ${plainText(alert.title)} ──`];
  for (const [type, heading] of ALERT_SECTIONS) {
    const lines = alert.events.filter((e) => e.type === type).map(eventLine);
    if (!lines.some(Boolean)) continue;
    out.push(`${heading}:`);
    for (const line of lines) if (line) out.push(...consoleLines(line));
  }
  const t = alert.totals;
  const pending = t.pending === null ? '' : `; ${t.pending} pending`;
  const other = t.byModel.other ? ` · other ${t.byModel.other}` : '';
  out.push(`${alert.state} now: ${t.total} active ${t.total === 1 ? 'agreement' : 'agreements'} (JEM ${t.byModel.JEM} · TFM ${t.byModel.TFM} · WSO ${t.byModel.WSO}${other})${pending}`);
  out.push(`Source: ICE ${alert.source} list, ${plainText(alert.file.fileName)}, fetched ${formatUtcMinute(alert.file.fetchedAt)}`);
  return out.join('\n');
}
