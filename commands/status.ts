import type { ListKind } from '../src/domain/types';
import type { SourceHealth, SourceId } from '../src/domain/source-health';
import type { Command, CommandContext } from './command';
import type { Line, ReplyBlock } from '../src/messages/reply';
import { formatUtcMinute, plural } from '../src/domain/text';

/** The health records read here, by source id (src/pipelines/polls.ts writes them). */
const PAGE_287G: SourceId = '287g';
const TOTALS: SourceId = 'totals';

const LISTS: Array<[ListKind, string]> = [
  ['participating', '287(g) participating agencies'],
  ['pending', '287(g) pending requests'],
];

/** A list block per source; `trouble` turns the reply red. */
interface Section {
  block: ReplyBlock;
  trouble: boolean;
}

const section = (heading: string, items: Line[], trouble = false): Section => ({ block: { kind: 'list', heading, items }, trouble });

/** The poll lines of a source: last success, failures and back-off, next poll. */
function pollLines(health: SourceHealth | undefined, next: Date | null | undefined, at: Date): { items: Line[]; trouble: boolean } {
  const items: Line[] = [];
  if (health?.lastSuccessAt) items.push([`Last successful poll: ${formatUtcMinute(health.lastSuccessAt)}`]);
  else if (!health?.consecutiveFailures) items.push(['No successful poll yet']);
  const failing = Boolean(health?.consecutiveFailures);
  if (health && failing) {
    items.push([
      { bold: `${plural(health.consecutiveFailures, 'failed poll')} in a row` },
      ` since ${formatUtcMinute(health.firstFailureAt!)}: `,
      health.lastError ?? 'unknown error',
    ]);
    if (health.nextAttemptAt && Date.parse(health.nextAttemptAt) > at.getTime())
      items.push([`Backing off: next try after ${formatUtcMinute(health.nextAttemptAt)}`]);
  }
  if (next && !(failing && health?.nextAttemptAt && Date.parse(health.nextAttemptAt) > next.getTime()))
    items.push([`Next poll: ${formatUtcMinute(next.toISOString())}`]);
  return { items, trouble: failing };
}

async function listSection(ctx: CommandContext, source: ListKind, heading: string, linked: boolean | null): Promise<Section> {
  const { snapshots } = ctx.services;
  const [state, judgements, history] = await Promise.all([
    snapshots.getState(source),
    snapshots.judgements(source),
    snapshots.history(source),
  ]);
  const last = judgements.at(-1);
  const lastChange = history.at(-1);
  const rejected = [...judgements].reverse().find((j) => j.verdict === 'rejected');
  const items: Line[] = [];
  let trouble = false;
  if (linked === false) items.push(['No pending list linked on the 287(g) page at its last read']);
  if (!last) {
    if (linked !== false && !state) items.push(['No file judged yet']);
  } else
    items.push([
      `Last judged: ${formatUtcMinute(last.at)}, ${last.verdict}`,
      last.reason && last.verdict !== 'accepted' ? ` (${last.reason})` : '',
    ]);
  if (state)
    items.push([
      `Current list: ${state.view.rows.length} rows, `,
      state.view.meta.fileName,
      `, fetched ${formatUtcMinute(state.view.meta.fetchedAt)}`,
    ]);
  if (lastChange) items.push([`Last publication: ${formatUtcMinute(lastChange.fetchedAt)} (`, lastChange.fileName, ')']);
  for (const [held, what] of [
    [state?.held, 'ending'],
    [state?.heldAdditions, 'signing'],
  ] as const) {
    if (!held?.length) continue;
    trouble = true;
    items.push([
      { bold: `${plural(held.length, what)} held as suspect` },
      ` since ${formatUtcMinute(held[0].since)}: confirmed by a publication an hour later, or an operator decides`,
    ]);
  }
  if (rejected) {
    trouble ||= rejected === last;
    items.push([`Last rejected file: ${formatUtcMinute(rejected.at)}, `, rejected.fileName, `: ${rejected.reason ?? ''}`]);
  }
  return section(heading, items, trouble);
}

