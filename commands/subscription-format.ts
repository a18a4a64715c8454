import { countByState } from '../src/domain/agreements/diff';
import { stateByCode } from '../src/domain/states';
import { activeAgreements } from '../src/domain/agreements/identity';
import { countByModel } from '../src/domain/agreements/summary';
import type { Subscription } from '../src/domain/alerts/subscriptions';
import { UserError } from '../src/domain/user-error';
import type { CommandContext } from './command';
import { activeCounts } from '../src/messages/format';
import type { Line, ReplyField } from '../src/messages/reply';

/** Refuses users who may not change this channel's subscriptions (the platform decided who may). */
export function requireManager(ctx: CommandContext): void {
  if (ctx.user.canManageChannel) return;
  // The platform says who may, in its own words (Discord: Manage Channels; Slack: admins, when the operator requires it).
  throw new UserError(
    `Only ${ctx.services.whoMayManage ?? 'people allowed to manage this channel'} can change this channel's subscriptions.`,
  );
}

/** The fields that describe a subscription, for confirmations and /subscriptions. */
export function describeSubscription(sub: Subscription): ReplyField[] {
  const states = sub.states === 'all' ? 'All states' : sub.states.map((c) => stateByCode(c)?.name ?? c).join(', ') || 'none';
  const stateKinds = sub.kinds.filter((k) => k !== 'totals');
  return [
    { name: 'States', value: [states] },
    {
      name: 'Alerts',
      value: [[...stateKinds, ...(sub.kinds.includes('totals') ? ['national totals'] : [])].join(', ') || 'none'],
      inline: true,
    },
    { name: 'Models', value: [sub.models ? sub.models.join(', ') : 'all'], inline: true },
    { name: 'Delivery', value: [sub.mode === 'instant' ? 'instant' : `${sub.mode} digest`], inline: true },
    ...(sub.paused
      ? [{ name: 'Paused', value: [`since ${sub.paused.since.slice(0, 10)}: ${sub.paused.reason}. Subscribe again to resume.`] }]
      : []),
  ];
}

/** "Texas: 205 active (JEM 39 · TFM 47 · WSO 119), 13 pending" for each state, from the stored lists. */
export async function stateNumbers(ctx: CommandContext, states: string[] | 'all'): Promise<Line[]> {
  const listed = (await ctx.services.snapshots.getState('participating'))?.view.rows;
  if (!listed) return [['No 287(g) list has been fetched yet; numbers follow with the first poll.']];
  const participating = activeAgreements(listed);
  const waiting = (await ctx.services.snapshots.getState('pending'))?.view.rows;
  const pending = waiting ? activeAgreements(waiting) : null;
  if (states === 'all') {
    return [
      [
        { bold: 'All states' },
        `: ${activeCounts(participating.length, countByModel(participating))}${pending ? `, ${pending.length} pending` : ''}`,
      ],
    ];
  }
  const pendingCounts = pending ? countByState(pending) : null;
  return states.map((code) => {
    const rows = participating.filter((r) => r.stateCode === code);
    const p = pendingCounts ? `, ${pendingCounts.get(code)?.total ?? 0} pending` : '';
    return [{ bold: stateByCode(code)?.name ?? code }, `: ${activeCounts(rows.length, countByModel(rows))}${p}`];
  });
}
