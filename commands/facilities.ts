import { parseStateArgument } from '../src/domain/arguments';
import { summarizeAgreements } from '../src/domain/agreements/state-summary';
import { buildStateAdpChart } from '../src/domain/charts/chart-series';
import { viewStateDetention } from '../src/domain/facilities/state-view';
import { UserError } from '../src/domain/user-error';
import { pageOf, parsePage, sourceFooter } from '../src/messages/format';
import { ADP_NOTE } from '../src/messages/facilities-message';
import { stateDetentionBlocks, stateDetentionTitle } from '../src/messages/state-detention-message';
import { NothingStoredError, type Command } from './command';

const PER_PAGE = 15;

/** `/facilities <state>`: the state's detention facilities from ICE's latest facility list, by ADP, with 287(g) beside them. */
export default {
  name: 'facilities',
  description: "A state's ICE detention facilities: ADP by facility and type, change, total, 287(g) beside it",
  permission: 'anyone',
  usage: 'texas (or TX)',
  options: [{ name: 'state', description: 'A state name or code', type: 'state', required: true }],
  async run(ctx, args) {
    const state = parseStateArgument(args.state ?? '');
    const store = ctx.services.totals;
    if (!store) throw new UserError('Detention statistics are not available here.');
    const releases = await store.releases();
    const view = viewStateDetention(
      releases.map((r) => ({ ...r.release, stored: r })),
      state.code,
    );
    if (!view) {
      const refused = releases.at(-1)?.release.facilitiesRefused;
      throw new NothingStoredError(
        refused
          ? `The latest detention workbook's facility list could not be read: ${refused}`
          : "No ICE facility list is stored yet. Try again after the next poll of ICE's detention-management page.",
      );
    }
    const participating = await ctx.services.snapshots.getState('participating');
    const agreements = participating ? summarizeAgreements(participating.view.rows, null, state).total : null;
    const number = parsePage(args.page);
    const { items, paging } = pageOf(view.facilities, number, PER_PAGE, 'facilities', { state: state.code });
    const stored = view.latest.stored;
    const { readFromDisk } = ctx.services;
    const chart = buildStateAdpChart(
      {
        title: `Detention in ${state.name}: ADP by ICE release`,
        state: state.name,
        asOf: view.figures.asOf,
        source: `ICE detention statistics, ${stored.fileName}`,
      },
      view.series.map((s) => ({ asOf: s.asOf, fiscalYear: s.fiscalYear, adp: s.adp, facilities: s.facilities })),
    );
    return {
      tone: 'info',
      title: stateDetentionTitle(state.name, view),
      blocks: stateDetentionBlocks(view, { items, paging, number }, agreements),
      footer: sourceFooter(stored, { list: 'detention statistics', readFromDisk }),
      paging,
      chart,
      // SPEC section 7: `ice-watch facilities <state> --json`.
      data: {
        state: state.name,
        stateCode: state.code,
        asOf: view.figures.asOf,
        fiscalYear: view.figures.fiscalYear,
        source: stored.fileName,
        adpMeaning: ADP_NOTE,
        total: { facilities: view.figures.facilities, adp: view.figures.adp },
        byType: view.figures.byType,
        change: view.change && {
          since: view.change.previous.asOf,
          facilities: view.change.facilities,
          adp: view.change.adp,
        },
        agreements287g: agreements,
        facilities: view.facilities.map((f) => ({
          name: f.row.name,
          address: f.row.address,
          city: f.row.city,
          state: f.row.state,
          zip: f.row.zip,
          aor: f.row.aor,
          type: f.row.type,
          gender: f.row.gender,
          adp: f.row.adp,
          levels: f.row.levels,
          alos: f.row.alos,
          mandatory: f.row.mandatory,
          guaranteedMinimum: f.row.guaranteedMinimum,
          previousAdp: f.previousAdp,
          appeared: f.appeared,
          previousName: f.previousName,
        })),
      },
    };
  },
} satisfies Command;
