/**
 * `node bin/run-ts.js bench/only.ts <figure...>`: runs some figures of `npm run bench` alone (the whole bench takes minutes),
 * printing them as one JSON document: planning, agreementsTexas, discordFanOut, startToReady, memory, statePage, feeds.
 */
import { benchAgreementsTexas } from './agreements-texas';
import { benchDiscordFanOut } from './discord-fanout';
import { benchFeeds } from './feeds';
import { benchMemory } from './memory';
import { benchPlanning } from './planning';
import { benchStartToReady } from './start-to-ready';
import { benchStatePage } from './state-page';

const FIGURES: Record<string, () => Promise<unknown>> = {
  planning: benchPlanning,
  agreementsTexas: benchAgreementsTexas,
  discordFanOut: benchDiscordFanOut,
  startToReady: benchStartToReady,
  memory: benchMemory,
  statePage: benchStatePage,
  feeds: benchFeeds,
};

async function main(): Promise<void> {
  // Run as `node bin/run-ts.js bench/only.ts <figure...>`: the script's own path is among the arguments.
  const names = process.argv.slice(2).filter((a) => !a.endsWith('only.ts'));
  const unknown = names.filter((n) => !FIGURES[n]);
  if (!names.length || unknown.length) {
    process.stderr.write(`usage: bench/only.ts <${Object.keys(FIGURES).join('|')}>...\n`);
    process.exit(2);
  }
  const out: Record<string, unknown> = {};
  for (const name of names) out[name] = await FIGURES[name]!();
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
