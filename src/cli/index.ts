import { commands, findCommand } from '../../commands/index';
import { UserError } from '../domain/user-error';
import { loadConfig } from '../config';
import { doctorCommand } from '../doctor/doctor-command';
import { startBot } from '../main';
import { loadDiscordShard } from '../platforms/discord/plugin';
import { SourceFetchError } from '../sources/errors';
import { diffCommand, parseCommand, replayCommand } from './file-tools';
import { heldCommand, registerCommandsCommand, slackManifestCommand } from './operator-tools';
import { args, type Out } from './options';
import { runRegistryCommand, terminalSynopsis } from './registry-command';
import { isWebhookCommandLine, listWebhooksCommand, subscribeWebhookCommand, unsubscribeWebhookCommand } from './webhook-tools';

const COLUMN = 33;
/** "  name args      what it does", the description on its own line when the synopsis is long. */
const usageLine = (synopsis: string, what: string) =>
  synopsis.length + 2 < COLUMN ? `  ${synopsis.padEnd(COLUMN - 2)}${what}` : `  ${synopsis}\n${' '.repeat(COLUMN)}${what}`;

/** The help: the terminal's own tools, then every slash command of the registry (free text as on Slack, or --option value). */
function usage(): string {
  return `ice-watch: watches ICE's 287(g) lists and alerts Slack and Discord channels

Usage: ice-watch <command> [options]

  start                          run the bot (same as npm start)
  parse <file> [--json]          parse a 287(g) workbook
  diff <old> <new> [--json]      judge <new> as the publication after <old>
  replay <files...> [--json] [--store URL]
                                 run the whole pipeline over files in order, an hour apart,
                                 and print the alerts a console channel would get
  held [accept|discard] [--source participating|pending] [--json]
                                 list the endings (and mass signings) held as suspect, or decide on them
  register-commands [--guild ID] register the Discord slash commands
  slack-manifest [--url URL] [--json]
                                 print the Slack app manifest (every command below)
  migrate-store --from URL --to URL [--prefix P] [--json]
                                 move a store of the former key-value layout (sqlite, postgres
                                 or redis) into the new schema, once
  subscribe --webhook <url> <states...> [--kinds K] [--models M] [--preset json|slack|teams]
                                 POST these states' alerts to a URL as signed JSON (or a Slack or
                                 Teams incoming-webhook message); prints its id and secret once
  unsubscribe --webhook <id|url> stop and forget a webhook
  webhooks [--json]              list the webhooks (never their secrets)
  doctor [--json]                check the configuration, the store, ICE's pages, the tokens and
                                 every subscribed channel; exit 1 on a problem

The slash commands, run as the console channel against the store (arguments as free text, as on
Slack, or as --option value; --file answers from a workbook on disk instead of the store):

${commands.map((c) => usageLine(terminalSynopsis(c), c.description)).join('\n')}

Settings come from the environment or .env (see .env.example).`;
}

/** Runs the command line; returns the exit code. */
export async function runCli(argv: string[], out: Out = defaultOut): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'parse':
        return await parseCommand(rest, out);
      case 'diff':
        return await diffCommand(rest, out);
      case 'replay':
        return await replayCommand(rest, out);
      case 'start': {
        try {
          await startBot(loadConfig());
        } catch (err) {
          if (!(err instanceof Error) || err.name !== 'ServiceUnreachableError') throw err;
          out.stderr(
            `ice-watch: cannot start: ${err.message}. Nothing runs until it can be reached; run the bot under a supervisor (see README) that restarts it.\n`,
          );
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
      case 'webhooks':
        return await listWebhooksCommand(rest, out, loadConfig());
      case 'held':
        return await heldCommand(rest, out);
      case 'migrate-store':
        // Loaded only for this command: the bot's start does not pay for the former layout's reader.
        return await (await import('./migrate-store')).migrateStoreCommand(rest, out);
      case 'register-commands':
        return await registerCommandsCommand(rest, out);
      case 'slack-manifest':
        return await slackManifestCommand(rest, out);
      case 'doctor': {
        const { values, positionals } = args(rest, {});
        if (positionals.length) throw new UserError('Usage: ice-watch doctor [--json]');
        return await doctorCommand(Boolean(values.json), out.stdout);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        out.stdout(usage() + '\n');
        return command === undefined ? 2 : 0;
      default: {
        if (command === 'subscribe' && isWebhookCommandLine(rest)) return await subscribeWebhookCommand(rest, out, loadConfig());
        if (command === 'unsubscribe' && isWebhookCommandLine(rest)) return await unsubscribeWebhookCommand(rest, out, loadConfig());
        const registered = findCommand(command);
        if (registered) return await runRegistryCommand(registered, rest, out);
        throw new UserError(`Unknown command "${command}".\n\n${usage()}`);
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

if (require.main === module) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
