import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli';

const ROOT = join(__dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The first fenced block after `heading` whose info string is `lang` ('' for a bare fence), and the block after it. */
function blocksAfter(heading: string): string[] {
  const from = README.indexOf(heading);
  if (from < 0) throw new Error(`README has no "${heading}"`);
  return [...README.slice(from).matchAll(/```(\w*)\n([\s\S]*?)```/g)].slice(0, 2).map((m) => m[2]);
}

/** A run's fetch time changes every run: the sample's is compared as a shape. */
const normalize = (line: string) => line.replace(/fetched \d{4}-\d\d-\d\d \d\d:\d\d UTC/, 'fetched <time>');

describe('README', () => {
  test('"Try it without a network": the sample is what the command prints (title and totals lines exact, every other line in order)', async () => {
    const [command, sample] = blocksAfter('## Try it without a network');
    // The shell block: `P=<folder>` then `npx ice-watch replay $P/<file> ...`.
    const folder = /^P=(\S+)$/m.exec(command)![1];
    const replay = /^npx ice-watch (replay .+)$/m
      .exec(command)![1]
      .split(/\s+/)
      .map((a) => a.replace('$P', join(ROOT, folder)));
    const run = await cli(...replay);
    expect(run.code).toBe(0);
    const printed = run.stdout.split('\n').map(normalize);

    const shown = sample.trimEnd().split('\n').map(normalize);
    const title = shown[0];
    expect(title).toMatch(/^── .* ──$/);
    // The alert the sample is taken from, up to its source line.
    const start = printed.indexOf(title);
    expect(start).toBeGreaterThanOrEqual(0);
    const end = printed.findIndex((l, i) => i > start && l.startsWith('Source: '));
    const alert = printed.slice(start, end + 1);
    const totalsLine = (lines: string[]) => lines.find((l) => / now: \d+ active \(JEM/.test(l));
    expect(shown.some((l) => / now: \d+ active \(JEM/.test(l))).toBe(true);
    expect(totalsLine(alert)).toBe(totalsLine(shown));
    expect(alert.at(-1)).toBe(shown.at(-1));
    // Every line the sample shows ("  ..." marks lines left out) appears in the alert, in the same order.
    let at = 0;
    for (const line of shown.filter((l) => l.trim() !== '...')) {
      const found = alert.indexOf(line, at);
      if (found < 0) throw new Error(`README line not printed by \`ice-watch ${replay[0]}\` (in this order): ${line}`);
      at = found + 1;
    }
  });
});