async function totalsSections(ctx: CommandContext, health: SourceHealth | undefined, at: Date): Promise<Section[]> {
  const { totals, sources } = ctx.services;
  if (!totals) return [];
  const [releases, days] = await Promise.all([totals.releases(), totals.daily()]);
  const polls = ctx.services.health ? pollLines(health, sources?.nextPoll('poll-totals'), at) : { items: [], trouble: false };
  const release = releases.at(-1);
  const detention: Line[] = [
    release
      ? ['Last publication: ', release.fileName, `, as of ${release.release.asOf}, fetched ${formatUtcMinute(release.fetchedAt)}`]
      : ['No release stored yet'],
    ...polls.items,
  ];
  const feed: Line[] = sources && !sources.dailyFeed ? [['Not configured (set DAILY_TOTALS_URL)']] : [];
  if (!feed.length) {
    const lastDay = days.at(-1);
    feed.push(lastDay ? [`Latest day: ${lastDay.date} (${plural(days.length, 'day')} stored)`] : ['No day stored yet'], ...polls.items);
  }
  return [
    section('Detention statistics', detention, polls.trouble),
    section('Daily counts feed', feed, polls.trouble && Boolean(sources?.dailyFeed)),
  ];
}

async function deliverySection(ctx: CommandContext): Promise<Section[]> {
  const delivery = await ctx.services.delivery?.();
  if (!delivery) return [];
  let trouble = false;
  const items: Line[] = [
    [
      `${delivery.pending} waiting to be sent`,
      delivery.oldestPendingAt ? ` (oldest planned ${formatUtcMinute(delivery.oldestPendingAt)})` : '',
    ],
  ];
  if (delivery.deadLetters.length) {
    trouble = true;
    const d = delivery.deadLetters[0]!;
    const n = delivery.deadLetters.length;
    items.push([
      { bold: `${n}${n === 5 ? '+' : ''} ${n === 1 ? 'alert' : 'alerts'} given up` },
      ` (latest: `,
      d.channel,
      `: `,
      d.lastError ?? 'unknown error',
      ')',
    ]);
  }
  if (delivery.poller) items.push(['Polling instance: ', delivery.poller]);
  return [section(`Deliveries (${delivery.mode})`, items, trouble)];
}

/** The configured source pages as links (a mirror's own address when one is set). */
function sourcesSection(ctx: CommandContext): Section[] {
  const s = ctx.services.sources;
  const pages: Array<[string, string | undefined]> = s
    ? [
        ['287(g) page', s.page287g],
        ['Detention statistics page', s.detentionPage],
        ['Daily counts feed', s.dailyFeed],
      ]
    : [['287(g) page', 'https://www.ice.gov/identify-and-arrest/287g']];
  const items = pages
    .filter((p): p is [string, string] => Boolean(p[1]))
    .map(([name, url]): Line => [`${name}: `, /^https?:\/\//i.test(url) ? { link: url, text: url } : url]);
  return [section('Sources', items)];
}

/**
 * `/status`: every source (287(g) participating and pending lists, detention statistics, the
 * daily feed) with its last successful poll, last publication, back-off and next poll; held and
 * rejected files; deliveries; the configured source pages. Each source is a list, so that every
 * platform shows one line per fact.
 */
export default {
  name: 'status',
  description: 'What ice-watch last fetched from ICE, and any file it held or rejected',
  permission: 'anyone',
  options: [],
  async run(ctx) {
    const at = ctx.now();
    const [page, links, totalsHealth] = await Promise.all([
      ctx.services.health?.get(PAGE_287G),
      ctx.services.snapshots.pageLinks(),
      ctx.services.health?.get(TOTALS),
    ]);
    const pagePolls = pollLines(page, ctx.services.sources?.nextPoll('poll-287g'), at);
    const sections: Section[] = [
      ...(ctx.services.health ? [section('287(g) page', pagePolls.items, pagePolls.trouble)] : []),
      ...(await Promise.all(LISTS.map(([source, heading]) => listSection(ctx, source, heading, links ? Boolean(links[source]) : null)))),
      ...(await totalsSections(ctx, totalsHealth, at)),
      ...(await deliverySection(ctx)),
      ...sourcesSection(ctx),
    ];
    return {
      tone: sections.some((s) => s.trouble) ? 'error' : 'info',
      title: 'ice-watch status',
      blocks: sections.map((s) => s.block),
    };
  },
} satisfies Command;
