import { formatUtcMinute, plural } from '../src/domain/text';
import type { Line, ReplyBlock } from '../src/messages/reply';
import type { Command } from './command';
import type { SourceSettings } from './services';

/** ICE's 287(g) page, where no settings name the page polled (the terminal on a file). */
const ICE_287G_PAGE = 'https://www.ice.gov/identify-and-arrest/287g';

/** "Page: https://…", a link where it is one (a mirror may be a file:// folder). */
const address = (label: string, url: string): Line => [`${label}: `, /^https?:\/\//i.test(url) ? { link: url, text: url } : url];

/** "Next poll: …" when the schedule knows it (the bot does; the terminal does not). */
function nextPoll(sources: SourceSettings | undefined, job: 'poll-287g' | 'poll-totals'): Line[] {
  const at = sources?.nextPoll(job);
  return at ? [[`Next poll: ${formatUtcMinute(at.toISOString())}`]] : [];
}

const seen = (fileName: string, at: string, asOf?: string): Line => [
  'Last publication seen: ',
  fileName,
  `${asOf ? `, as of ${asOf}` : ''}, fetched ${formatUtcMinute(at)}`,
];

/**
 * `/sources`: what ice-watch watches. Each source says what it is, the page it is read from
 * (as configured: a mirror's address when one is set), the last publication seen and when,
 * and the next poll when the schedule is known. One list per source, one line per fact.
 */
export default {
  name: 'sources',
  description: 'What ice-watch watches: each source, its page, the last publication seen and the next poll',
  permission: 'anyone',
  options: [],
  async run(ctx) {
    const { snapshots, totals, sources } = ctx.services;
    const [links, participating, pending, releases, days] = await Promise.all([
      snapshots.pageLinks(),
      snapshots.history('participating'),
      snapshots.history('pending'),
      totals?.releases() ?? [],
      totals?.daily() ?? [],
    ]);
    const page287g = address('Page', sources?.page287g ?? ICE_287G_PAGE);
    const lastList = (history: typeof participating): Line => {
      const last = history.at(-1);
      return last ? seen(last.fileName, last.fetchedAt) : ['No publication seen yet'];
    };
    const blocks: ReplyBlock[] = [
      {
        kind: 'list',
        heading: '287(g) participating agencies',
        items: [
          ["ICE's list of agencies with a signed 287(g) agreement, by state"],
          page287g,
          lastList(participating),
          ...nextPoll(sources, 'poll-287g'),
        ],
      },
      {
        kind: 'list',
        heading: '287(g) pending requests',
        items: [
          ['Agencies that asked ICE for a 287(g) agreement not signed yet'],
          page287g,
          ...(links && !links.pending ? [['No pending list linked on the page at its last read'] as Line] : []),
          lastList(pending),
          ...nextPoll(sources, 'poll-287g'),
        ],
      },
    ];
    if (totals) {
      const release = releases.at(-1);
      blocks.push({
        kind: 'list',
        heading: 'Detention statistics',
        items: [
          ["ICE's detention statistics workbook: people detained, book-ins and removals this fiscal year"],
          ...(sources ? [address('Page', sources.detentionPage)] : []),
          release ? seen(release.fileName, release.fetchedAt, release.release.asOf) : ['No publication seen yet'],
          ...nextPoll(sources, 'poll-totals'),
        ],
      });
      const lastDay = days.at(-1);
      const feed: Line[] = !sources
        ? []
        : sources.dailyFeed
          ? [address('Feed', sources.dailyFeed)]
          : [['Not configured (set DAILY_TOTALS_URL)']];
      if (sources || lastDay) {
        blocks.push({
          kind: 'list',
          heading: 'Daily counts feed',
          items: [
            ['Arrests and detainers ICE posts day by day'],
            ...feed,
            ...(lastDay ? [[`Latest day: ${lastDay.date} (${plural(days.length, 'day')} stored)`]] : []),
            ...nextPoll(sources, 'poll-totals'),
          ],
        });
      }
    }
    return { tone: 'info', title: `ice-watch watches ${plural(blocks.length, 'source')}`, blocks };
  },
} satisfies Command;
