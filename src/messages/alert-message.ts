import type { Line, Reply, ReplyBlock } from './reply';
import type { StateAlert } from '../domain/alerts/alerts';
import type { PlannedDelivery } from '../domain/alerts/delivery-plan';
import type { Digest } from '../domain/alerts/digest';
import { buildDigestChart } from '../domain/charts/chart-series';
import { totalsAlertToReply } from './totals-message';
import { EVIDENCE_TEXT, type AgreementFields, type ListEvent } from '../domain/agreements/events';
import { formatUtcMinute } from '../domain/text';
import { activeCounts, agreementLine, sourceFooter, type AgreementLineOptions } from './format';

/**
 * The sections of an alert, in the order readers get them, with their headings: first what
 * came onto and went off ICE's list, then what changed about agreements that stay on it.
 * The headings claim only what is known: a row gone from the list is "no longer on ICE's
 * list" (it may come back), a row back with its old SIGNED date is "not new", a SIGNED date
 * ICE corrected on the same document is "not a renewal".
 */
export const ALERT_SECTIONS: Array<[ListEvent['type'], string]> = [
  ['agreement.signed', 'New agreements'],
  ['agreement.ended', "No longer on ICE's list"],
  ['agreement.relisted', "Back on ICE's list (not new)"],
  ['agreement.renewed', 'Renewed (a new agreement document)'],
  ['agreement.renamed', 'Renamed or moved by ICE (same agreement: not new, not ended)'],
  ['agreement.corrected', 'SIGNED date corrected by ICE (not a renewal)'],
  ['pending.signed', 'Pending requests now signed'],
  ['pending.added', 'New pending requests'],
  ['pending.removed', 'Left the pending list'],
];

/** One agreement as an alert words it (format.ts holds the wording), with what happened to it. */
function eventAgreementLine(
  a: AgreementFields,
  extra: Line = [],
  options: Pick<AgreementLineOptions, 'signed' | 'previousMoaUrl'> = {},
): Line {
  return agreementLine(a, { ...options, style: 'alert', extra });
}

/** Why ICE's row is the same agreement, and whether its document is still to come: "same MOA document". */
function evidenceText(e: Extract<ListEvent, { evidence: unknown }>): string {
  // A corrected date under the very same name needs no word on the name: say what stayed.
  const same = e.type === 'agreement.corrected' && e.evidence === 'same-name' ? 'same agency and model' : EVIDENCE_TEXT[e.evidence];
  const words = [same];
  if (!e.moaUrl && e.evidence !== 'same-document') words.push('MOA link still pending');
  return words.join('; ');
}

/** One event as one line of its section (null for the state-wide events the title already says). */
export function eventLine(e: ListEvent): Line | null {
  switch (e.type) {
    case 'agreement.ended':
      return eventAgreementLine(e, e.lastListedAt ? [`, last listed ${formatUtcMinute(e.lastListedAt)}`] : []);
    case 'agreement.relisted':
      return eventAgreementLine(e, [`: back on ICE's list, missing since ${formatUtcMinute(e.missingSince)}`]);
    case 'agreement.renewed':
      return eventAgreementLine(e, [` (previously signed ${e.previousSigned ?? 'on an unknown date'})`], {
        previousMoaUrl: e.previousMoaUrl,
      });
    case 'agreement.corrected':
      return eventAgreementLine(e, [`: SIGNED date ${e.previousSigned ?? '(none)'} → ${e.signed ?? '(none)'} (${evidenceText(e)})`], {
        signed: false,
      });
    case 'agreement.renamed':
      return e.previousState
        ? eventAgreementLine(e, [`: ICE now lists it under ${e.state}, no longer ${e.previousState} (${evidenceText(e)})`])
        : [e.previousAgency, ' → ', ...eventAgreementLine(e, [`, ${evidenceText(e)}`])];
    case 'pending.signed':
      return eventAgreementLine(e, [`: signed ${e.signedOn ?? '(date not given)'}`]);
    case 'state.first':
    case 'state.cleared':
      return null;
    default:
      return eventAgreementLine(e);
  }
}

