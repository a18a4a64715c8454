import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandContext } from '../../../commands/command';
import { parseCommandText } from '../../../commands/parse-text';
import { runCommand } from '../../../commands/run-command';
import webhook from '../../../commands/webhook';
import { createLogger } from '../../../src/logging/logger';
import { lineText } from '../../../src/messages/reply';
import { createWebhookAdmin, webhookSubscriptionKey } from '../../../src/platforms/webhook/admin';
import { openStores, type Stores } from '../../../src/store/open-stores';
import { cli } from '../../helpers/cli';

const replyText = (reply: { title: string; blocks: Array<{ kind: string }> }) =>
  [
    reply.title,
    ...reply.blocks.flatMap((b) =>
      'lines' in b ? (b.lines as never[]).map(lineText) : 'items' in b ? (b.items as never[]).map(lineText) : [],
    ),
  ].join('\n');

describe('/webhook', () => {
  let stores: Stores;
  beforeEach(() => {
    stores = openStores({ url: 'memory://' });
  });
  afterEach(() => stores.close());

  const ctx = (operators: boolean, allowPrivate = false): CommandContext => ({
    channel: { platform: 'slack', workspaceId: 'T1', channelId: operators ? 'COPS' : 'CNEWS', channelName: operators ? 'ops' : 'news' },
    user: { id: 'U1', name: 'Op', canManageChannel: true },
    services: {
      snapshots: stores.snapshots,
      subscriptions: stores.subscriptions,
      checkCanPost: async () => null,
      webhookAdmin: createWebhookAdmin({
        endpoints: stores.webhooks,
        subscriptions: stores.subscriptions,
        outbox: stores.outbox,
        digests: stores.digests,
        policy: { allowPrivate },
        now: () => new Date('2026-01-05T12:00:00Z'),
      }),
      isOperatorChannel: (c) => c.channelId === 'COPS',
    },
    now: () => new Date('2026-01-05T12:00:00Z'),
  });
  const run = (context: CommandContext, text: string) =>
    runCommand({ command: webhook, context, args: () => parseCommandText(webhook, text), log: createLogger('silent'), refusal: 'no' });

  test('elsewhere than the operators’ channel it says where it works, and changes nothing', async () => {
    const outcome = await run(ctx(false, true), 'add https://hooks.example.org/x tx');
    expect(outcome).toMatchObject({ ok: false, failure: 'mistake' });
    expect(replyText(outcome.reply)).toContain(
      "works only in the operators' channel (OPERATOR_DISCORD_CHANNEL on Discord, OPERATOR_SLACK_CHANNEL on Slack)",
    );
    expect(await stores.webhooks.list()).toEqual([]);
  });

  test('add (as typed on Slack) shows the secret once, privately; list never shows it; remove forgets it', async () => {
    const added = await run(ctx(true, true), 'add http://127.0.0.1:9/hook tx ok preset:slack');
    expect(added.ok).toBe(true);
    const [endpoint] = await stores.webhooks.list();
    expect(endpoint).toMatchObject({ url: 'http://127.0.0.1:9/hook', preset: 'slack' });
    expect(added.reply.ephemeral).toBe(true);
    expect(replyText(added.reply)).toContain(endpoint.secret);
    expect(await stores.subscriptions.get(webhookSubscriptionKey(endpoint.id))).toMatchObject({
      platform: 'webhook',
      workspaceId: 'webhook',
      channelId: endpoint.id,
      states: ['TX', 'OK'],
    });

    const again = await run(ctx(true, true), 'add http://127.0.0.1:9/hook fl');
    expect(replyText(again.reply)).not.toContain(endpoint.secret);
    expect(replyText(again.reply)).toContain('signing secret is unchanged');
    expect((await stores.webhooks.list())[0].secret).toBe(endpoint.secret);

    const listed = await run(ctx(true, true), 'list');
    expect(replyText(listed.reply)).toContain(endpoint.id);
    expect(replyText(listed.reply)).not.toContain(endpoint.secret);

    const removed = await run(ctx(true, true), `remove ${endpoint.id}`);
    expect(removed.ok).toBe(true);
    expect(await stores.webhooks.list()).toEqual([]);
    expect(await stores.subscriptions.get(webhookSubscriptionKey(endpoint.id))).toBeNull();
  });

  test('no reply shows a URL whole (for Slack and Teams it is the credential), not even of an endpoint left without a subscription', async () => {
    const token = 'abcdefghijklmnopqrstuvwx';
    const url = `http://127.0.0.1:9/services/T01ABCDEF/B02GHIJKL/${token}`;
    const added = await run(ctx(true, true), `add ${url} tx preset:slack`);
    expect(added.ok).toBe(true);
    await stores.webhooks.ensure(`http://127.0.0.1:9/orphan?sig=${token}`, { createdBy: { id: 'U1', name: 'Op' }, at: new Date() });
    const listed = await run(ctx(true, true), 'list');
    const text = replyText(listed.reply);
    expect(text).toContain('http://127.0.0.1:9/services/T01ABCDEF/… · TX');
    expect(text).toContain('http://127.0.0.1:9/… · no subscription');
    for (const reply of [added.reply, listed.reply]) expect(JSON.stringify(reply)).not.toContain(token);
    // The full URL still finds the endpoint.
    expect((await run(ctx(true, true), `remove ${url}`)).ok).toBe(true);
  });

  test('refuses a URL longer than the database column with the reason, before it reaches the store', async () => {
    const outcome = await run(ctx(true, true), `add http://127.0.0.1:9/${'a'.repeat(2100)} tx`);
    expect(outcome).toMatchObject({ ok: false, failure: 'mistake' });
    expect(replyText(outcome.reply)).toContain('at most 2048 characters');
    expect(await stores.webhooks.list()).toEqual([]);
  });

  test('refuses an unknown preset, in words shared with the terminal', async () => {
    const outcome = await run(ctx(true, true), 'add http://127.0.0.1:9/hook tx preset:discord');
    expect(outcome).toMatchObject({ ok: false, failure: 'mistake' });
    expect(replyText(outcome.reply)).toContain('Unknown preset "discord": json, slack or teams.');
  });

  test('refuses an internal address with the reason when the setting is off', async () => {
    const outcome = await run(ctx(true, false), 'add http://169.254.169.254/latest tx');
    expect(outcome).toMatchObject({ ok: false, failure: 'mistake' });
    expect(replyText(outcome.reply)).toContain('link-local address');
    expect(await stores.webhooks.list()).toEqual([]);
  });
});

