/**
 * Child process of figure `hostileWorkbooks`: parses one hostile workbook file with the
 * default caps, as the bot would, and reports how it ended, how long it took, its peak RSS,
 * and the longest stall of the event loop meanwhile (a 1 ms timer's worst lateness).
 *   node bin/run-ts.js bench/hostile-child.ts <287g|detention> <file>
 * Prints one JSON line on stdout.
 */
import { readFileSync } from 'node:fs';
import { parseDetentionWorkbook } from '../src/sources/detention-workbook';
import { parse287gWorkbook } from '../src/sources/workbook-287g';

async function main(): Promise<void> {
  const [kind, file] = process.argv.slice(3);
  const bytes = readFileSync(file);
  const rssBefore = process.memoryUsage().rss;
  let worstStallMs = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worstStallMs = Math.max(worstStallMs, now - last - 1);
    last = now;
  }, 1);
  const t0 = performance.now();
  let outcome: string;
  try {
    await (kind === 'detention' ? parseDetentionWorkbook(bytes) : parse287gWorkbook(bytes));
    outcome = 'parsed';
  } catch (err) {
    outcome = `${(err as Error).name}: ${(err as Error).message}`;
  }
  const ms = performance.now() - t0;
  clearInterval(timer);
  const line = JSON.stringify({ outcome, ms, rssBefore, maxRssKb: process.resourceUsage().maxRSS, worstStallMs });
  process.stdout.write(line + '\n', () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`hostile-child failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
