import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { DEFAULT_STATE_KINDS, type Subscription } from '../../src/domain/alerts/subscriptions';
import { channelPermissions } from '../../src/platforms/discord/doctor';
import { doctorCommand } from '../../src/doctor/doctor-command';
import { openDatabase } from '../../src/store/db/database';
import { createSubscriptionStore } from '../../src/store/subscription-store';
import { openStores } from '../../src/store/open-stores';
import { startDiscordApi, STAND_IN_BOT_ID, type DiscordApi } from '../../stand-ins/discord-api';
import { fixturePath, loadSnapshot } from '../helpers/fixtures';
import { DEFAULT_GUARDS, judgePublication } from '../../src/domain/agreements/guards';
import { startIceSite, type IceSite } from '../helpers/ice-site';
import { startSlackApi, type SlackStandIn } from '../../stand-ins/slack-api';

const GUILD = '1400000000000000001';
const ROLE = '1400000000000000002';
const [OK_CH, MUTED_CH, GONE_CH] = ['1400000000000000010', '1400000000000000011', '1400000000000000012'];
const VIEW = 1n << 10n,
  SEND = 1n << 11n,
  EMBED = 1n << 14n;
const DISCORD_TOKEN = 'MTQwMDAwMDAw.doctor-discord-secret';
const SLACK_BOT_TOKEN = 'xoxb-doctor-slack-secret';
const SLACK_SIGNING_SECRET = 'doctor-signing-secret';

function sub(
  platform: 'discord' | 'slack',
  workspaceId: string,
  channelId: string,
  channelName: string,
  paused: Subscription['paused'] = null,
): Subscription {
  const who = { id: 'U1', name: 'Editor' };
  return {
    key: `${platform}:${workspaceId}:${channelId}`,
    platform,
    workspaceId,
    channelId,
    channelName,
    states: ['TX'],
    kinds: [...DEFAULT_STATE_KINDS],
    models: null,
    mode: 'instant',
    createdBy: who,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedBy: who,
    updatedAt: '2025-01-01T00:00:00.000Z',
    paused,
  };
}

