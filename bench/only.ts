/**
 * `node bin/run-ts.js bench/only.ts <figure...>`: runs some figures of `npm run bench` alone (the whole bench takes minutes),
 * printing them as one JSON document: planning, agreementsTexas, discordFanOut, startToReady, memory, feeds.
 */
import { benchAgreementsTexas } from './agreements-texas';
import { benchDiscordFanOut } from './discord-fanout';
import { benchFeeds } from './feeds';
import { benchMemory } from './memory';
import { benchPlanning } from './planning';
import { benchStartToReady } from './start-to-ready';

const FIGURES: Record<string, () => Promise<unknown>> = {
  planning: benchPlanning,
  agreementsTexas: benchAgreementsTexas,
  discordFanOut: benchDiscordFanOut,
  startToReady: benchStartToReady,
  memory: benchMemory,
  feeds: benchFeeds,
};

async function main(): Promise<void> {
  const names = process.argv.slice(2);
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