/**
 * An alert as a neutral Reply, for every platform's renderer (SPEC section 6): the title,
 * one line per agreement by section, the state's new totals, source and file date. A
 * renderer that must cut a section says how many more and that `/agreements <state>` lists them.
 */
export function alertToReply(alert: StateAlert): Reply {
  const moreHint = alert.stateCode ? `(/agreements ${alert.stateCode.toLowerCase()} lists them all)` : '(/agreements lists them all)';
  const blocks: ReplyBlock[] = [];
  for (const [type, heading] of ALERT_SECTIONS) {
    const items = alert.events
      .filter((e) => e.type === type)
      .map(eventLine)
      .filter((l): l is Line => l !== null);
    if (items.length) blocks.push({ kind: 'list', heading, items, moreHint });
  }
  const t = alert.totals;
  // Fields, so that a renderer cutting a long list never cuts the state's totals with it.
  blocks.push({
    kind: 'fields',
    fields: [
      { name: `${alert.state} now`, value: [activeCounts(t.total, t.byModel)], inline: true },
      ...(t.pending === null ? [] : [{ name: 'Pending requests', value: [String(t.pending)], inline: true }]),
    ],
  });
  return {
    tone: alert.events.some((e) => e.type === 'agreement.ended' || e.type === 'state.cleared') ? 'error' : 'info',
    title: alert.title,
    blocks,
    footer: sourceFooter(alert.file, { list: `${alert.source} list` }),
  };
}

/** Each line of a digest says its kind (every kind an alert line has, so a new event type cannot go untagged). */
const TAGS: Record<Exclude<ListEvent['type'], 'state.first' | 'state.cleared'>, string> = {
  'agreement.signed': 'new',
  'agreement.ended': "no longer on ICE's list",
  'agreement.relisted': "back on ICE's list",
  'agreement.renewed': 'renewed',
  'agreement.renamed': 'renamed',
  'agreement.corrected': 'date corrected',
  'pending.signed': 'pending, now signed',
  'pending.added': 'new pending',
  'pending.removed': 'left pending',
};

/** A daily or weekly digest as one Reply: a list per state, then each state's totals; a weekly one with a chart of its states. */
export function digestToReply(digest: Digest): Reply {
  const order = ALERT_SECTIONS.map(([type]) => type);
  const blocks: ReplyBlock[] = digest.alerts.map((a) => ({
    kind: 'list' as const,
    heading: a.title,
    moreHint: a.stateCode ? `(/agreements ${a.stateCode.toLowerCase()} lists them all)` : undefined,
    items: [...a.events]
      .sort((x, y) => order.indexOf(x.type) - order.indexOf(y.type))
      .map((e) => {
        const line = eventLine(e);
        return line && e.type !== 'state.first' && e.type !== 'state.cleared' ? ([`${TAGS[e.type]}: `, ...line] as Line) : null;
      })
      .filter((l): l is Line => l !== null),
  }));
  blocks.push({
    kind: 'fields',
    fields: digest.alerts.map((a) => ({
      name: `${a.state} now`,
      value: [`${activeCounts(a.totals.total, a.totals.byModel)}${a.totals.pending === null ? '' : `, ${a.totals.pending} pending`}`],
      inline: true,
    })),
  });
  const last =
    digest.alerts
      .map((a) => a.file.fetchedAt)
      .sort()
      .at(-1) ?? '';
  const reply: Reply = {
    tone: 'info',
    title: digest.title,
    blocks,
    footer: sourceFooter({ fetchedAt: last }, { list: '287(g) lists', last: true }),
  };
  // The weekly digest carries a picture of its states (issue 8); a daily one stays text.
  if (digest.mode === 'weekly' && digest.alerts.length) reply.chart = buildDigestChart(digest, "ICE's 287(g) participating list");
  return reply;
}

/** The Reply a planned delivery posts: its digest, or its state's alert. */
export function deliveryToReply(delivery: PlannedDelivery): Reply {
  if (delivery.digest) return digestToReply(delivery.digest);
  if (delivery.totals) return totalsAlertToReply(delivery.totals);
  if (!delivery.alert) throw new Error(`delivery ${delivery.id} carries nothing to post`);
  return alertToReply(delivery.alert);
}