describe('ice-watch doctor, against loopback stand-ins of ICE, Discord and Slack', () => {
  let site: IceSite;
  let discord: DiscordApi;
  let slack: SlackStandIn;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    [site, discord, slack] = await Promise.all([startIceSite(), startDiscordApi({ acceptTokens: [DISCORD_TOKEN] }), startSlackApi()]);
    site.publish({ participating: { file: fixturePath('participatingAgencies12122025pm.xlsx'), form: 'file-download' }, pending: null });
    site.publishDetention([
      {
        name: 'FY26_detentionStats02022026.xlsx',
        file: join(__dirname, '../fixtures/detention/2026-02-03_FY26_detentionStats02022026.xlsx'),
      },
    ]);
    // The bot's server: @everyone may view and send; the bot's role adds Embed Links. One channel denies
    // Send Messages to @everyone, one is gone.
    discord.setResource(`/guilds/${GUILD}`, {
      id: GUILD,
      owner_id: '1',
      roles: [
        { id: GUILD, permissions: String(VIEW | SEND) },
        { id: ROLE, permissions: String(EMBED) },
      ],
    });
    discord.setResource(`/guilds/${GUILD}/members/${STAND_IN_BOT_ID}`, { roles: [ROLE], user: { id: STAND_IN_BOT_ID } });
    discord.setResource(`/channels/${OK_CH}`, { id: OK_CH, guild_id: GUILD, name: 'alerts', type: 0, permission_overwrites: [] });
    discord.setResource(`/channels/${MUTED_CH}`, {
      id: MUTED_CH,
      guild_id: GUILD,
      name: 'muted',
      type: 0,
      permission_overwrites: [{ id: GUILD, type: 0, allow: '0', deny: String(SEND) }],
    });
    discord.setResource(`/channels/${GONE_CH}`, { message: 'Unknown Channel', code: 10003 }, 404);
    slack.on('conversations.info', (p) =>
      p.channel === 'C0NOTIN'
        ? { ok: true, channel: { id: p.channel, is_member: false, is_archived: false } }
        : { ok: true, channel: { id: p.channel, is_member: true, is_archived: false } },
    );

    dir = mkdtempSync(join(tmpdir(), 'ice-watch-doctor-'));
    env = {
      STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
      ICE_287G_PAGE_URL: site.pageUrl,
      ICE_DETENTION_PAGE_URL: site.detentionPageUrl,
      DISCORD_TOKEN,
      DISCORD_APP_ID: '42',
      DISCORD_API_URL: discord.apiUrl,
      SLACK_BOT_TOKEN,
      SLACK_SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      FETCH_TIMEOUT_MS: '5000',
    };
  });
  afterAll(async () => {
    await Promise.all([site.close(), discord.close(), slack.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  async function doctor(over: Record<string, string> = {}, json = false) {
    let out = '';
    const code = await doctorCommand(
      json,
      (s) => void (out += s),
      () => loadConfig({ ...env, ...over }),
    );
    return { code, out };
  }

  test('all well: exit 0, every check ok, and no secret printed', async () => {
    const { code, out } = await doctor();
    expect(out).toContain("ok    ICE's 287(g) page");
    // Each linked workbook is read as the bot would read it, and judged as a poll would.
    expect(out).toMatch(
      /ok {4}participating list +participatingAgencies12122025pm\.xlsx \(\d+ KiB\): parsed 1245 rows; the bot would take it as its baseline \(nothing stored yet\)/,
    );
    expect(out).toMatch(
      /ok {4}detention statistics +FY26_detentionStats02022026\.xlsx \(\d+ KiB\): as of 2026-01-25, 70,766 detained; the bot would take it as its baseline \(nothing stored yet\)/,
    );
    expect(out).toMatch(/ok {4}Discord token +accepted: the bot is ice-watch/);
    expect(out).toMatch(/ok {4}Slack token +accepted: bot user ice-watch \(U0BOT\) in workspace Test/);
    expect(out).toMatch(/ok {4}subscriptions +no Discord or Slack channel is subscribed yet/);
    expect(out).not.toMatch(/FAIL/);
    expect(code).toBe(0);
    for (const secret of ['doctor-discord-secret', 'doctor-slack-secret', SLACK_SIGNING_SECRET]) expect(out).not.toContain(secret);
  });

  test('channels the bot can no longer post in, a refused token and a page without its link: exit 1, each named', async () => {
    const db = openDatabase(env.STORE_URL);
    const subs = createSubscriptionStore(db);
    for (const s of [
      sub('discord', GUILD, OK_CH, 'alerts'),
      sub('discord', GUILD, MUTED_CH, 'muted'),
      sub('discord', GUILD, GONE_CH, 'old', { reason: 'Unknown Channel', since: '2025-06-01T00:00:00.000Z' }),
      sub('slack', 'T1', 'C0OK', 'news'),
      sub('slack', 'T1', 'C0NOTIN', 'private'),
    ])
      await subs.put(s);
    await db.close();

    let { code, out } = await doctor();
    expect(code).toBe(1);
    expect(out).toMatch(/ok {4}Discord channel #alerts \(1400000000000000010\) +the bot can post here/);
    expect(out).toMatch(/FAIL {2}Discord channel #muted \(1400000000000000011\) +the bot lacks Send Messages in #muted/);
    expect(out).toMatch(
      /FAIL {2}Discord channel #old \(1400000000000000012\) +paused since 2025-06-01T00:00:00.000Z: the channel no longer exists/,
    );
    expect(out).toMatch(/ok {4}Slack channel #news \(C0OK\)/);
    expect(out).toMatch(/FAIL {2}Slack channel #private \(C0NOTIN\) +the bot is not a member: \/invite @ice-watch there/);
    expect(out).toMatch(/^3 problems, 0 warnings\.$/m);

    site.publish({ participating: null });
    slack.on('auth.test', () => ({ ok: false, error: 'invalid_auth' }));
    ({ code, out } = await doctor({ DISCORD_TOKEN: 'MTQwMDAwMDAw.a-revoked-one' }, true));
    const report = JSON.parse(out);
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    const byName = Object.fromEntries(report.checks.map((c: { name: string }) => [c.name, c]));
    expect(byName["ICE's 287(g) page"]).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/links no participating-agencies workbook/),
    });
    expect(byName['Discord token']).toMatchObject({ status: 'fail', detail: expect.stringMatching(/refuses DISCORD_TOKEN \(401\)/) });
    expect(byName['Slack token']).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/^auth.test answered invalid_auth: reinstall/),
    });
    expect(out).not.toContain('a-revoked-one');
  });

  test('a truncated workbook fails as the bot would reject it; a good one is judged against the stored list', async () => {
    const whole = readFileSync(fixturePath('participatingAgencies12122025pm.xlsx'));
    const cut = join(dir, 'participatingAgencies-cut.xlsx');
    writeFileSync(cut, whole.subarray(0, 22 * 1024));
    site.publish({ participating: { file: cut, form: 'doclib' } });
    let { code, out } = await doctor();
    expect(code).toBe(1);
    expect(out).toMatch(/FAIL {2}participating list +the bot would reject it: /);

    // The store holds an older list: the current one is judged against it, as a poll would.
    const stores = openStores({ url: env.STORE_URL! });
    const older = await loadSnapshot('participatingAgencies10162025pm.xlsx', 'participating', '2025-10-16T21:00:00.000Z');
    await stores.snapshots.saveState(
      'participating',
      judgePublication(null, older, { now: new Date('2025-10-16T21:00:00Z'), guards: DEFAULT_GUARDS }).next!,
      'baseline',
    );
    await stores.close();
    site.publish({ participating: { file: fixturePath('participatingAgencies12122025pm.xlsx'), form: 'doclib' } });
    ({ code, out } = await doctor());
    expect(out).toMatch(
      new RegExp(
        `participating list +participatingAgencies12122025pm\\.xlsx \\(\\d+ KiB\\): parsed 1245 rows; the bot would (accept|hold) it against the stored list \\(${older.rows.length} rows\\): \\d+ events`,
      ),
    );
  });

  test('a configuration that does not load is the finding: exit 1, each problem listed', async () => {
    const { code, out } = await doctor({ SLACK_SIGNING_SECRET: '', HTTP_PORT: 'eighty' });
    expect(code).toBe(1);
    expect(out).toMatch(/FAIL {2}configuration +HTTP_PORT: /);
    expect(out).not.toContain('doctor-slack-secret');
  });

  test('an unreachable store fails with its URL, password hidden', async () => {
    const { out } = await doctor({ STORE_URL: 'postgres://ice:pg-secret-pw@127.0.0.1:1/ice' });
    expect(out).toMatch(/FAIL {2}store +postgres:\/\/ice:\[redacted\]@127\.0\.0\.1:1\/ice: /);
    expect(out).not.toContain('pg-secret-pw');
  });
});

