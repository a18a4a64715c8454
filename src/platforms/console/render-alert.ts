import { ALERT_SECTIONS } from '../../delivery/alert-reply';
import type { StateAlert } from '../../domain/alerts';
import type { AgreementFields, ListEvent } from '../../domain/events';
import { MODEL_NAMES, type Model } from '../../domain/types';
import { formatUtcMinute, stripBidiControls } from '../../domain/text';

/** Strips terminal control characters and bidirectional controls from untrusted text (ICE's cells) before printing. */
export function plainText(value: string): string {
  return stripBidiControls(value).replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

function modelLabel(model: string): string {
  return model in MODEL_NAMES ? `${MODEL_NAMES[model as Model]} (${model})` : `model "${model}"`;
}

function agreementLine(a: AgreementFields): string {
  const county = a.county ? ` (${a.county})` : '';
  const signed = a.signed ? `, signed ${a.signed}` : '';
  return `${plainText(a.agency)}${plainText(county)} · ${modelLabel(a.model)}${signed}`;
}

function eventLines(e: ListEvent): string[] {
  switch (e.type) {
    case 'agreement.signed':
    case 'agreement.ended':
    case 'pending.added':
    case 'pending.removed': {
      const lines = [`  • ${agreementLine(e)}`];
      if (e.moaUrl && e.type === 'agreement.signed') lines.push(`    MOA: ${plainText(e.moaUrl)}`);
      return lines;
    }
    case 'agreement.renewed':
      return [`  • ${agreementLine(e)} (previously signed ${e.previousSigned ?? 'on an unknown date'})`, ...(e.moaUrl ? [`    MOA: ${plainText(e.moaUrl)}`] : [])];
    case 'agreement.renamed': {
      if (e.previousState) return [`  • ${agreementLine(e)}: ICE now lists it under ${e.state}, no longer ${e.previousState}`];
      return [`  • ${plainText(e.previousAgency)} → ${agreementLine(e)}`];
    }
    case 'pending.signed':
      return [`  • ${agreementLine(e)} left the pending list: signed ${e.signedOn ?? '(date not given)'}`];
    case 'state.first':
    case 'state.cleared':
      return [];
  }
}


/** Renders an alert as the plain text a console channel shows. */
export function renderAlertAsText(alert: StateAlert): string {
  const out = [`── ${alert.title} ──`];
  for (const [type, heading] of ALERT_SECTIONS) {
    const events = alert.events.filter((e) => e.type === type);
    if (!events.length) continue;
    out.push(`${heading}:`);
    for (const e of events) out.push(...eventLines(e));
  }
  const t = alert.totals;
  const pending = t.pending === null ? '' : `; ${t.pending} pending`;
  const other = t.byModel.other ? ` · other ${t.byModel.other}` : '';
  out.push(`${alert.state} now: ${t.total} active ${t.total === 1 ? 'agreement' : 'agreements'} (JEM ${t.byModel.JEM} · TFM ${t.byModel.TFM} · WSO ${t.byModel.WSO}${other})${pending}`);
  out.push(`Source: ICE ${alert.source} list, ${plainText(alert.file.fileName)}, fetched ${formatUtcMinute(alert.file.fetchedAt)}`);
  return out.join('\n');
}
