import { readFileSync } from 'node:fs';
import { createCanvas } from '@napi-rs/canvas';
import { lineText } from '../src/messages/reply';
import totals from '../commands/totals';
import { drawHeading, fitText, layoutTitle } from '../src/charts/canvas';
import { CHART_WIDTH, FONT } from '../src/charts/theme';
import { plural } from '../src/domain/text';
import { parseDetentionWorkbook } from '../src/sources/detention-workbook';
import { cli } from './helpers/cli';
import { detentionPath, fixturePath } from './helpers/fixtures';
import { memoryStores } from './helpers/stores';

describe('wording', () => {
  test('plural: one count, one noun, in the right number', () => {
    expect([plural(0, 'state'), plural(1, 'state'), plural(2, 'state')]).toEqual(['0 states', '1 state', '2 states']);
    expect(plural(1, 'state or territory', 'states and territories')).toBe('1 state or territory');
    expect(plural(1, 'release')).toBe('1 release');
  });

  test('the CLI agreements header shows its filters; one state is "1 state"', async () => {
    const file = fixturePath('participatingAgencies12122025pm.xlsx');
    // The terminal prints the /agreements reply: its title, then its model counts.
    const [texas, byModel] = (await cli('agreements', 'texas', '--file', file, '--model', 'tfm', '--since', '2025-10-01')).stdout.split(
      '\n',
    );
    expect(texas).toMatch(/^Texas: \d+ active 287\(g\) agreements \(TFM, since 2025-10-01\)$/);
    expect(byModel).toMatch(/^By model: JEM 0 · TFM \d+ · WSO 0$/);
    const parsed = (await cli('parse', fixturePath('pendingAgencies09222025am.xlsx'))).stdout;
    expect(parsed).not.toMatch(/\b1 (states|rows|events)\b/);
  });

  test('a filtered chart title is set smaller, then on two lines, rather than cut ("(TF…")', () => {
    const ctx = createCanvas(CHART_WIDTH, 200).getContext('2d');
    const max = CHART_WIDTH - 48;
    const short = 'Texas: active 287(g) agreements by model (TFM)';
    expect(layoutTitle(ctx, short, max)).toEqual({ size: FONT.title, lines: [short] });
    const longer = 'Texas: active 287(g) agreements by model (TFM, since 2025-03-01)';
    const one = layoutTitle(ctx, longer, max);
    expect(one.lines).toEqual([longer]);
    expect(one.size).toBeLessThan(FONT.title);
    const longest = 'Texas: active 287(g) agreements by model (TFM, Harris County, since 2025-03-01)';
    const two = layoutTitle(ctx, longest, max);
    expect(two).toEqual({
      size: FONT.subtitle,
      lines: ['Texas: active 287(g) agreements by model', '(TFM, Harris County, since 2025-03-01)'],
    });
    for (const line of two.lines) expect(fitText(ctx, line, max)).toBe(line);
    // The heading makes room for the second line: the chart starts lower.
    expect(drawHeading(ctx, longest, null, CHART_WIDTH)).toBeGreaterThan(drawHeading(ctx, short, null, CHART_WIDTH));
  });

  test('/totals with one release stored shows the book-ins and removals the CLI shows', async () => {
    const { snapshots, subscriptions, totals: store, close } = memoryStores();
    try {
      const file = '2026-01-09_FY26_detentionStats01082026.xlsx';
      const release = await parseDetentionWorkbook(readFileSync(detentionPath(file)));
      await store.addRelease({ release, fileName: file, sha256: 'x', url: 'file://x', fetchedAt: '2026-01-09T12:00:00.000Z' });
      const reply = await totals.run({
        channel: { platform: 'slack', workspaceId: 'T', channelId: 'C' },
        user: { id: 'U', name: 'Ana', canManageChannel: false },
        services: { snapshots, subscriptions, totals: store, checkCanPost: async () => null },
        now: () => new Date(),
      });
      const fields = Object.fromEntries(
        reply.blocks.flatMap((b) => (b.kind === 'fields' ? b.fields : [])).map((f) => [f.name, lineText(f.value)]),
      );
      const n = (x: number) => x.toLocaleString('en-US');
      expect(fields[`Book-ins, FY${release.fiscalYear} to date`]).toBe(n(release.bookIns.fytdTotal));
      expect(fields[`Removals, FY${release.fiscalYear} to date`]).toBe(n(release.removals.fytdTotal));
      const cliText = (await cli('totals', '--file', detentionPath(file))).stdout;
      expect(cliText).toContain(`Book-ins, FY${release.fiscalYear} to date: ${n(release.bookIns.fytdTotal)}`);
      expect(cliText).toContain(`Removals, FY${release.fiscalYear} to date: ${n(release.removals.fytdTotal)}`);
    } finally {
      await close();
    }
  });
});