describe('ice-watch subscribe --webhook / webhooks / unsubscribe --webhook', () => {
  async function inTerminal(env: Record<string, string>, ...argv: string[]) {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    try {
      return await cli(...argv);
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  }

  test('prints the id and secret once, lists without secrets, updates states, removes; refuses loopback unless allowed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ice-watch-webhook-cli-'));
    const env = { STORE_URL: `sqlite://${join(dir, 'bot.sqlite')}`, WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'false' };
    try {
      const refused = await inTerminal(env, 'subscribe', '--webhook', 'http://127.0.0.1:8080/hook', 'tx');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('127.0.0.1 is a loopback address');

      const allow = { ...env, WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' };
      const made = await inTerminal(
        allow,
        'subscribe',
        '--webhook',
        'http://127.0.0.1:8080/hook',
        'tx',
        'ok',
        '--kinds',
        'agreements',
        '--json',
      );
      expect(made.code).toBe(0);
      const { id, secret } = made.json();
      expect(id).toMatch(/^wh_[0-9a-f]{12}$/);
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      expect(made.json()).toMatchObject({ created: true, preset: 'json', states: ['TX', 'OK'], kinds: ['agreements'] });

      const updated = await inTerminal(allow, 'subscribe', '--webhook', 'http://127.0.0.1:8080/hook', 'fl', '--preset', 'teams');
      expect(updated.stdout).toContain(`Webhook ${id} updated (teams): FL`);
      expect(updated.stdout).not.toContain(secret);

      const listed = await inTerminal(allow, 'webhooks', '--json');
      expect(listed.json().webhooks).toEqual([
        expect.objectContaining({ id, url: 'http://127.0.0.1:8080/…', preset: 'teams', states: ['FL'], kinds: ['agreements'] }),
      ]);
      expect(listed.stdout).not.toContain(secret);

      // A URL carrying its credential is never printed whole: not when added, not in either listing.
      const token = 's3cr3tT0kenOfTheEndpoint';
      const withToken = await inTerminal(allow, 'subscribe', '--webhook', `http://127.0.0.1:8080/in?sig=${token}`, 'totals', '--json');
      expect(withToken.json()).toMatchObject({ url: 'http://127.0.0.1:8080/…', states: [] });
      const text = await inTerminal(allow, 'webhooks');
      expect(text.stdout).toContain('http://127.0.0.1:8080/…\n    totals;');
      const json = await inTerminal(allow, 'webhooks', '--json');
      for (const printed of [withToken.stdout, text.stdout, json.stdout]) expect(printed).not.toContain(token);
      await inTerminal(allow, 'unsubscribe', '--webhook', withToken.json().id);

      const gone = await inTerminal(allow, 'unsubscribe', '--webhook', 'http://127.0.0.1:8080/hook', '--json');
      expect(gone.json()).toEqual({ removed: id });
      expect((await inTerminal(allow, 'webhooks', '--json')).json()).toEqual({ webhooks: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
