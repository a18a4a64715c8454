import { plural } from '../domain/text';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { Command, CommandContext } from '../../commands/command';
import { findCommand } from '../../commands/index';
import { parseCommandText } from '../../commands/parse-text';
import { parseDateArgument, parseModelArgument, parseStateArgument } from '../domain/arguments';
import { judgePublication } from '../domain/agreements/guards';
import { makeSnapshot } from '../domain/agreements/snapshot';
import type { Agreement } from '../domain/types';
import { UserError } from '../domain/user-error';
import { loadConfig } from '../config';
import { createLogger } from '../logging/logger';
import { doctorCommand } from '../doctor/doctor-command';
import { startBot } from '../main';
import { guardSettingsOf, workbookLimitsOf } from '../pipelines/settings';
import { renderAgreementsAsText, renderParsedAsText, renderPublicationAsText, renderTotalsAsText } from '../platforms/console/render-cli';
import { renderAlertAsText } from '../platforms/console/render-alert';
import { loadDiscordCommandPayloads, loadDiscordShard } from '../platforms/discord/plugin';
import { renderReplyAsText } from '../platforms/console/render-reply';
import { summarizeAgreements } from '../domain/agreements/state-summary';
import { buildAgreementsChart, type LedgerFacts } from '../domain/charts/agreements-chart';
import { buildTotalsChart, type ChartSpec } from '../domain/charts/chart-series';
import { MILLION_A_YEAR_PER_DAY, type DailyCount } from '../domain/totals/daily-counts';
import { writeChartFile } from '../platforms/console/chart-file';
import { outboxDeliveryStatus } from '../coordination/coordination';
import { decideHeld, listHeld } from '../pipelines/held';
import { readLocalPublication, replayFiles, sourceOfFile } from '../pipelines/replay';
import { DEFAULT_WORKBOOK_LIMITS, SourceFetchError, WorkbookFormatError, WorkbookSchemaError, type WorkbookLimits } from '../sources/errors';
import { parse287gWorkbook } from '../sources/workbook-287g';
import { parseDetentionWorkbook } from '../sources/detention-workbook';
import type { DetentionRelease } from '../domain/totals/totals';
import { openStores } from '../store/open-stores';

const USAGE = `ice-watch: watches ICE's 287(g) lists and alerts Slack and Discord channels

Usage: ice-watch <command> [options]

  start                          run the bot (same as npm start)
  parse <file> [--json]          parse a 287(g) workbook
  diff <old> <new> [--json]      judge <new> as the publication after <old>
  agreements <state|all> [--file F] [--model M] [--since YYYY-MM-DD] [--county C] [--json]
                                 active agreements in a state (stored latest list, or --file)
  totals [--file F] [--json]     the latest stored detention release, or a workbook's numbers
  replay <files...> [--json] [--store URL]
                                 run the whole pipeline over files in order, an hour apart,
                                 and print the alerts a console channel would get
  agency <name> | subscribe <states|all|totals> [kinds] [models:M] [mode] | unsubscribe <what>
  subscriptions | status         the slash commands, for the console channel (free text as on Slack)
  held [accept|discard] [--source participating|pending] [--json]
                                 list the endings (and mass signings) held as suspect, or decide on them
  register-commands [--guild ID] register the Discord slash commands
  doctor [--json]                check the configuration, the store, ICE's pages, the tokens and
                                 every subscribed channel; exit 1 on a problem

Settings come from the environment or .env (see .env.example).`;

type Out = { stdout: (s: string) => void; stderr: (s: string) => void };

