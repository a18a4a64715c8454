import { parseStatesArgument } from '../src/domain/arguments';
import { stateByCode } from '../src/domain/states';
import { channelKey, type Subscription } from '../src/domain/subscriptions';
import { cleanText } from '../src/domain/text';
import { UserError } from '../src/domain/user-error';
import type { Command } from './command';
import { describeSubscription, requireManager } from './subscription-format';

/** `/unsubscribe <states|all|totals|everything>`: removes part or all of this channel's subscription. */
export default {
  name: 'unsubscribe',
  description: 'Stop 287(g) alerts for states, all states, totals, or everything in this channel',
  permission: 'manage-channel',
  options: [{ name: 'what', description: 'States ("tx ok"), "all", "totals" or "everything"', type: 'states', required: true }],
  async run(ctx, args) {
    requireManager(ctx);
    const key = channelKey(ctx.channel.platform, ctx.channel.workspaceId, ctx.channel.channelId);
    const old = await ctx.services.subscriptions.get(key);
    if (!old) throw new UserError('This channel has no 287(g) subscription: nothing to remove.');
    const target = cleanText(args.what ?? '').toLowerCase();
    if (!target) throw new UserError('Say what to remove: states ("tx ok"), "all", "totals" or "everything".');

    let next: Subscription | null;
    let removed: string;
    if (target === 'everything') {
      next = null;
      removed = 'every alert';
    } else if (target === 'totals') {
      if (!old.kinds.includes('totals')) throw new UserError('This channel does not follow the national totals.');
      next = { ...old, kinds: old.kinds.filter((k) => k !== 'totals') };
      removed = 'the national totals';
    } else {
      const states = parseStatesArgument(target);
      if (states === 'all') {
        if (old.states !== 'all' && old.states.length === 0) throw new UserError('This channel follows no state.');
        next = { ...old, states: [] };
        removed = old.states === 'all' ? 'all states' : 'every state it followed';
      } else {
        if (old.states === 'all') {
          throw new UserError('This channel follows all states. Use `/unsubscribe all`, then subscribe to the states you want.');
        }
        const codes = states.map((s) => s.code);
        const notFollowed = codes.filter((c) => !(old.states as string[]).includes(c));
        if (notFollowed.length === codes.length) {
          throw new UserError(`This channel does not follow ${notFollowed.map((c) => stateByCode(c)?.name ?? c).join(', ')}.`);
        }
        next = { ...old, states: old.states.filter((c) => !codes.includes(c)) };
        removed = codes.filter((c) => !notFollowed.includes(c)).map((c) => stateByCode(c)?.name ?? c).join(', ');
        if (notFollowed.length) removed += ` (it did not follow ${notFollowed.map((c) => stateByCode(c)?.name ?? c).join(', ')})`;
      }
    }
    const who = { id: ctx.user.id, name: ctx.user.name };
    const empty = next && next.states !== 'all' && next.states.length === 0 && !next.kinds.includes('totals');
    if (!next || empty) await ctx.services.subscriptions.delete(key);
    else await ctx.services.subscriptions.put({ ...next, updatedBy: who, updatedAt: ctx.now().toISOString() });
    const remaining = next && !empty ? next : null;
    return {
      tone: 'success',
      announce: true,
      title: remaining ? '287(g) alerts changed for this channel' : '287(g) alerts off for this channel',
      blocks: [
        { kind: 'text', lines: [[{ bold: ctx.user.name }, ` removed ${removed}.`]] },
        ...(remaining ? [{ kind: 'fields' as const, fields: describeSubscription(remaining) }] : []),
      ],
    };
  },
} satisfies Command;
