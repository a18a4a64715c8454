import { userInfo } from 'node:os';
import { NothingStoredError, type Command, type CommandArgs, type CommandContext } from '../../commands/command';
import { parseCommandText } from '../../commands/parse-text';
import { runCommand } from '../../commands/run-command';
import { sourceSettingsOf } from '../../commands/services';
import { loadConfig, type Config } from '../config';
import { deliveryModeOf, outboxDeliveryStatus } from '../coordination/coordination';
import { DEFAULT_GUARDS } from '../domain/agreements/guards';
import type { DetentionRelease } from '../domain/totals/totals';
import { UserError } from '../domain/user-error';
import { createLogger } from '../logging/logger';
import { guardSettingsOf, workbookLimitsOf } from '../pipelines/settings';
import { lineText, type Paging } from '../messages/reply';
import { createIngest287g } from '../pipelines/ingest-287g';
import { readLocalPublication } from '../pipelines/replay';
import { plainText, renderReplyAsText } from '../platforms/console/render-reply';
import { parseDetentionWorkbook } from '../sources/detention-workbook';
import { DEFAULT_WORKBOOK_LIMITS, WorkbookFormatError, WorkbookSchemaError } from '../sources/errors';
import { openStores, type Stores } from '../store/open-stores';
import { openConfiguredStores } from '../store/legacy/migrate-legacy';
import { args, chartLine, settingsIfReadable, shellWord, type Out, type OptionSpec } from './options';
import { webhookAdminOf } from './webhook-tools';

/**
 * The commands that answer from a workbook on disk with `--file F`, and what kind of workbook
 * it is: the file is ingested into a scratch store through the pipeline, and the command runs
 * on that store as it would on the bot's.
 */
const FILE_INPUT: Record<string, '287g' | 'detention'> = {
  agreements: '287g',
  agency: '287g',
  totals: 'detention',
  facilities: 'detention',
  facility: 'detention',
};

/** The options a registry command takes in the terminal: each of its own as `--name value`, and `--page`, `--file` where it applies. */
function optionsOf(command: Command): OptionSpec {
  const spec: OptionSpec = { page: { type: 'string' } };
  for (const o of command.options) if (o.type !== 'page') spec[o.name] = { type: 'string' };
  if (FILE_INPUT[command.name]) spec.file = { type: 'string' };
  return spec;
}

/** "agreements <state> [--model <model>] … [--file F] [--json]": how the terminal takes a command. */
export function terminalSynopsis(command: Command): string {
  const options = command.options.filter((o) => o.type !== 'page');
  const parts = options.map((o, i) => (i > 0 ? `[--${o.name} <${o.name}>]` : o.required ? `<${o.name}>` : `[${o.name}]`));
  if (FILE_INPUT[command.name]) parts.push('[--file F]');
  return [command.name, ...parts, '[--json]'].join(' ');
}

/**
 * Runs a slash command of the registry in the terminal, as the console channel: through the
 * one command path (commands/run-command.ts) and the same Reply every platform renders.
 * Arguments are free text as on Slack (`subscribe tx ok models:tfm`), or `--option value`.
 * Without `--file` it answers from the configured store; with it, from a scratch store into
 * which the file was ingested. `--json` prints the reply's data (the SPEC section 7 shapes of
 * `agreements` and `totals`), or the neutral reply for commands that have none.
 */
export async function runRegistryCommand(command: Command, rest: string[], out: Out): Promise<number> {
  const { values, positionals } = args(rest, optionsOf(command));
  const flags = values as Record<string, string | boolean | undefined>;
  const typed: CommandArgs = positionals.length ? parseCommandText(command, positionals.join(' ')) : {};
  for (const name of [...command.options.map((o) => o.name), 'page'])
    if (typeof flags[name] === 'string') typed[name] = flags[name] as string;
  if (command.options.some((o) => o.required && !typed[o.name]?.trim()))
    throw new UserError(`Usage: ice-watch ${terminalSynopsis(command)}`);

  const file = typeof flags.file === 'string' ? flags.file : undefined;
  // A file answers on the defaults when the settings cannot be read; the store needs them.
  const config = file ? settingsIfReadable() : loadConfig();
  const stores = file ? openStores({ url: 'memory://' }) : await openConfiguredStores(config!);
  try {
    const warnings = file ? await ingestFile(stores, FILE_INPUT[command.name], file, config) : [];
    const outcome = await runCommand({
      command,
      context: consoleContext(stores, config, Boolean(file)),
      args: typed,
      log: createLogger('silent'),
      refusal: `Only operators can use /${command.name} here.`,
    });
    if (!outcome.ok) {
      if (outcome.failure === 'bug') throw outcome.error;
      const message =
        outcome.error instanceof Error
          ? outcome.error.message
          : outcome.reply.blocks.flatMap((b) => (b.kind === 'text' ? b.lines.map(lineText) : [])).join(' ');
      const empty = outcome.error instanceof NothingStoredError && FILE_INPUT[command.name];
      const hint = empty ? ' From the terminal: run `ice-watch start` to poll ICE, or pass --file <workbook>.' : '';
      out.stderr(`ice-watch: ${message}${hint}\n`);
      return 2;
    }
    const { reply } = outcome;
    if (values.json) {
      out.stdout(JSON.stringify(reply.data ?? reply) + '\n');
      return 0;
    }
    const pageCommand = (p: Paging, page: number) => commandLine(command, p, page, file);
    out.stdout(renderReplyAsText(reply, { pageCommand }) + '\n');
    for (const w of warnings) out.stdout(`Warning: ${plainText(w)}\n`);
    if (reply.chart) out.stdout(await chartLine(reply.chart, config));
    return 0;
  } finally {
    await stores.close();
  }
}

