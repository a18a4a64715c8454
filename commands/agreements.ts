import { parseDateArgument, parseModelArgument, parseStateArgument } from '../src/domain/arguments';
import { filterNote, summarizeAgreements, type NationalSummary, type StateSummary } from '../src/domain/agreements/state-summary';
import { buildAgreementsChart } from '../src/domain/charts/agreements-chart';
import { countyKey } from '../src/domain/agreements/summary';
import { cleanText, plural } from '../src/domain/text';
import { UserError } from '../src/domain/user-error';
import type { Agreement } from '../src/domain/types';
import { ledgerOfState } from '../src/store/ledger-of-state';
import { NothingStoredError, type Command } from './command';
import { agreementLine, dataDate, modelCounts, pageOf, parsePage, sourceFooter } from '../src/messages/format';
import type { Line, Reply } from '../src/messages/reply';
import { viewStateDetention } from '../src/domain/facilities/state-view';
import { stateDetentionLine } from '../src/messages/state-detention-message';

const PER_PAGE = 10;
const STATES_PER_PAGE = 20;

/** `/agreements <state|all> [model] [county] [since]`: what is in force in a state, newest first. */
export default {
  name: 'agreements',
  description: 'Active 287(g) agreements in a state (or all), newest first',
  permission: 'anyone',
  usage: 'texas [jem|tfm|wso] [county:Harris] [since:2025-03-01], or all',
  options: [
    { name: 'state', description: 'A state name or code, or "all"', type: 'state', required: true },
    { name: 'model', description: 'Only one model: JEM, TFM or WSO', type: 'model', required: false },
    { name: 'county', description: 'Only agreements in this county', type: 'text', required: false },
    { name: 'since', description: 'Only agreements signed on or after YYYY-MM-DD', type: 'date', required: false },
  ],
  async run(ctx, args) {
    const stateArg = cleanText(args.state ?? '');
    const state = stateArg.toLowerCase() === 'all' ? 'all' : parseStateArgument(stateArg);
    const filter = {
      model: args.model ? parseModelArgument(args.model) : undefined,
      since: args.since ? parseDateArgument(args.since) : undefined,
      county: args.county ? cleanText(args.county) : undefined,
    };
    const stored = await ctx.services.snapshots.getState('participating');
    if (!stored) throw new NothingStoredError('No 287(g) list has been fetched yet. Try again after the first poll.');
    const pending = (await ctx.services.snapshots.getState('pending'))?.view.rows ?? null;
    const summary = summarizeAgreements(stored.view.rows, pending, state, filter);
    if (filter.county && summary.total === 0) checkCounty(stored.view.rows, state === 'all' ? null : state, filter.county);
    const { readFromDisk } = ctx.services;
    const footer = sourceFooter(stored.view.meta, { readFromDisk });
    const page = parsePage(args.page);
    const pagingArgs = Object.fromEntries(Object.entries(args).filter(([k, v]) => k !== 'page' && v)) as Record<string, string>;
    const reply = 'states' in summary ? nationalReply(summary, page, pagingArgs, footer) : stateReply(summary, page, pagingArgs, footer);
    const ledger =
      'states' in summary || !summary.stateCode
        ? {}
        : await ledgerOfState(ctx.services.snapshots, stored.view.contentHash, summary.stateCode);
    // The picture is as of the same date the footer names; `data` is the summary the terminal's --json prints (SPEC section 7).
    const chart = buildAgreementsChart(
      summary,
      { fileName: stored.view.meta.fileName, fetchedAt: dataDate(stored.view.meta, readFromDisk) },
      ledger,
    );
    // The two datasets side by side: the state's detention from ICE's latest facility list.
    if (state !== 'all' && ctx.services.totals) {
      const view = viewStateDetention(
        (await ctx.services.totals.releases()).map((r) => r.release),
        state.code,
      );
      if (view) reply.blocks.push({ kind: 'text', lines: [stateDetentionLine(view)] });
    }
    return { ...reply, chart, data: summary };
  },
} satisfies Command;

function stateReply(s: StateSummary, page: number, args: Record<string, string>, footer: string): Reply {
  const noun = s.total === 1 ? 'agreement' : 'agreements';
  const { items, paging } = pageOf(s.agreements, page, PER_PAGE, 'agreements', args);
  const blocks: Reply['blocks'] = [
    {
      kind: 'fields',
      fields: [
        { name: 'By model', value: modelCounts(s.byModel), inline: true },
        ...(s.pending === null ? [] : [{ name: 'Pending requests', value: [String(s.pending)], inline: true }]),
      ],
    },
  ];
  if (items.length)
    blocks.push({
      kind: 'list',
      heading: page === 1 ? 'Newest signings' : `Signings, page ${page}`,
      items: items.map((a) => agreementLine(a)),
    });
  const months = Object.entries(s.signedByMonth);
  if (months.length) blocks.push({ kind: 'text', lines: [['Signed by month: ', months.map(([m, n]) => `${m} ${n}`).join(' · ')]] });
  return { tone: 'info', title: `${s.state}: ${s.total} active 287(g) ${noun}${filterNote(s)}`, blocks, footer, paging };
}

function nationalReply(s: NationalSummary, page: number, args: Record<string, string>, footer: string): Reply {
  const { items, paging } = pageOf(s.states, page, STATES_PER_PAGE, 'agreements', args);
  const lines: Line[] = items.map((st) => [
    { bold: st.state },
    ` ${st.total} · `,
    ...modelCounts(st.byModel),
    st.pending ? ` · ${st.pending} pending` : '',
  ]);
  return {
    tone: 'info',
    title: `${s.total} active 287(g) agreements in ${plural(s.states.length, 'state or territory', 'states and territories')}${filterNote(s)}`,
    blocks: [
      {
        kind: 'fields',
        fields: [
          { name: 'By model', value: modelCounts(s.byModel), inline: true },
          ...(s.pending === null ? [] : [{ name: 'Pending requests', value: [String(s.pending)], inline: true }]),
        ],
      },
      { kind: 'list', heading: 'By state', items: lines },
    ],
    footer,
    paging,
  };
}

/**
 * "Harris County" asked in Alabama: say where that county's agreements are instead of "none";
 * asked of every state (`all`): say that no state lists it.
 */
function checkCounty(rows: readonly Agreement[], state: { code: string; name: string } | null, county: string): void {
  const key = countyKey(county);
  if (!state) {
    if (!rows.some((r) => r.county && countyKey(r.county) === key))
      throw new UserError(`No agreements in any state list a county "${county}".`);
    return;
  }
  const inState = rows.some((r) => r.stateCode === state.code && r.county && countyKey(r.county) === key);
  if (inState) return;
  const elsewhere = [...new Set(rows.filter((r) => r.county && countyKey(r.county) === key).map((r) => r.state))];
  if (elsewhere.length) {
    throw new UserError(
      `No agreements list a county "${county}" in ${state.name}. ICE lists ${county} in ${elsewhere.slice(0, 5).join(', ')}.`,
    );
  }
}