describe("Discord's permission rule", () => {
  const guild = {
    id: 'G',
    owner_id: 'O',
    roles: [
      { id: 'G', permissions: String(VIEW) },
      { id: 'R', permissions: String(SEND) },
      { id: 'A', permissions: String(1n << 3n) },
    ],
  };
  test('roles add up; @everyone, role and member overwrites apply in that order; Administrator and the owner have all', () => {
    expect(channelPermissions(guild, { roles: ['R'] }, 'B', []) & (VIEW | SEND)).toBe(VIEW | SEND);
    const denyEveryoneAllowRole = [
      { id: 'G', type: 0, allow: '0', deny: String(VIEW) },
      { id: 'R', type: 0, allow: String(VIEW), deny: '0' },
    ];
    expect(channelPermissions(guild, { roles: ['R'] }, 'B', denyEveryoneAllowRole) & VIEW).toBe(VIEW);
    expect(channelPermissions(guild, { roles: [] }, 'B', denyEveryoneAllowRole) & VIEW).toBe(0n);
    expect(
      channelPermissions(guild, { roles: ['R'] }, 'B', [...denyEveryoneAllowRole, { id: 'B', type: 1, allow: '0', deny: String(VIEW) }]) &
        VIEW,
    ).toBe(0n);
    expect(channelPermissions(guild, { roles: ['A'] }, 'B', [{ id: 'G', type: 0, allow: '0', deny: String(VIEW | SEND) }]) & SEND).toBe(
      SEND,
    );
    expect(channelPermissions(guild, { roles: [] }, 'O', [{ id: 'G', type: 0, allow: '0', deny: String(VIEW) }]) & VIEW).toBe(VIEW);
  });
});