/** Runs the command line; returns the exit code. */
export async function runCli(argv: string[], out: Out = defaultOut): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'parse':
        return await parseCommand(rest, out);
      case 'diff':
        return await diffCommand(rest, out);
      case 'agreements':
        return await agreementsCommand(rest, out);
      case 'replay':
        return await replayCommand(rest, out);
      case 'totals':
        return await totalsCommand(rest, out);
      case 'start': {
        try {
          await startBot(loadConfig());
        } catch (err) {
          if (!(err instanceof Error) || err.name !== 'ServiceUnreachableError') throw err;
          out.stderr(`ice-watch: cannot start: ${err.message}. Nothing runs until it can be reached; run the bot under a supervisor (see README) that restarts it.\n`);
          return 1;
        }
        return 0;
      }
      case 'discord-shard': {
        // Internal: one Discord shard process, forked by the main process when DISCORD_SHARDS is set.
        // discord.js loads only for the commands that use it.
        await loadDiscordShard().runDiscordShardProcess(loadConfig());
        return 0;
      }
      case 'held':
        return await heldCommand(rest, out);
      case 'register-commands':
        return await registerCommandsCommand(rest, out);
      case 'doctor': {
        const { values, positionals } = args(rest, {});
        if (positionals.length) throw new UserError('Usage: ice-watch doctor [--json]');
        return await doctorCommand(Boolean(values.json), out.stdout);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        out.stdout(USAGE + '\n');
        return command === undefined ? 2 : 0;
      default: {
        const registered = findCommand(command);
        if (registered) return await registryCommand(registered, rest, out);
        throw new UserError(`Unknown command "${command}".\n\n${USAGE}`);
      }
    }
  } catch (err) {
    if (err instanceof UserError || (err instanceof Error && err.name === 'ConfigError')) {
      out.stderr(`ice-watch: ${err.message}\n`);
      return 2;
    }
    const code = (err as { code?: unknown } | null)?.code;
    if (err instanceof SourceFetchError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      out.stderr(`ice-watch: ${(err as Error).message}\n`);
      return 2;
    }
    out.stderr(`ice-watch: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

const defaultOut: Out = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;
type OptionValues<O extends OptionSpec> = { json?: boolean } & { [K in keyof O]?: O[K]['type'] extends 'string' ? string : boolean };

/** Strict option parsing: an unknown option is an error shown to the user. */
function args<O extends OptionSpec>(rest: string[], options: O): { values: OptionValues<O>; positionals: string[] } {
  const parsed = parseArgs({ args: rest, options: { json: { type: 'boolean' }, ...options }, allowPositionals: true, strict: true });
  return { values: parsed.values as OptionValues<O>, positionals: parsed.positionals };
}


/** The parse caps of the settings; the defaults when the settings cannot be read (file tools must still answer). */
function parseLimits(): WorkbookLimits {
  try {
    return workbookLimitsOf(loadConfig());
  } catch {
    return DEFAULT_WORKBOOK_LIMITS;
  }
}

async function readWorkbook(path: string) {
  const { bytes, meta } = await readLocalPublication(path, new Date());
  try {
    return { parsed: await parse287gWorkbook(bytes, parseLimits()), meta, bytes };
  } catch (err) {
    if (err instanceof WorkbookFormatError || err instanceof WorkbookSchemaError) throw new UserError(`${path}: ${err.message}`);
    throw err;
  }
}

async function parseCommand(rest: string[], out: Out): Promise<number> {
  const { values, positionals } = args(rest, {});
  if (positionals.length !== 1) throw new UserError('Usage: ice-watch parse <file> [--json]');
  const { parsed } = await readWorkbook(positionals[0]);
  const source = parsed.detectedKind;
  if (values.json) out.stdout(JSON.stringify({ source, sheet: parsed.sheetName, rows: parsed.rows.map(publicRow), warnings: parsed.warnings }) + '\n');
  else out.stdout(renderParsedAsText(positionals[0], parsed) + '\n');
  return 0;
}

/** The row fields of the JSON surface (SPEC section 7). */
function publicRow(r: Agreement) {
  return { state: r.state, stateCode: r.stateCode, agency: r.agency, type: r.type, county: r.county, model: r.model, signed: r.signed, moaUrl: r.moaUrl, addendumUrl: r.addendumUrl };
}

async function diffCommand(rest: string[], out: Out): Promise<number> {
  const { values, positionals } = args(rest, {});
  if (positionals.length !== 2) throw new UserError('Usage: ice-watch diff <old> <new> [--json]');
  const config = loadConfig();
  const [oldPath, newPath] = positionals;
  const oldFile = await readLocalPublication(oldPath, new Date(0));
  const newFile = await readLocalPublication(newPath, new Date(3_600_000));
  const judge = async (path: string, file: typeof oldFile, prev: Parameters<typeof judgePublication>[0]) => {
    const limits = workbookLimitsOf(config);
    const source = await sourceOfFile(path, file.bytes, limits);
    try {
      const snapshot = makeSnapshot(source, await parse287gWorkbook(file.bytes, limits), file.meta);
      return judgePublication(prev, snapshot, { now: new Date(file.meta.fetchedAt), guards: guardSettingsOf(config) });
    } catch (err) {
      if (err instanceof WorkbookFormatError || err instanceof WorkbookSchemaError) {
        return { verdict: 'rejected' as const, reason: err.message, events: [], next: null, notices: [] };
      }
      throw err;
    }
  };
  const base = await judge(oldPath, oldFile, null);
  const result = base.next
    ? await judge(newPath, newFile, base.next)
    : { ...base, reason: `the old file ${oldPath} is not a usable base: ${base.reason}` };
  const doc = { verdict: result.verdict, reason: result.reason, events: result.events };
  if (values.json) out.stdout(JSON.stringify(doc) + '\n');
  else out.stdout(renderPublicationAsText(newPath, doc) + '\n');
  return 0;
}

async function agreementsCommand(rest: string[], out: Out): Promise<number> {
  const { values, positionals } = args(rest, { file: { type: 'string' as const }, model: { type: 'string' as const }, since: { type: 'string' as const }, county: { type: 'string' as const } });
  if (positionals.length !== 1) throw new UserError('Usage: ice-watch agreements <state|all> [--file F] [--model M] [--since YYYY-MM-DD] [--county C] [--json]');
  const state = positionals[0].trim().toLowerCase() === 'all' ? 'all' : parseStateArgument(positionals[0]);
  const filter = {
    model: values.model ? parseModelArgument(values.model) : undefined,
    since: values.since ? parseDateArgument(values.since) : undefined,
    county: values.county,
  };
  let rows: Agreement[];
  let pending: Agreement[] | null = null;
  let meta: { fetchedAt: string; fileName: string };
  let ledger: Record<string, LedgerFacts> = {};
  if (values.file) {
    const read = await readWorkbook(values.file);
    rows = read.parsed.rows;
    // A file on disk was "fetched" now; the workbook's own modified time dates its chart better.
    meta = { fileName: read.meta.fileName, fetchedAt: read.parsed.modifiedInFile ?? read.meta.fetchedAt };
  } else {
    const config = loadConfig();
    const stores = openStores(config);
    try {
      const { snapshots } = stores;
      const stored = await snapshots.getState('participating');
      if (!stored) throw new UserError('Nothing is stored yet: run `ice-watch start` to poll ICE, or pass --file <workbook>.');
      rows = stored.view.rows;
      meta = stored.view.meta;
      if (!values.json && state !== 'all') ledger = await snapshots.ledger('participating');
      pending = (await snapshots.getState('pending'))?.view.rows ?? null;
    } finally {
      await stores.close();
    }
  }
  const summary = summarizeAgreements(rows, pending, state, filter);
  if (values.json) out.stdout(JSON.stringify(summary) + '\n');
  else out.stdout(renderAgreementsAsText(summary) + '\n' + (await chartLine(buildAgreementsChart(summary, meta, ledger))));
  return 0;
}

async function totalsCommand(rest: string[], out: Out): Promise<number> {
  const { values, positionals } = args(rest, { file: { type: 'string' as const } });
  if (positionals.length) throw new UserError('Usage: ice-watch totals [--file <detentionStats workbook>] [--json]');
  if (!values.file) {
    const stores = openStores(loadConfig());
    try {
      const store = stores.totals;
      const releases = await store.releases();
      const latest = releases.at(-1);
      if (!latest) throw new UserError("No detention statistics are stored yet: run `ice-watch start` to poll ICE's detention-management page, or pass --file <detentionStats workbook>.");
      if (values.json) out.stdout(JSON.stringify({ source: latest.fileName, ...latest.release }) + '\n');
      else out.stdout(renderTotalsAsText(latest.fileName, latest.release) + '\n' + (await chartLine(totalsChart(latest.fileName, releases.map((r) => r.release), await store.daily()))));
      return 0;
    } finally {
      await stores.close();
    }
  }
  const { bytes, meta } = await readLocalPublication(values.file, new Date());
  let release: DetentionRelease;
  try {
    release = await parseDetentionWorkbook(bytes, parseLimits());
  } catch (err) {
    if (err instanceof WorkbookFormatError || err instanceof WorkbookSchemaError) throw new UserError(`${values.file}: ${err.message}`);
    throw err;
  }
  if (values.json) out.stdout(JSON.stringify({ source: meta.fileName, ...release }) + '\n');
  else out.stdout(renderTotalsAsText(meta.fileName, release) + '\n' + (await chartLine(totalsChart(meta.fileName, [release], []))));
  return 0;
}

function totalsChart(fileName: string, releases: DetentionRelease[], daily: DailyCount[]): ChartSpec {
  const source = `ICE detention statistics, ${fileName}${daily.some((d) => d.arrests !== null) ? "; daily arrests: ICE's daily counts feed" : ''}`;
  const points = releases.map((r) => ({ asOf: r.asOf, detained: r.detained.total }));
  return buildTotalsChart({ title: 'People in ICE detention, by release', asOf: releases.at(-1)!.asOf, source }, points, daily, MILLION_A_YEAR_PER_DAY);
}

/** The terminal's picture: a PNG in CHARTS_DIR and a line with its path ('' when it could not be drawn). */
async function chartLine(spec: ChartSpec): Promise<string> {
  let dir: string | undefined;
  try {
    dir = loadConfig().CHARTS_DIR;
  } catch {
    dir = undefined; // a broken .env must not stop `--file` answers; the default folder serves
  }
  const path = await writeChartFile(spec, { dir });
  return path ? `Chart: ${path}\n` : '';
}

async function replayCommand(rest: string[], out: Out): Promise<number> {
  const { values, positionals } = args(rest, { store: { type: 'string' as const }, start: { type: 'string' as const } });
  if (positionals.length === 0) throw new UserError('Usage: ice-watch replay <files...> [--json] [--store URL]');
  const config = loadConfig();
  const stores = openStores({ url: values.store ?? 'memory://' });
  const start = values.start ? new Date(values.start) : new Date(Math.floor(Date.now() / 3_600_000 - positionals.length) * 3_600_000);
  if (Number.isNaN(start.getTime())) throw new UserError(`--start "${values.start}" is not a date`);
  try {
    const results = await replayFiles(positionals, {
      snapshots: stores.snapshots,
      guards: guardSettingsOf(config),
      logger: createLogger(values.json ? 'silent' : 'warn'),
      start,
      parseLimits: workbookLimitsOf(config),
    });
    const alerts = results.flatMap((r) => r.alerts.map((a) => ({ channel: 'console', file: a.file.fileName, text: renderAlertAsText(a), events: a.events })));
    if (values.json) {
      const rejected = results.filter((r) => r.verdict === 'rejected').map((r) => ({ file: r.file.fileName, reason: r.reason }));
      const publications = results.map((r) => ({ file: r.file.fileName, source: r.source, verdict: r.verdict, reason: r.reason, events: r.events.length, warnings: r.warnings }));
      out.stdout(JSON.stringify({ alerts, rejected, publications }) + '\n');
      return 0;
    }
    for (const r of results) {
      out.stdout(`\n=== ${r.file.fileName} (${r.source}): ${r.verdict}${r.reason ? `: ${r.reason}` : ''}\n`);
      for (const n of r.notices) out.stdout(`[operators] ${n.text}\n`);
      for (const a of r.alerts) out.stdout('\n' + renderAlertAsText(a) + '\n');
    }
    out.stdout(`\n${plural(results.length, 'publication')}, ${plural(alerts.length, 'alert')}.\n`);
    return 0;
  } finally {
    await stores.close();
  }
}

async function heldCommand(rest: string[], out: Out): Promise<number> {
  const { values, positionals } = args(rest, { source: { type: 'string' as const } });
  const action = positionals[0];
  const source = values.source ?? 'participating';
  if (positionals.length > 1 || (action !== undefined && action !== 'accept' && action !== 'discard') || (source !== 'participating' && source !== 'pending')) {
    throw new UserError('Usage: ice-watch held [accept|discard] [--source participating|pending] [--json]');
  }
  const stores = openStores(loadConfig());
  try {
    const { snapshots } = stores;
    if (!action) {
      const { endings: held, signings } = await listHeld(snapshots, source);
      if (values.json) {
        out.stdout(JSON.stringify({ source, held: held.map((h) => ({ ...publicRow(h.row), since: h.since })), heldSignings: signings.map((h) => ({ ...publicRow(h.row), since: h.since })) }) + '\n');
      } else if (!held.length && !signings.length) out.stdout(`Nothing is held for the ${source} list.\n`);
      else {
        const line = (h: (typeof held)[number]) => `  ${h.row.stateCode ?? h.row.state}  ${h.row.agency} · ${h.row.model}${h.row.signed ? `, signed ${h.row.signed}` : ''}\n`;
        if (held.length) out.stdout(`${plural(held.length, 'ending')} of the ${source} list are held as suspect (since ${held[0].since}):\n`);
        for (const h of held) out.stdout(line(h));
        if (signings.length) out.stdout(`${plural(signings.length, 'signing')} of the ${source} list are held as suspect (since ${signings[0].since}):\n`);
        for (const h of signings.slice(0, 50)) out.stdout(line(h));
        if (signings.length > 50) out.stdout(`  ... and ${signings.length - 50} more\n`);
        out.stdout('Decide with `ice-watch held accept` (they ended) or `ice-watch held discard` (a stale list).\n');
      }
      return 0;
    }
    const result = await decideHeld(snapshots, source, action, new Date());
    if (values.json) out.stdout(JSON.stringify({ source, action, count: result.count, alerts: result.alerts.map((a) => ({ channel: 'console', text: renderAlertAsText(a), events: a.events })) }) + '\n');
    else {
      out.stdout(`${action === 'accept' ? 'Accepted' : 'Discarded'} ${result.count} held changes of the ${source} list.\n`);
      for (const a of result.alerts) out.stdout('\n' + renderAlertAsText(a) + '\n');
    }
    return 0;
  } finally {
    await stores.close();
  }
}

async function registerCommandsCommand(rest: string[], out: Out): Promise<number> {
  const { values, positionals } = args(rest, { guild: { type: 'string' as const } });
  if (positionals.length) throw new UserError('Usage: ice-watch register-commands [--guild ID]');
  const config = loadConfig();
  if (!config.DISCORD_TOKEN || !config.DISCORD_APP_ID) throw new UserError('Set DISCORD_TOKEN and DISCORD_APP_ID to register the Discord commands.');
  const { registerCommands } = loadDiscordCommandPayloads();
  const count = await registerCommands({ token: config.DISCORD_TOKEN, appId: config.DISCORD_APP_ID, apiUrl: config.DISCORD_API_URL, guildId: values.guild });
  const where = values.guild ? `in guild ${values.guild} (available now)` : 'globally (Discord may take up to an hour to show them everywhere)';
  if (values.json) out.stdout(JSON.stringify({ registered: count, guild: values.guild ?? null }) + '\n');
  else out.stdout(`Registered ${count} slash commands ${where}.\n`);
  return 0;
}

/** Runs a slash command from the registry as the console channel, against the configured store. */
async function registryCommand(command: Command, rest: string[], out: Out): Promise<number> {
  const json = rest.includes('--json');
  const text = rest.filter((a) => a !== '--json').join(' ');
  const args = parseCommandText(command, text);
  const config = loadConfig();
  const stores = openStores(config);
  try {
    const ctx: CommandContext = {
      channel: { platform: 'console', workspaceId: 'local', channelId: 'console', channelName: 'console' },
      user: { id: userInfo().username, name: userInfo().username, canManageChannel: true },
      services: {
        snapshots: stores.snapshots, subscriptions: stores.subscriptions, health: stores.health, totals: stores.totals,
        // The queue's own counts live in the running instances; the outbox is in the store.
        delivery: async () => ({ ...(await outboxDeliveryStatus(stores.outbox)), mode: config.REDIS_URL ? 'shared queue' : 'one instance' }),
        checkCanPost: async () => null,
        // The schedule runs in the bot, not here: the terminal shows the pages, not the next poll.
        sources: { page287g: config.ICE_287G_PAGE_URL, detentionPage: config.ICE_DETENTION_PAGE_URL, dailyFeed: config.DAILY_TOTALS_URL, nextPoll: () => null },
      },
      now: () => new Date(),
    };
    const reply = await command.run(ctx, args);
    out.stdout((json ? JSON.stringify(reply) : renderReplyAsText(reply)) + '\n');
    return 0;
  } finally {
    await stores.close();
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
