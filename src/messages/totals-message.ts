import type { Line, Reply, ReplyField } from './reply';
import { MILLION_A_YEAR_PER_DAY } from '../domain/totals/daily-counts';
import { signedCount, totalsAlertTitle, type TotalsAlert } from '../domain/totals/totals-alerts';
import type { YearToDateChange } from '../domain/totals/totals';
import { facilityAlertToReply } from './facilities-message';
import { sourceFooter } from './format';

const n = (x: number) => x.toLocaleString('en-US');

function ytd(label: string, change: YearToDateChange): ReplyField {
  const value: Line = change.comparable
    ? [`${n(change.next)} (${signedCount(change.change)} since the last release)`]
    : [
        `${n(change.next)} in FY${change.nextFiscalYear} so far (a new fiscal year: FY${change.previousFiscalYear} ended at ${n(change.previous)})`,
      ];
  return { name: label, value, inline: true };
}

/** A totals alert as a neutral Reply: the numbers, the changes and where they come from. */
export function totalsAlertToReply(alert: TotalsAlert): Reply {
  if (alert.kind === 'facilities.changed') return facilityAlertToReply(alert);
  if (alert.kind === 'daily.reported') {
    const r = alert.report;
    const fields: ReplyField[] = [
      { name: 'Arrests', value: [n(r.arrests)], inline: true },
      ...(r.detainersLodged === null ? [] : [{ name: 'Detainers lodged', value: [n(r.detainersLodged)], inline: true }]),
      { name: 'Pace', value: [`${Math.round(r.paceShare * 100)}% of ${n(MILLION_A_YEAR_PER_DAY)} a day (1 million a year)`], inline: true },
      ...(r.sevenDayAverage === null
        ? []
        : [
            {
              name: '7-day average',
              value: [`${n(Math.round(r.sevenDayAverage))} (of ${r.daysInAverage} reported ${r.daysInAverage === 1 ? 'day' : 'days'})`],
              inline: true,
            },
          ]),
      ...(r.previousRecord
        ? [
            {
              name: r.isRecordHigh ? 'Previous record' : 'Record',
              value: [`${n(r.previousRecord.arrests)} on ${r.previousRecord.date}`],
              inline: true,
            },
          ]
        : []),
    ];
    return {
      tone: 'info',
      title: totalsAlertTitle(alert),
      blocks: [{ kind: 'fields', fields }],
      footer: sourceFooter(alert, { list: 'daily counts feed' }),
    };
  }
  const { release, comparison } = alert;
  const d = release.detained;
  const fields: ReplyField[] = [
    {
      name: 'Detained now',
      value: [`${n(d.total)}${comparison ? ` (${signedCount(comparison.detained.total.change)} in ${comparison.days} days)` : ''}`],
      inline: true,
    },
    { name: 'Arrested by', value: [`ICE ${n(d.ice)} · CBP ${n(d.cbp)}`], inline: true },
    {
      name: 'Criminality',
      value: [
        `convicted ${n(d.convictedCriminal)} · pending charges ${n(d.pendingCharges)} · other immigration violators ${n(d.otherImmigrationViolator)}`,
      ],
    },
  ];
  if (comparison) {
    fields.push(
      ytd(`Book-ins, FY${release.fiscalYear} to date`, comparison.bookIns.fytdTotal),
      ytd(`Removals, FY${release.fiscalYear} to date`, comparison.removals.fytdTotal),
    );
  } else {
    // The first release stored (/totals before a second one): the numbers, without a change.
    fields.push(
      { name: `Book-ins, FY${release.fiscalYear} to date`, value: [n(release.bookIns.fytdTotal)], inline: true },
      { name: `Removals, FY${release.fiscalYear} to date`, value: [n(release.removals.fytdTotal)], inline: true },
    );
  }
  return {
    tone: 'info',
    title: totalsAlertTitle(alert),
    blocks: [
      { kind: 'fields', fields },
      ...(comparison?.notes.length ? [{ kind: 'text' as const, lines: comparison.notes.map((note): Line => [note]) }] : []),
    ],
    footer: sourceFooter(alert, { list: 'detention statistics' }),
  };
}
