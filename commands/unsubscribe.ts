import { parseStatesArgument } from '../src/domain/arguments';
import { stateByCode } from '../src/domain/states';
import { channelKey, type Subscription, TOTALS_KINDS } from '../src/domain/alerts/subscriptions';
import { cleanText } from '../src/domain/text';
import { UserError } from '../src/domain/user-error';
import type { Command } from './command';
import { describeSubscription, requireManager } from './subscription-format';

/** `/unsubscribe <states|all|totals|everything>`: removes part or all of this channel's subscription. */
export default {
  name: 'unsubscribe',
  description: 'Stop 287(g) alerts for states, all states, totals, or everything in this channel',
  permission: 'manage-channel',
  usage: 'tx ok | all | totals | everything',
  options: [{ name: 'what', description: 'States ("tx ok"), "all", "totals" or "everything"', type: 'states', required: true }],
  async run(ctx, args) {
    requireManager(ctx);
    const key = channelKey(ctx.channel.platform, ctx.channel.workspaceId, ctx.channel.channelId);
    const target = cleanText(args.what ?? '').toLowerCase();
    const who = { id: ctx.user.id, name: ctx.user.name };
    let removed = '';
    // One atomic change of the channel's record: the removal is decided on what is stored at that moment.
    const { after: remaining } = await ctx.services.subscriptions.update(key, (old) => {
      if (!old) throw new UserError('This channel has no 287(g) subscription: nothing to remove.');
      const plan = planRemoval(old, target);
      removed = plan.removed;
      const empty = plan.next && plan.next.states !== 'all' && plan.next.states.length === 0 && !plan.next.kinds.includes('totals');
      return plan.next && !empty ? { ...plan.next, updatedBy: who, updatedAt: ctx.now().toISOString() } : null;
    });
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

/** What `/unsubscribe <target>` leaves of `old` (null: nothing) and how to say what it removed; refusals are UserErrors. */
function planRemoval(old: Subscription, target: string): { next: Subscription | null; removed: string } {
  if (!target) throw new UserError('Say what to remove: states ("tx ok"), "all", "totals" or "everything".');
  if (target === 'everything') return { next: null, removed: 'every alert' };
  if (target === 'totals') {
    if (!old.kinds.includes('totals')) throw new UserError('This channel does not follow the national totals.');
    // The facility alerts came with the totals (TOTALS_KINDS): they go with them.
    return {
      next: { ...old, kinds: old.kinds.filter((k) => !TOTALS_KINDS.includes(k)) },
      removed: 'the national totals and facility alerts',
    };
  }
  const states = parseStatesArgument(target);
  if (states === 'all') {
    if (old.states !== 'all' && old.states.length === 0) throw new UserError('This channel follows no state.');
    return { next: { ...old, states: [] }, removed: old.states === 'all' ? 'all states' : 'every state it followed' };
  }
  if (old.states === 'all') {
    throw new UserError('This channel follows all states. Use `/unsubscribe all`, then subscribe to the states you want.');
  }
  const followed = old.states;
  const name = (c: string) => stateByCode(c)?.name ?? c;
  const codes = states.map((s) => s.code);
  const notFollowed = codes.filter((c) => !followed.includes(c));
  if (notFollowed.length === codes.length) throw new UserError(`This channel does not follow ${notFollowed.map(name).join(', ')}.`);
  let removed = codes
    .filter((c) => !notFollowed.includes(c))
    .map(name)
    .join(', ');
  if (notFollowed.length) removed += ` (it did not follow ${notFollowed.map(name).join(', ')})`;
  return { next: { ...old, states: followed.filter((c) => !codes.includes(c)) }, removed };
}
