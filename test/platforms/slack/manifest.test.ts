import { commands } from '../../../commands/index';
import { buildSlackManifest } from '../../../src/platforms/slack/manifest';
import { cli } from '../../helpers/cli';

/** The manifest `ice-watch slack-manifest` prints, read with regular expressions (simple YAML; no parser dependency for a test). */
async function printedManifest(...extra: string[]) {
  const r = await cli('slack-manifest', ...extra);
  expect(r.code).toBe(0);
  const manifest = r.stdout;
  const declared = [...manifest.matchAll(/^\s*- command: \/([a-z0-9_-]+)\s*$/gm)].map((m) => m[1]);
  const botScopes = [...(/^ {4}bot:\n((?: {6}- .*\n)+)/m.exec(manifest)?.[1] ?? '').matchAll(/- ([a-z:._]+)/g)].map((m) => m[1]);
  /** The double-quoted description of one command. */
  const descriptionOf = (name: string) => {
    const block = manifest.split(/^\s*- command: /m).find((b) => b.startsWith(`/${name}\n`));
    return block && (/^\s*description: "(.*)"$/m.exec(block)?.[1] as string | undefined);
  };
  return { manifest, declared, botScopes, descriptionOf };
}

describe('ice-watch slack-manifest (the Slack app manifest, from the registry)', () => {
  test('declares every command of the registry once, in its order, with its description', async () => {
    const { declared, descriptionOf } = await printedManifest();
    expect(declared).toEqual(commands.map((c) => c.name));
    for (const command of commands) expect(descriptionOf(command.name)).toBe(command.description);
  });

  test('declares the SPEC section 5 commands, each with a description Slack takes, and the usage hints', async () => {
    const { manifest, declared, descriptionOf } = await printedManifest();
    expect(declared).toEqual(
      expect.arrayContaining(['agency', 'agreements', 'status', 'subscribe', 'subscriptions', 'totals', 'unsubscribe']),
    );
    for (const name of declared) expect(descriptionOf(name)).toMatch(/^\S.{0,99}$/);
    expect(manifest).toContain('usage_hint: "tx ok models:tfm daily');
    for (const c of commands.filter((c) => c.usage)) expect(manifest).toContain(`usage_hint: ${JSON.stringify(c.usage)}`);
  });

  test('asks for the bot scopes the Slack platform code uses, and no chat:write.public; Socket Mode on', async () => {
    const { manifest, botScopes } = await printedManifest();
    expect(botScopes.sort()).toEqual(['channels:read', 'chat:write', 'commands', 'files:write', 'groups:read', 'users:read']);
    expect(manifest).not.toMatch(/^\s*- chat:write\.public/m);
    expect(manifest).toMatch(/^\s*socket_mode_enabled: true$/m);
    expect(manifest).toMatch(/^\s*interactivity:\n\s*is_enabled: true$/m);
  });

  test('--json prints the same manifest as JSON; --url gives HTTP mode its request URLs', async () => {
    const json = (await cli('slack-manifest', '--json')).json();
    expect(json).toEqual(buildSlackManifest(commands));
    const url = 'https://bot.example.org/slack/events';
    const http = (await cli('slack-manifest', '--json', '--url', url)).json();
    expect(http.settings).toMatchObject({ socket_mode_enabled: false, interactivity: { is_enabled: true, request_url: url } });
    expect(http.features.slash_commands.every((c: { url: string }) => c.url === url)).toBe(true);
    const yaml = (await printedManifest('--url', url)).manifest;
    expect(yaml).toMatch(/^\s*socket_mode_enabled: false$/m);
    expect(yaml).toContain(`request_url: ${url}`);
    const refused = await cli('slack-manifest', '--url', 'http://bot.example.org/slack/events');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/https/);
  });
});
