import { parseKindsArgument, parseModelsArgument, parseStatesArgument } from '../src/domain/arguments';
import { cleanText } from '../src/domain/text';
import { UserError } from '../src/domain/user-error';
import type { Reply } from '../src/messages/reply';
import { describeFollowedStates, readsAsTotalsOnly } from '../src/messages/webhook-text';
import type { WebhookAdmin } from '../src/store/webhook-admin';
import { parseWebhookPreset, WEBHOOK_PRESETS } from '../src/store/webhook-store';
import type { Command, CommandContext } from './command';
import { describeSubscription } from './subscription-format';

const USAGE = 'add <url> <states|all|totals> [kinds] [models:...] [preset:json|slack|teams] | remove <id|url> | list';

/** Only in an operators' channel (or the terminal): a webhook's secret is shown there, and an endpoint is the bot calling out. */
function adminFor(ctx: CommandContext): WebhookAdmin {
  const admin = ctx.services.webhookAdmin;
  if (!admin || !ctx.services.isOperatorChannel?.(ctx.channel))
    throw new UserError(
      "/webhook works only in the operators' channel (OPERATOR_DISCORD_CHANNEL on Discord, OPERATOR_SLACK_CHANNEL on Slack) and in the terminal (ice-watch subscribe --webhook <url> <states>).",
    );
  return admin;
}

/**
 * `/webhook add <url> <states> | remove <id|url> | list`: webhook endpoints, from the operators'
 * channel. Typed as free text (Slack, the terminal) everything lands in `action`, which is split
 * here; Discord fills the options one by one. The secret is shown once, privately.
 */
export default {
  name: 'webhook',
  description: "Webhook endpoints that get alerts as signed JSON (operators' channel only)",
  permission: 'manage-channel',
  usage: USAGE,
  options: [
    {
      name: 'action',
      description: 'add, remove or list',
      type: 'text',
      required: true,
      choices: [
        { name: 'add', value: 'add' },
        { name: 'remove', value: 'remove' },
        { name: 'list', value: 'list' },
      ],
    },
    { name: 'target', description: 'The endpoint URL (add, remove) or id (remove)', type: 'text', required: false },
    { name: 'states', description: 'States ("tx ok"), "all", or "totals" (add)', type: 'states', required: false },
    { name: 'kinds', description: 'agreements, endings, pending, totals, corrections, facilities', type: 'kinds', required: false },
    { name: 'models', description: 'Only these models, e.g. "tfm" (default: all)', type: 'models', required: false },
    {
      name: 'preset',
      description: 'json (signed, default), slack or teams (their incoming webhooks)',
      type: 'text',
      required: false,
      choices: WEBHOOK_PRESETS.map((p) => ({ name: p, value: p })),
    },
  ],
  async run(ctx, args): Promise<Reply> {
    const admin = adminFor(ctx);
    const [action = '', ...words] = cleanText(args.action ?? '').split(' ');
    const target = args.target ?? words[0];
    const states = args.states ?? words.slice(args.target ? 0 : 1).join(' ');
    switch (action.toLowerCase()) {
      case 'list': {
        const all = await admin.list();
        return {
          tone: 'info',
          title: `${all.length} webhook ${all.length === 1 ? 'endpoint' : 'endpoints'}`,
          blocks: all.length
            ? [
                {
                  kind: 'list',
                  items: all.map(({ endpoint, subscription }) => [
                    { code: endpoint.id },
                    ` ${endpoint.preset} · ${endpoint.displayUrl} · ${describeFollowedStates(subscription?.states ?? null)}${subscription?.paused ? ` · paused: ${subscription.paused.reason}` : ''}`,
                  ]),
                },
              ]
            : [{ kind: 'text', lines: [['None yet. /webhook add <url> <states> adds one.']] }],
          ephemeral: true,
        };
      }
      case 'remove': {
        if (!target) throw new UserError('Usage: /webhook remove <id|url>');
        const gone = await admin.unsubscribe(target);
        if (!gone)
          throw new UserError(`No webhook endpoint ${target.startsWith('wh_') ? target : 'with that URL'}. /webhook list shows them.`);
        return { tone: 'success', title: `Webhook ${gone.id} removed`, blocks: [], ephemeral: true };
      }
      case 'add': {
        // Typed as free text, "totals" is read as a kind: alone, it means the totals feed here.
        const totalsOnly = readsAsTotalsOnly(states) || (!states.trim() && readsAsTotalsOnly(args.kinds ?? ''));
        if (!target || (!states.trim() && !totalsOnly)) throw new UserError(`Usage: /webhook ${USAGE}`);
        const done = await admin.subscribe({
          url: target,
          states: totalsOnly ? [] : ((s) => (s === 'all' ? 'all' : s.map((x) => x.code)))(parseStatesArgument(states)),
          kinds: args.kinds && !(totalsOnly && !states.trim()) ? parseKindsArgument(args.kinds) : null,
          models: args.models ? parseModelsArgument(args.models) : null,
          preset: parseWebhookPreset(args.preset),
          by: { id: ctx.user.id, name: ctx.user.name },
        });
        return {
          tone: 'success',
          title: `Webhook ${done.endpoint.id} ${done.created ? 'added' : 'updated'}`,
          blocks: [
            ...(done.secret
              ? [{ kind: 'text' as const, lines: [['Signing secret (shown once, keep it): ', { code: done.secret }]] }]
              : [{ kind: 'text' as const, lines: [['Its signing secret is unchanged.']] }]),
            { kind: 'fields', fields: [{ name: 'Format', value: [done.endpoint.preset] }, ...describeSubscription(done.subscription)] },
          ],
          footer: 'Each alert is POSTed with X-Ice-Watch-Signature (HMAC-SHA256 of "<timestamp>.<body>"); see the README.',
          ephemeral: true,
          data: { id: done.endpoint.id, secret: done.secret, created: done.created },
        };
      }
      default:
        throw new UserError(`Usage: /webhook ${USAGE}`);
    }
  },
} satisfies Command;
