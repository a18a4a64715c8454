import { userInfo } from 'node:os';
import type { Config } from '../config';
import { parseKindsArgument, parseModelsArgument, parseStatesArgument } from '../domain/arguments';
import { TOTALS_KINDS } from '../domain/alerts/subscriptions';
import { UserError } from '../domain/user-error';
import { describeFollowedStates, readsAsTotalsOnly } from '../messages/webhook-text';
import { webhookAdminOf } from '../platforms/webhook/plugin';

export { webhookAdminOf };
import type { WebhookAdmin } from '../store/webhook-admin';
import { parseWebhookPreset } from '../store/webhook-store';
import { openConfiguredStores } from '../store/legacy/migrate-legacy';
import { args, type Out } from './options';

/** Does this command line manage a webhook (`subscribe --webhook ...`, `unsubscribe --webhook ...`)? */
export const isWebhookCommandLine = (rest: string[]): boolean => rest.some((a) => a === '--webhook' || a.startsWith('--webhook='));

async function withAdmin(config: Config, work: (admin: WebhookAdmin) => Promise<number>): Promise<number> {
  const stores = await openConfiguredStores(config);
  try {
    return await work(webhookAdminOf(stores, config));
  } finally {
    await stores.close();
  }
}

const SUBSCRIBE_USAGE =
  'Usage: ice-watch subscribe --webhook <url> <states...|all|totals> [--kinds K] [--models M] [--preset json|slack|teams] [--json]';

/**
 * `ice-watch subscribe --webhook <url> <states...>`: adds the endpoint (or updates its states,
 * keeping its secret) and prints its id and, when new, its signing secret: the only time it is shown.
 */
export async function subscribeWebhookCommand(rest: string[], out: Out, config: Config): Promise<number> {
  const { values, positionals } = args(rest, {
    webhook: { type: 'string' },
    kinds: { type: 'string' },
    models: { type: 'string' },
    preset: { type: 'string' },
  });
  if (!values.webhook || !positionals.length) throw new UserError(SUBSCRIBE_USAGE);
  const text = positionals.join(' ');
  const totalsOnly = readsAsTotalsOnly(text);
  const states = totalsOnly ? [] : parseStatesArgument(text);
  const kinds = values.kinds ? parseKindsArgument(values.kinds) : totalsOnly ? TOTALS_KINDS : null;
  const me = userInfo().username;
  return withAdmin(config, async (admin) => {
    const done = await admin.subscribe({
      url: values.webhook!,
      states: states === 'all' ? 'all' : states.map((s) => s.code),
      kinds,
      models: values.models ? parseModelsArgument(values.models) : null,
      preset: parseWebhookPreset(values.preset),
      by: { id: me, name: me },
    });
    const sub = done.subscription;
    const following = sub.states === 'all' ? 'all' : sub.states;
    if (values.json) {
      out.stdout(
        `${JSON.stringify({ id: done.endpoint.id, url: done.endpoint.displayUrl, preset: done.endpoint.preset, secret: done.secret, created: done.created, states: following, kinds: sub.kinds, models: sub.models })}\n`,
      );
      return 0;
    }
    out.stdout(
      [
        `Webhook ${done.endpoint.id} ${done.created ? 'added' : 'updated'} (${done.endpoint.preset}): ${describeFollowedStates(following)}; ${sub.kinds.join(', ')}${sub.models ? `; models ${sub.models.join(', ')}` : ''}`,
        done.secret
          ? `Signing secret (shown only now; keep it to verify X-Ice-Watch-Signature): ${done.secret}`
          : 'Its signing secret is unchanged.',
      ].join('\n') + '\n',
    );
    return 0;
  });
}

/** `ice-watch unsubscribe --webhook <id|url>`: removes the endpoint and its subscription. */
export async function unsubscribeWebhookCommand(rest: string[], out: Out, config: Config): Promise<number> {
  const { values, positionals } = args(rest, { webhook: { type: 'string' } });
  if (!values.webhook || positionals.length) throw new UserError('Usage: ice-watch unsubscribe --webhook <id|url> [--json]');
  return withAdmin(config, async (admin) => {
    const gone = await admin.unsubscribe(values.webhook!);
    if (!gone) throw new UserError(`No webhook endpoint matches ${values.webhook}: \`ice-watch webhooks\` lists them.`);
    out.stdout(values.json ? `${JSON.stringify({ removed: gone.id })}\n` : `Webhook ${gone.id} removed.\n`);
    return 0;
  });
}

/** `ice-watch webhooks`: every endpoint and what it follows; secrets are never shown. */
export async function listWebhooksCommand(rest: string[], out: Out, config: Config): Promise<number> {
  const { values, positionals } = args(rest, {});
  if (positionals.length) throw new UserError('Usage: ice-watch webhooks [--json]');
  return withAdmin(config, async (admin) => {
    const rows = (await admin.list()).map(({ endpoint, subscription: s }) => ({
      id: endpoint.id,
      url: endpoint.displayUrl,
      preset: endpoint.preset,
      createdBy: endpoint.createdBy.name,
      createdAt: endpoint.createdAt,
      states: s ? s.states : null,
      kinds: s?.kinds ?? null,
      models: s?.models ?? null,
      paused: s?.paused ?? null,
    }));
    if (values.json) {
      out.stdout(`${JSON.stringify({ webhooks: rows })}\n`);
      return 0;
    }
    if (!rows.length) out.stdout('No webhook endpoint. ice-watch subscribe --webhook <url> <states> adds one.\n');
    for (const r of rows) {
      const states = describeFollowedStates(r.states);
      out.stdout(
        `${r.id}  ${r.preset.padEnd(5)}  ${r.url}\n    ${states}${r.kinds ? `; ${r.kinds.join(', ')}` : ''}${r.paused ? `; PAUSED since ${r.paused.since}: ${r.paused.reason}` : ''}\n`,
      );
    }
    return 0;
  });
}
