import { commands } from '../../commands/index';
import { plural } from '../domain/text';
import { UserError } from '../domain/user-error';
import { loadConfig } from '../config';
import { decideHeld, listHeld } from '../pipelines/held';
import { renderAlertAsText } from '../platforms/console/render-reply';
import { loadDiscordCommandPayloads } from '../platforms/discord/plugin';
import { buildSlackManifest, slackManifestYaml } from '../platforms/slack/manifest';
import { openConfiguredStores } from '../store/legacy/migrate-legacy';
import { publicRow } from './file-tools';
import { args, type Out } from './options';

/** The operator tools of the command line: held changes, the Discord commands' registration, the Slack manifest. */

export async function heldCommand(rest: string[], out: Out): Promise<number> {
  const { values, positionals } = args(rest, { source: { type: 'string' as const } });
  const action = positionals[0];
  const source = values.source ?? 'participating';
  if (
    positionals.length > 1 ||
    (action !== undefined && action !== 'accept' && action !== 'discard') ||
    (source !== 'participating' && source !== 'pending')
  ) {
    throw new UserError('Usage: ice-watch held [accept|discard] [--source participating|pending] [--json]');
  }
  const stores = await openConfiguredStores(loadConfig());
  try {
    const { snapshots } = stores;
    if (!action) {
      const { endings: held, signings } = await listHeld(snapshots, source);
      if (values.json) {
        out.stdout(
          JSON.stringify({
            source,
            held: held.map((h) => ({ ...publicRow(h.row), since: h.since })),
            heldSignings: signings.map((h) => ({ ...publicRow(h.row), since: h.since })),
          }) + '\n',
        );
      } else if (!held.length && !signings.length) out.stdout(`Nothing is held for the ${source} list.\n`);
      else {
        const line = (h: (typeof held)[number]) =>
          `  ${h.row.stateCode ?? h.row.state}  ${h.row.agency} · ${h.row.model}${h.row.signed ? `, signed ${h.row.signed}` : ''}\n`;
        if (held.length)
          out.stdout(`${plural(held.length, 'ending')} of the ${source} list are held as suspect (since ${held[0].since}):\n`);
        for (const h of held) out.stdout(line(h));
        if (signings.length)
          out.stdout(`${plural(signings.length, 'signing')} of the ${source} list are held as suspect (since ${signings[0].since}):\n`);
        for (const h of signings.slice(0, 50)) out.stdout(line(h));
        if (signings.length > 50) out.stdout(`  ... and ${signings.length - 50} more\n`);
        out.stdout('Decide with `ice-watch held accept` (they ended) or `ice-watch held discard` (a stale list).\n');
      }
      return 0;
    }
    const result = await decideHeld(stores, source, action, new Date());
    if (values.json)
      out.stdout(
        JSON.stringify({
          source,
          action,
          count: result.count,
          planned: result.planned,
          alerts: result.alerts.map((a) => ({ channel: 'console', text: renderAlertAsText(a), events: a.events })),
        }) + '\n',
      );
    else {
      out.stdout(`${action === 'accept' ? 'Accepted' : 'Discarded'} ${result.count} held changes of the ${source} list.\n`);
      if (result.alerts.length)
        out.stdout(
          `${plural(result.alerts.length, 'alert')} planned for ${plural(result.planned, 'channel message')}; the running bot sends them.\n`,
        );
      for (const a of result.alerts) out.stdout('\n' + renderAlertAsText(a) + '\n');
    }
    return 0;
  } finally {
    await stores.close();
  }
}

export async function registerCommandsCommand(rest: string[], out: Out): Promise<number> {
  const { values, positionals } = args(rest, { guild: { type: 'string' as const } });
  if (positionals.length) throw new UserError('Usage: ice-watch register-commands [--guild ID]');
  const config = loadConfig();
  if (!config.DISCORD_TOKEN || !config.DISCORD_APP_ID)
    throw new UserError('Set DISCORD_TOKEN and DISCORD_APP_ID to register the Discord commands.');
  const { registerCommands } = loadDiscordCommandPayloads();
  const count = await registerCommands({
    token: config.DISCORD_TOKEN,
    appId: config.DISCORD_APP_ID,
    apiUrl: config.DISCORD_API_URL,
    guildId: values.guild,
  });
  const where = values.guild
    ? `in guild ${values.guild} (available now)`
    : 'globally (Discord may take up to an hour to show them everywhere)';
  if (values.json) out.stdout(JSON.stringify({ registered: count, guild: values.guild ?? null }) + '\n');
  else out.stdout(`Registered ${count} slash commands ${where}.\n`);
  return 0;
}

/** `slack-manifest [--url URL] [--json]`: the Slack app manifest, from the command registry (YAML, or JSON). */
export async function slackManifestCommand(rest: string[], out: Out): Promise<number> {
  const { values, positionals } = args(rest, { url: { type: 'string' as const } });
  if (positionals.length) throw new UserError('Usage: ice-watch slack-manifest [--url https://<host>/slack/events] [--json]');
  if (values.url !== undefined && !/^https:\/\/\S+$/.test(values.url)) {
    throw new UserError(`--url "${values.url}" is not an https:// address (Slack requires HTTPS)`);
  }
  const options = { requestUrl: values.url };
  out.stdout(values.json ? JSON.stringify(buildSlackManifest(commands, options), null, 2) + '\n' : slackManifestYaml(commands, options));
  return 0;
}