/** The command line that asks for another page: `ice-watch agreements texas --model TFM --page 2`. */
function commandLine(command: Command, paging: Paging, page: number, file: string | undefined): string {
  const [first] = command.options;
  const words = ['ice-watch', command.name];
  if (first && paging.args[first.name]) words.push(shellWord(paging.args[first.name]));
  for (const [name, value] of Object.entries(paging.args)) if (name !== first?.name) words.push(`--${name}`, shellWord(value));
  if (file) words.push('--file', shellWord(file));
  words.push('--page', String(page));
  return words.join(' ');
}

/** The console channel's context: the stores, the configured source pages (the schedule runs in the bot, not here). */
function consoleContext(stores: Stores, config: Config | null, readFromDisk: boolean): CommandContext {
  const me = userInfo().username;
  const polled = !readFromDisk && config;
  return {
    channel: { platform: 'console', workspaceId: 'local', channelId: 'console', channelName: 'console' },
    user: { id: me, name: me, canManageChannel: true },
    services: {
      snapshots: stores.snapshots,
      subscriptions: stores.subscriptions,
      totals: stores.totals,
      checkCanPost: async () => null,
      readFromDisk,
      ...(polled
        ? {
            health: stores.health,
            // The queue's own counts live in the running instances; the outbox is in the store.
            delivery: async () => ({
              ...(await outboxDeliveryStatus(stores.outbox)),
              mode: deliveryModeOf(config.STORE_URL),
            }),
            // The schedule runs in the bot, not here: no next poll.
            sources: sourceSettingsOf(config),
            // The terminal's user runs ice-watch: an operator, who may manage webhooks (/webhook).
            webhookAdmin: webhookAdminOf(stores, config),
            isOperatorChannel: () => true,
          }
        : {}),
    },
    now: () => new Date(),
  };
}

/**
 * Puts a workbook read from disk into the scratch store: a 287(g) list through the 287(g)
 * pipeline (parse, guards, store) as the participating list's first publication; a detention
 * workbook parsed and stored as the first release, as the totals poll stores a baseline.
 * A file the bot would refuse is the asker's mistake, with the reason. Returns the parser's warnings.
 */
async function ingestFile(stores: Stores, kind: '287g' | 'detention', path: string, config: Config | null): Promise<string[]> {
  const limits = config ? workbookLimitsOf(config) : DEFAULT_WORKBOOK_LIMITS;
  const { bytes, meta } = await readLocalPublication(path, new Date());
  if (kind === '287g') {
    const guards = config ? guardSettingsOf(config) : DEFAULT_GUARDS;
    const ingest = createIngest287g({ snapshots: stores.snapshots, guards, logger: createLogger('silent'), parseLimits: limits });
    const result = await ingest.ingest('participating', bytes, meta);
    if (!(await stores.snapshots.getState('participating')))
      throw new UserError(`${path}: ${result.reason ?? `not taken (${result.verdict})`}`);
    return result.warnings;
  }
  let release: DetentionRelease;
  try {
    release = await parseDetentionWorkbook(bytes, limits);
  } catch (err) {
    if (err instanceof WorkbookFormatError || err instanceof WorkbookSchemaError) throw new UserError(`${path}: ${err.message}`);
    throw err;
  }
  await stores.totals.addRelease({ release, fileName: meta.fileName, sha256: meta.sha256, url: meta.url, fetchedAt: meta.fetchedAt });
  return release.warnings;
}
