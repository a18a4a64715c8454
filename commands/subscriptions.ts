import { channelKey } from '../src/domain/alerts/subscriptions';
import type { Command } from './command';
import { describeSubscription } from './subscription-format';

/** `/subscriptions`: what this channel follows, since when and set by whom. */
export default {
  name: 'subscriptions',
  description: "This channel's 287(g) subscriptions",
  permission: 'anyone',
  options: [],
  async run(ctx) {
    const sub = await ctx.services.subscriptions.get(channelKey(ctx.channel.platform, ctx.channel.workspaceId, ctx.channel.channelId));
    if (!sub) {
      return {
        tone: 'info',
        title: 'This channel has no 287(g) subscription',
        blocks: [
          {
            kind: 'text',
            lines: [
              [
                'Subscribe with ',
                { code: '/subscribe tx ok' },
                ', ',
                { code: '/subscribe all' },
                ' or ',
                { code: '/subscribe totals' },
                '.',
              ],
            ],
          },
        ],
      };
    }
    return {
      tone: sub.paused ? 'error' : 'info',
      title: sub.paused ? "This channel's 287(g) alerts are paused" : "This channel's 287(g) alerts",
      blocks: [{ kind: 'fields', fields: describeSubscription(sub) }],
      footer: `Set by ${sub.createdBy.name} on ${sub.createdAt.slice(0, 10)}; last changed by ${sub.updatedBy.name} on ${sub.updatedAt.slice(0, 10)}.`,
    };
  },
} satisfies Command;
