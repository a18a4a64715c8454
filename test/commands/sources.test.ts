import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandContext } from '../../commands/command';
import { findCommand } from '../../commands/index';
import { runCommand } from '../../commands/run-command';
import type { SourceSettings } from '../../commands/services';
import { DEFAULT_GUARDS } from '../../src/domain/agreements/guards';
import { createLogger } from '../../src/logging/logger';
import { lineText, type Reply } from '../../src/messages/reply';
import { createIngest287g } from '../../src/pipelines/ingest-287g';
import { readLocalPublication } from '../../src/pipelines/replay';
import { renderReplyForDiscord } from '../../src/platforms/discord/render-reply';
import { parseDetentionWorkbook } from '../../src/sources/detention-workbook';
import { openStores, type Stores } from '../../src/store/open-stores';
import { cli } from '../helpers/cli';
import { fixturePath } from '../helpers/fixtures';

const FETCHED = new Date('2025-12-12T18:30:00Z');
const NEXT_POLL = new Date('2025-12-12T18:45:00Z');
const SETTINGS: SourceSettings = {
  page287g: 'https://www.ice.gov/identify-and-arrest/287g',
  detentionPage: 'https://www.ice.gov/detain/detention-management',
  dailyFeed: undefined,
  nextPoll: (job) => (job === 'poll-287g' ? NEXT_POLL : null),
};
const DETENTION = '2026-01-09_FY26_detentionStats01082026.xlsx';

/** A scratch store after the pipeline took the 2025-12-12 participating list, and one detention release. */
async function storeWithFixtures(): Promise<Stores> {
  const stores = openStores({ url: 'memory://' });
  const ingest = createIngest287g({
    snapshots: stores.snapshots,
    guards: DEFAULT_GUARDS,
    logger: createLogger('silent'),
    now: () => FETCHED,
  });
  const { bytes, meta } = await readLocalPublication(fixturePath('participatingAgencies12122025pm.xlsx'), FETCHED);
  expect((await ingest.ingest('participating', bytes, meta)).verdict).toBe('baseline');
  // The page's last read linked a participating workbook and no pending one.
  await stores.snapshots.setPageLinks({ at: FETCHED.toISOString(), participating: meta.url, pending: null });
  const release = await parseDetentionWorkbook(readFileSync(join(__dirname, '..', 'fixtures', 'detention', DETENTION)));
  await stores.totals.addRelease({ release, fileName: DETENTION, sha256: 'x', url: 'file://x', fetchedAt: '2026-01-09T12:00:00.000Z' });
  return stores;
}

function contextOf(stores: Stores, sources?: SourceSettings): CommandContext {
  return {
    channel: { platform: 'slack', workspaceId: 'T1', channelId: 'C1' },
    user: { id: 'U1', name: 'Ana', canManageChannel: false },
    services: {
      snapshots: stores.snapshots,
      subscriptions: stores.subscriptions,
      totals: stores.totals,
      checkCanPost: async () => null,
      sources,
    },
    now: () => FETCHED,
  };
}

const sections = (reply: Reply) =>
  Object.fromEntries(reply.blocks.map((b) => [b.kind === 'list' ? b.heading : b.kind, b.kind === 'list' ? b.items.map(lineText) : []]));

describe('/sources: what ice-watch watches', () => {
  let stores: Stores;
  beforeAll(async () => {
    stores = await storeWithFixtures();
  });
  afterAll(() => stores.close());

  test('through the registry: each source, its configured page, the last publication seen, the next poll, and no pending list linked', async () => {
    const outcome = await runCommand({
      command: findCommand('sources')!,
      context: contextOf(stores, SETTINGS),
      args: {},
      log: createLogger('silent'),
      refusal: 'no',
    });
    expect(outcome.ok).toBe(true);
    expect(outcome.reply.title).toBe('ice-watch watches 4 sources');
    expect(sections(outcome.reply)).toEqual({
      '287(g) participating agencies': [
        "ICE's list of agencies with a signed 287(g) agreement, by state",
        'Page: https://www.ice.gov/identify-and-arrest/287g',
        'Last publication seen: participatingAgencies12122025pm.xlsx, fetched 2025-12-12 18:30 UTC',
        'Next poll: 2025-12-12 18:45 UTC',
      ],
      '287(g) pending requests': [
        'Agencies that asked ICE for a 287(g) agreement not signed yet',
        'Page: https://www.ice.gov/identify-and-arrest/287g',
        'No pending list linked on the page at its last read',
        'No publication seen yet',
        'Next poll: 2025-12-12 18:45 UTC',
      ],
      'Detention statistics': [
        "ICE's detention statistics workbook: people detained, book-ins and removals this fiscal year",
        'Page: https://www.ice.gov/detain/detention-management',
        `Last publication seen: ${DETENTION}, as of 2026-01-07, fetched 2026-01-09 12:00 UTC`,
      ],
      'Daily counts feed': ['Arrests and detainers ICE posts day by day', 'Not configured (set DAILY_TOTALS_URL)'],
    });
  });

  test('where no schedule or settings are known (the terminal on a file), it says what it knows and no next poll', async () => {
    const reply = await findCommand('sources')!.run(
      { ...contextOf(stores), services: { ...contextOf(stores).services, totals: undefined } },
      {},
    );
    expect(reply.title).toBe('ice-watch watches 2 sources');
    expect(sections(reply)['287(g) participating agencies']).toEqual([
      "ICE's list of agencies with a signed 287(g) agreement, by state",
      'Page: https://www.ice.gov/identify-and-arrest/287g',
      'Last publication seen: participatingAgencies12122025pm.xlsx, fetched 2025-12-12 18:30 UTC',
    ]);
  });

  test('on Discord: one embed, one line per fact under each source, the page a link', async () => {
    const reply = await findCommand('sources')!.run(contextOf(stores, SETTINGS), {});
    const { embeds } = renderReplyForDiscord(reply);
    expect(embeds).toHaveLength(1);
    expect(embeds[0].title).toBe('ice-watch watches 4 sources');
    expect(embeds[0].description!.split('\n').slice(0, 5)).toEqual([
      '**287(g) participating agencies**',
      "• ICE's list of agencies with a signed 287(g) agreement, by state",
      '• Page: [https://www.ice.gov/identify-and-arrest/287g](https://www.ice.gov/identify-and-arrest/287g)',
      '• Last publication seen: participatingAgencies12122025pm.xlsx, fetched 2025-12-12 18:30 UTC',
      '• Next poll: 2025-12-12 18:45 UTC',
    ]);
    expect(embeds[0].description).toContain('• No pending list linked on the page at its last read');
  });

  test('/sources, added to the registry alone, answers in the terminal', async () => {
    const saved = process.env.STORE_URL;
    process.env.STORE_URL = 'memory://';
    try {
      const r = await cli('sources');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^ice-watch watches \d+ sources\n287\(g\) participating agencies:\n/);
      expect(r.stdout).toContain('  • Page: https://www.ice.gov/identify-and-arrest/287g\n');
      expect(r.stdout).toContain('  • No publication seen yet\n');
    } finally {
      if (saved === undefined) delete process.env.STORE_URL;
      else process.env.STORE_URL = saved;
    }
  });
});
