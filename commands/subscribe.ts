import { parseKindsArgument, parseModeArgument, parseModelsArgument, parseStatesArgument } from '../src/domain/arguments';
import {
  channelKey,
  DEFAULT_STATE_KINDS,
  isConsoleDefault,
  type Kind,
  type Subscription,
  TOTALS_KINDS,
} from '../src/domain/alerts/subscriptions';
import { cleanText } from '../src/domain/text';
import { UserError } from '../src/domain/user-error';
import type { Command } from './command';
import { describeSubscription, requireManager, stateNumbers } from './subscription-format';

/**
 * `/subscribe <states|all|totals> [kinds] [models] [mode]`. Subscribing again updates the
 * channel's one subscription: states are added, kinds, models and mode replaced when given.
 * A paused subscription resumes. The confirmation names who changed what and gives the
 * states' current numbers, never a backlog.
 */
export default {
  name: 'subscribe',
  description: 'Post 287(g) alerts for states (or all, or totals) in this channel',
  permission: 'manage-channel',
  usage: 'tx ok models:tfm daily  (states|all|totals [agreements,endings,pending] [models:jem,tfm,wso] [instant|daily|weekly])',
  options: [
    { name: 'states', description: 'States ("tx ok", "TX,OK"), "all", or "totals"', type: 'states', required: true },
    {
      name: 'kinds',
      description: 'agreements, endings, pending, totals, corrections, facilities (default: the first three)',
      type: 'kinds',
      required: false,
    },
    { name: 'models', description: 'Only these models, e.g. "tfm" or "jem,wso" (default: all)', type: 'models', required: false },
    {
      name: 'mode',
      description: 'instant (default), daily or weekly digest',
      type: 'mode',
      required: false,
      choices: [
        { name: 'instant', value: 'instant' },
        { name: 'daily digest', value: 'daily' },
        { name: 'weekly digest', value: 'weekly' },
      ],
    },
  ],
  async run(ctx, args) {
    requireManager(ctx);
    const target = cleanText(args.states ?? '');
    const totalsOnly = target.toLowerCase() === 'totals';
    const states = totalsOnly ? null : parseStatesArgument(target);
    const kinds = args.kinds ? parseKindsArgument(args.kinds) : null;
    const models = args.models ? parseModelsArgument(args.models) : null;
    const mode = args.mode ? parseModeArgument(args.mode) : null;
    // Asked of the platform before the channel's turn, awaited within it: the turn is taken
    // as the command arrives, so commands in a row change the channel in the order they came.
    const canPost = ctx.services.checkCanPost(ctx.channel.channelId);
    canPost.catch(() => undefined); // awaited below; a lock timeout must not leave it unhandled

    const key = channelKey(ctx.channel.platform, ctx.channel.workspaceId, ctx.channel.channelId);
    const now = ctx.now().toISOString();
    const who = { id: ctx.user.id, name: ctx.user.name };
    let replacedDefault = false;
    const { before: old, after } = await ctx.services.subscriptions.update(key, async (stored) => {
      const problem = await canPost;
      if (problem) throw new UserError(problem);
      // Console mode's standing "every state" is replaced by what is asked, not widened by it.
      replacedDefault = Boolean(stored && isConsoleDefault(stored));
      const old = replacedDefault ? null : stored;
      const oldStates = old?.states ?? [];
      const mergedStates: Subscription['states'] =
        states === null
          ? oldStates
          : states === 'all' || oldStates === 'all'
            ? 'all'
            : [...new Set([...oldStates, ...states.map((s) => s.code)])];
      return {
        key,
        platform: ctx.channel.platform,
        workspaceId: ctx.channel.workspaceId,
        channelId: ctx.channel.channelId,
        channelName: ctx.channel.channelName ?? old?.channelName ?? null,
        states: mergedStates,
        kinds: mergeKinds(old?.kinds ?? [], kinds, totalsOnly),
        models: models ?? old?.models ?? null,
        mode: mode ?? old?.mode ?? 'instant',
        createdBy: old?.createdBy ?? who,
        createdAt: old?.createdAt ?? now,
        updatedBy: who,
        updatedAt: now,
        paused: null,
      };
    });
    // What was stored, as the store has it: the reply never claims more.
    const sub = after!;

    const what = totalsOnly ? 'enforcement totals' : states === 'all' ? 'every state' : states!.map((s) => s.name).join(', ');
    const verb = replacedDefault
      ? 'replaced the console’s default (every state) with'
      : old?.paused
        ? 'resumed and subscribed'
        : old
          ? 'updated: added'
          : 'subscribed this channel to';
    const numbers = totalsOnly ? [] : await stateNumbers(ctx, states === 'all' ? 'all' : states!.map((s) => s.code));
    return {
      tone: 'success',
      announce: true,
      title: `287(g) alerts ${old ? 'updated' : 'on'} for this channel`,
      blocks: [
        { kind: 'text', lines: [[{ bold: ctx.user.name }, ` ${verb} ${what}.`]] },
        { kind: 'fields', fields: describeSubscription(sub) },
        ...(numbers.length ? [{ kind: 'list' as const, heading: 'Where things stand now', items: numbers }] : []),
      ],
      footer: 'Alerts start with the next change ICE publishes; past changes are not replayed. /unsubscribe to stop.',
    };
  },
} satisfies Command;

/**
 * `/subscribe totals` adds the totals feed, and with it the facility alerts of the channel's
 * states (TOTALS_KINDS), to whatever the channel has. A state subscription replaces the state
 * kinds when they are given, else keeps the channel's (or the default: all but totals); the
 * totals feed stays as it was (/unsubscribe totals ends it).
 */
function mergeKinds(old: Kind[], given: Kind[] | null, totalsOnly: boolean): Kind[] {
  if (totalsOnly) return [...new Set([...old, ...(given ?? []), ...TOTALS_KINDS])];
  if (given) return old.includes('totals') && !given.includes('totals') ? [...given, 'totals'] : given;
  const stateKinds = old.filter((k) => k !== 'totals');
  return [...(stateKinds.length ? stateKinds : DEFAULT_STATE_KINDS), ...(old.includes('totals') ? ['totals' as const] : [])];
}
