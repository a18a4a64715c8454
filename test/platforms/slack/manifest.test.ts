import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commands } from '../../../commands/index';

/** slack-manifest.yml, read with regular expressions (it is simple YAML; no parser dependency for a test). */
const manifest = readFileSync(join(__dirname, '..', '..', '..', 'slack-manifest.yml'), 'utf8');
const declared = [...manifest.matchAll(/^\s*- command: \/([a-z0-9_-]+)\s*$/gm)].map((m) => m[1]);
const botScopes = [...(/^ {4}bot:\n((?: {6}- .*\n)+)/m.exec(manifest)?.[1] ?? '').matchAll(/- ([a-z:._]+)/g)].map((m) => m[1]);

/** The double-quoted description of one command. */
function descriptionOf(name: string): string | undefined {
  const block = manifest.split(/^\s*- command: /m).find((b) => b.startsWith(`/${name}\n`));
  return block && /^\s*description: "(.*)"$/m.exec(block)?.[1];
}

describe('slack-manifest.yml', () => {
  test('declares every command of the registry, with its description', () => {
    for (const command of commands) {
      expect(declared).toContain(command.name);
      expect(descriptionOf(command.name)).toBe(command.description);
    }
  });

  test('declares the SPEC section 5 commands once each, each with a description', () => {
    expect([...declared].sort()).toEqual(['agency', 'agreements', 'status', 'subscribe', 'subscriptions', 'totals', 'unsubscribe']);
    for (const name of declared) expect(descriptionOf(name)).toMatch(/^\S.{0,99}$/);
    expect(manifest).toContain('usage_hint: "tx ok models:tfm daily');
  });

  test('asks for the bot scopes the Slack platform code uses, and no chat:write.public; Socket Mode on', () => {
    expect(botScopes.sort()).toEqual(['channels:read', 'chat:write', 'commands', 'files:write', 'groups:read', 'users:read']);
    expect(manifest).toMatch(/^\s*socket_mode_enabled: true$/m);
    expect(manifest).toMatch(/^\s*interactivity:\n\s*is_enabled: true$/m);
  });
});
