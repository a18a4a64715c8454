import { totalsAlertToReply } from '../src/messages/totals-message';
import { parseStateArgument } from '../src/domain/arguments';
import { viewStateDetention } from '../src/domain/facilities/state-view';
import type { DetentionRelease } from '../src/domain/totals/totals';
import { stateDetentionLine } from '../src/messages/state-detention-message';
import { buildTotalsChart } from '../src/domain/charts/chart-series';
import { describeDailyReport, MILLION_A_YEAR_PER_DAY } from '../src/domain/totals/daily-counts';
import { compareReleases } from '../src/domain/totals/totals';
import { UserError } from '../src/domain/user-error';
import { NothingStoredError, type Command } from './command';
import { sourceFooter } from '../src/messages/format';
import type { Line, Reply } from '../src/messages/reply';

const n = (x: number) => x.toLocaleString('en-US');

/** `/totals`: the latest detention statistics with the changes since the previous release, and the daily counts where known. */
export default {
  name: 'totals',
  description: 'Latest ICE detention statistics, with the changes since the previous release',
  permission: 'anyone',
  usage: '[texas]',
  options: [
    {
      name: 'state',
      description: "A state: its detention figures from ICE's facility list beside the national ones",
      type: 'state',
      required: false,
    },
  ],
  async run(ctx, args: Record<string, string | undefined> = {}) {
    const state = args.state ? parseStateArgument(args.state) : null;
    const store = ctx.services.totals;
    if (!store) throw new UserError('Enforcement totals are not available here.');
    const [releases, daily] = await Promise.all([store.releases(), store.daily()]);
    const latest = releases.at(-1);
    if (!latest)
      throw new NothingStoredError(
        "No detention statistics are stored yet. Try again after the first poll of ICE's detention-management page.",
      );
    const previous = releases.at(-2);
    const reply: Reply = totalsAlertToReply({
      id: 'totals',
      kind: 'detention.released',
      release: latest.release,
      comparison: previous ? compareReleases(previous.release, latest.release) : null,
      fileName: latest.fileName,
      fetchedAt: latest.fetchedAt,
    });
    const reported = daily.filter((d) => d.arrests !== null);
    const last = reported.at(-1);
    if (last) {
      const report = describeDailyReport(daily, last.date)!;
      const record = reported.reduce((best, d) => (d.arrests! > best.arrests! ? d : best));
      const lines: Line[] = [
        [
          { bold: 'Daily arrests' },
          ` (only ICE's posts of ${reported[0].date} to ${last.date} are known): latest ${n(report.arrests)} on ${report.date}, ${Math.round(report.paceShare * 100)}% of the ${n(MILLION_A_YEAR_PER_DAY)} a day that 1 million a year takes; record ${n(record.arrests!)} on ${record.date}.`,
        ],
      ];
      reply.blocks.push({ kind: 'text', lines });
    }
    const chart = buildTotalsChart(
      {
        title: 'People in ICE detention, by release',
        asOf: latest.release.asOf,
        source: `ICE detention statistics, ${latest.fileName}${last ? "; daily arrests: ICE's daily counts feed" : ''}`,
      },
      releases.map((r) => ({ asOf: r.release.asOf, detained: r.release.detained.total })),
      daily,
      MILLION_A_YEAR_PER_DAY,
    );
    const view = state
      ? viewStateDetention(
          releases.map((r) => r.release),
          state.code,
        )
      : null;
    if (state) {
      reply.blocks.push({
        kind: 'text',
        lines: [
          view
            ? [{ bold: `${state.name}: ` }, ...stateDetentionLine(view)]
            : [`${state.name}: no ICE facility list is stored yet, so no per-state figures.`],
        ],
      });
    }
    return {
      ...reply,
      title: `ICE detention statistics as of ${latest.release.asOf}: ${n(latest.release.detained.total)} detained`,
      footer: sourceFooter(latest, { list: 'detention statistics', readFromDisk: ctx.services.readFromDisk }),
      chart,
      // What the terminal's --json prints (SPEC section 7): the release, named by its file.
      data: {
        source: latest.fileName,
        ...withoutFacilities(latest.release),
        ...(state && {
          state: state.name,
          stateCode: state.code,
          stateDetention: view && { ...view.figures, change: view.change?.adp ?? null },
        }),
      },
    };
  },
} satisfies Command;

/** The release as `totals --json` printed it before facility lists were stored (SPEC section 7): the list is /facilities' answer. */
function withoutFacilities(release: DetentionRelease): Omit<DetentionRelease, 'facilities'> {
  const { facilities: _facilities, ...rest } = release;
  return rest;
}
