/**
 * `npm run bench`: the performance goals of SPEC section 8. Prints ONE JSON document on
 * stdout (progress goes to stderr). Every figure carries its goal and `met`; goals whose
 * code does not exist yet are listed under `notYetBuilt`, never given made-up numbers.
 */
import { cpus, totalmem } from 'node:os';
import { benchAgreementsTexas } from './agreements-texas';
import { benchCharts } from './charts';
import { benchDetentionParse } from './detention-parse';
import { benchDiff100k } from './diff-100k';
import { benchDiscordFanOut } from './discord-fanout';
import { benchFeeds } from './feeds';
import { benchHostileWorkbooks } from './hostile-workbooks';
import { mb, progress } from './measure';
import { benchMemory } from './memory';
import { benchPipeline287g } from './pipeline-287g';
import { benchReplay318 } from './replay-real';
import { benchPlanning } from './planning';
import { benchSlackAcks } from './slack-acks';
import { benchStartToReady } from './start-to-ready';
import { benchStatePage } from './state-page';

const notYetBuilt: Array<{ figure: string; goal: string; arrivesWith: string; reason: string }> = [];

async function main(): Promise<void> {
  const started = performance.now();
  const figures: Record<string, { met: boolean } & Record<string, unknown>> = {};

  progress('pipeline287g: parse + normalize + diff vs exceljs load vs SheetJS read');
  figures.pipeline287g = await benchPipeline287g();
  progress('hostileWorkbooks: inflation bombs and a million-row sheet, each in a child process');
  figures.hostileWorkbooks = await benchHostileWorkbooks();
  progress('detentionParse: streaming parse vs exceljs load vs SheetJS read');
  figures.detentionParse = await benchDetentionParse();
  progress('diff100k');
  figures.diff100k = benchDiff100k();
  progress('replay318: the real publications through the whole pipeline, scaled to 318');
  figures.replay318 = await benchReplay318();
  progress('agreementsTexas');
  figures.agreementsTexas = await benchAgreementsTexas();
  progress('statePage: /states/texas over loopback HTTP, 2,500 agreements and 10,000 events');
  figures.statePage = await benchStatePage();
  progress('startToReady (the compiled bot spawned, console mode; beside it from the sources and with both platforms)');
  figures.startToReady = await benchStartToReady();
  progress('memory (seeding a store, then the compiled bot with Discord and Slack through its first poll)');
  figures.memory = await benchMemory();
  progress('charts: render time of each picture');
  figures.charts = await benchCharts();
  progress('slackAcks (200 concurrent signed slash commands through the Bolt HTTP receiver, app in a child process)');
  figures.slackAcks = await benchSlackAcks();
  progress('discordFanOut (5,000 channels at 200/s, through the outbox and straight through the sender)');
  figures.discordFanOut = await benchDiscordFanOut();

  progress('planning (one alert planned across 100,000 subscriptions on SQLite and PostgreSQL, set-based)');
  figures.planning = await benchPlanning();

  progress('feeds (/feeds/texas.atom over loopback HTTP, 2,500 agreements and 10,000 event-log entries stored)');
  figures.feeds = await benchFeeds();

  const names = Object.keys(figures);
  const doc = {
    bench: 'ice-watch SPEC section 8',
    generatedAt: new Date().toISOString(),
    machine: {
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? null,
      totalMemoryMb: mb(totalmem()),
    },
    durationSeconds: Math.round((performance.now() - started) / 100) / 10,
    summary: {
      met: names.filter((n) => figures[n].met),
      missed: names.filter((n) => !figures[n].met),
      notYetBuilt: notYetBuilt.map((n) => n.figure),
    },
    figures,
    notYetBuilt,
  };
  process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
