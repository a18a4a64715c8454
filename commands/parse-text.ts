import { KINDS } from '../src/domain/alerts/subscriptions';
import { UserError } from '../src/domain/user-error';
import type { Command, CommandArgs } from './command';

/**
 * Reads free text typed after a command (Slack, the terminal) into the command's options:
 * `key:value` (or `key=value`) sets an option by name; words that can only be a model
 * (jem, tfm, wso), a mode (instant, daily, weekly) or a kind (agreements, endings, pending, totals, corrections)
 * go to that option when the command has it and the first option already has its text;
 * everything else, in order, is the text of the first option ("new york", "tx ok", "TX,OK").
 *
 *   /subscribe tx ok models:tfm daily   -> { states: "tx ok", models: "tfm", mode: "daily" }
 *   /agreements new york since:2025-03-01 -> { state: "new york", since: "2025-03-01" }
 */
export function parseCommandText(command: Command, text: string): CommandArgs {
  const args: CommandArgs = {};
  const byName = new Map(command.options.map((o) => [o.name.toLowerCase(), o]));
  const positional: string[] = [];
  const tokens = text
    .replace(/[\u00a0\s]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  for (const token of tokens) {
    // A URL (`https://...`, /webhook's argument) is text, not an option named `https`.
    const m = /^[a-z]+:\/\//i.test(token) ? null : /^([a-z]+)[:=](.*)$/i.exec(token);
    if (m && m[1].toLowerCase() === 'page') {
      args.page = m[2];
      continue;
    }
    if (m) {
      const option =
        byName.get(m[1].toLowerCase()) ?? byName.get(`${m[1].toLowerCase()}s`) ?? byName.get(m[1].toLowerCase().replace(/s$/, ''));
      if (!option) {
        const names = command.options.map((o) => `${o.name}:`).join(', ');
        throw new UserError(`/${command.name} has no option "${m[1]}:". Options: ${names || 'none'}.`);
      }
      args[option.name] = args[option.name] ? `${args[option.name]} ${m[2]}` : m[2];
      continue;
    }
    const word = token.toLowerCase().replace(/,$/, '');
    // A keyword only counts after the first option's text: "/subscribe totals" is the totals feed itself.
    const keyword = positional.length ? command.options.find((o) => o !== command.options[0] && KEYWORDS[o.type]?.has(word)) : undefined;
    if (keyword && args[keyword.name] === undefined) args[keyword.name] = word;
    else if (keyword) args[keyword.name] = `${args[keyword.name]},${word}`;
    else positional.push(token);
  }
  if (positional.length) {
    const first = command.options[0];
    if (!first) throw new UserError(`/${command.name} takes no arguments.`);
    args[first.name] = args[first.name] ? `${args[first.name]} ${positional.join(' ')}` : positional.join(' ');
  }
  return args;
}

const KEYWORDS: Partial<Record<Command['options'][number]['type'], Set<string>>> = {
  model: new Set(['jem', 'tfm', 'wso']),
  models: new Set(['jem', 'tfm', 'wso']),
  mode: new Set(['instant', 'daily', 'weekly']),
  kinds: new Set(KINDS),
};
