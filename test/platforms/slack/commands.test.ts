import type { Command } from '../../../commands/command';
import type { Reply } from '../../../src/messages/reply';
import { decodePageValue } from '../../../src/platforms/slack/paging';
import { signSlackRequest } from '../../../stand-ins/slack-api';
import { HOSTILE_AGENCY, SECRET, seedServices, startHarness, textsOf, type Harness } from './harness';
import { expectWithinSlackLimits } from './slack-limits';

/** Records its runs and can be held open, to see what the ack does not wait for. */
const runs: string[] = [];
let hold: Promise<void> | null = null;
const probe: Command = {
  name: 'probe',
  description: 'test probe',
  permission: 'anyone',
  options: [{ name: 'text', description: 'anything', type: 'text', required: false }],
  async run(_ctx, args) {
    runs.push(args.text ?? '');
    if (hold) await hold;
    return { tone: 'info', title: 'Probe', blocks: [{ kind: 'text', lines: [[`ran with ${args.text ?? ''}`]] }] } satisfies Reply;
  },
};

let h: Harness;
let fixture: Awaited<ReturnType<typeof seedServices>>['fixtureRows'];

beforeAll(async () => {
  h = await startHarness({ extraCommands: [probe] });
  fixture = (await seedServices()).fixtureRows;
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  runs.length = 0;
});

const counts = (rows: typeof fixture) =>
  `JEM ${rows.filter((r) => r.model === 'JEM').length} · TFM ${rows.filter((r) => r.model === 'TFM').length} · WSO ${rows.filter((r) => r.model === 'WSO').length}`;
const listItems = (blocks: any[]) =>
  textsOf(blocks)
    .flatMap((t) => t.split('\n'))
    .filter((l) => l.startsWith('• '));

describe("Slack slash commands through Bolt's HTTP receiver", () => {
  test('a slash command is acked at once with an empty 200, before the command has answered', async () => {
    let release!: () => void;
    hold = new Promise((r) => (release = r));
    try {
      const { res, id, answer } = await h.slash('/probe', 'hello');
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
      expect(h.slack.responses.find((r) => r.id === id)).toBeUndefined();
      release();
      expect(textsOf((await answer()).blocks)).toContain('ran with hello');
    } finally {
      hold = null;
    }
  });

  test("/agreements texas posts Block Kit to the response_url with the file's Texas count, newest first, paged", async () => {
    const texas = fixture.filter((r) => r.stateCode === 'TX');
    const { res, answer } = await h.slash('/agreements', 'texas');
    expect(res.status).toBe(200);
    const body = await answer();
    expect(body.response_type).toBe('in_channel');
    expect(body.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: `Texas: ${texas.length} active 287(g) agreements`, emoji: false },
    });
    expect(body.blocks[1].fields[0].text).toBe(`*By model*\n${counts(texas)}`);
    const items = listItems(body.blocks);
    expect(items).toHaveLength(10);
    const newest = [...texas].sort((a, b) => (b.signed ?? '').localeCompare(a.signed ?? ''))[0];
    expect(items[0]).toContain(`signed ${newest.signed}`);
    expect(body.blocks.find((b: any) => b.type === 'actions').elements.map((e: any) => e.action_id)).toEqual(['page_next']);
    expect(body.blocks.at(-1).elements.at(-1).text).toBe(`Page 1 of ${Math.ceil(texas.length / 10)}`);
    expectWithinSlackLimits(body.blocks);
  });

  test('a paging button re-runs the command for page 2 and replaces the message', async () => {
    const first = await (await h.slash('/agreements', 'texas')).answer();
    const next = first.blocks.find((b: any) => b.type === 'actions').elements.find((e: any) => e.action_id === 'page_next');
    expect(decodePageValue(next.value)).toEqual({ command: 'agreements', args: { state: 'texas' }, page: 2 });
    const { res, answer } = await h.click('page_next', next.value);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const page2 = await answer();
    expect(page2.replace_original).toBe(true);
    expect(page2.blocks[0]).toEqual(first.blocks[0]);
    expect(textsOf(page2.blocks).some((t) => t.startsWith('*Signings, page 2*'))).toBe(true);
    const items1 = listItems(first.blocks);
    const items2 = listItems(page2.blocks);
    expect(items2).toHaveLength(10);
    expect(items2.filter((i) => items1.includes(i))).toEqual([]);
    expect(page2.blocks.find((b: any) => b.type === 'actions').elements.map((e: any) => e.action_id)).toEqual(['page_prev', 'page_next']);
    expect(page2.blocks.at(-1).elements.at(-1).text).toMatch(/^Page 2 of \d+$/);
  });

  test('a typo in the state is answered privately with a suggestion', async () => {
    const body = await (await h.slash('/agreements', 'Texs')).answer();
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toBe('Sorry: Unknown state "Texs". Did you mean Texas?');
    expect(textsOf(body.blocks)).toContain('Unknown state "Texs". Did you mean Texas?');
  });

  test('free text with a multi-word state and key:value options: /agreements new york since:2025-03-01', async () => {
    const rows = fixture.filter((r) => r.stateCode === 'NY' && (r.signed ?? '') >= '2025-03-01');
    const body = await (await h.slash('/agreements', 'new york since:2025-03-01')).answer();
    expect(body.blocks[0].text.text).toBe(`New York: ${rows.length} active 287(g) agreements (since 2025-03-01)`);
    const items = listItems(body.blocks);
    expect(items).toHaveLength(Math.min(rows.length, 10));
    for (const item of items) expect(item.match(/signed (\d{4}-\d{2}-\d{2})/)![1] >= '2025-03-01').toBe(true);
  });

  test('an option the command does not have is a user error, answered privately', async () => {
    const body = await (await h.slash('/agreements', 'texas colour:blue')).answer();
    expect(body.response_type).toBe('ephemeral');
    expect(textsOf(body.blocks).join('\n')).toContain('/agreements has no option "colour:"');
  });

  test('an agency name with mrkdwn, mentions and HTML is escaped in the blocks', async () => {
    const body = await (await h.slash('/agreements', 'oregon')).answer();
    const json = JSON.stringify(body);
    expect(json).toContain('＊bold＊ &lt;!everyone&gt; &lt;@U123&gt; &amp; &lt;script&gt;');
    for (const raw of ['<!everyone>', '<@U123>', '<script>', '*bold*', HOSTILE_AGENCY]) expect(json).not.toContain(raw);
    expect(listItems(body.blocks)[0]).toBe(
      '• *＊bold＊ &lt;!everyone&gt; &lt;@U123&gt; &amp; &lt;script&gt;* (Multnomah County, Oregon) · WSO · signed 2025-12-01 · <https://www.ice.gov/doclib/287gMOA/Hostile_WSO_MOA.pdf|MOA>',
    );
    expectWithinSlackLimits(body.blocks);
  });

  test('/agreements all stays within Slack limits', async () => {
    const body = await (await h.slash('/agreements', 'all')).answer();
    expectWithinSlackLimits(body.blocks);
    expect(listItems(body.blocks)).toHaveLength(20);
  });

  test.each([
    ['a bad signature', () => ({ signature: 'v0=' + '0'.repeat(64) })],
    ['a signature made with another secret', () => ({ signature: signSlackRequest('not-the-secret', Math.floor(Date.now() / 1000), 'x') })],
    ['a timestamp over five minutes old', () => ({ timestamp: Math.floor(Date.now() / 1000) - 5 * 60 - 30 })],
  ])('%s is refused with 401 and runs nothing', async (_name, sign) => {
    const refused = await h.slash('/probe', 'forged', {}, sign());
    expect(refused.res.status).toBe(401);
    // A genuine request after it is answered; the refused one never ran.
    await (await h.slash('/probe', 'genuine')).answer();
    expect(runs).toEqual(['genuine']);
    expect(h.slack.responses.find((r) => r.id === refused.id)).toBeUndefined();
  });

  test('the app calls the Web API at SLACK_API_URL with the bot token, and no secret reaches the logs', async () => {
    const [authTest] = h.slack.callsTo('auth.test');
    expect(authTest.headers.authorization).toBe('Bearer xoxb-1111-2222-testbottoken');
    expect(h.rawLogs.length).toBeGreaterThan(0);
    const all = h.rawLogs.join('\n');
    for (const secret of ['xoxb-1111-2222-testbottoken', SECRET, 'verification-token-5d1e']) expect(all).not.toContain(secret);
  });

  test('a webhook URL typed in a command reaches the debug log shortened: its token (the credential) never does', async () => {
    const token = 'Zq7tokenOfTheIncomingWebhook';
    const sent = await h.slash('/webhook', `add https://hooks.slack.com/services/T0001/B0002/${token} tx`);
    await sent.answer();
    const line = h.logs.find((l) => l.msg === 'slack command' && String(l.args?.action).startsWith('add'));
    expect(line?.args.action).toBe('add https://hooks.slack.com/services/T0001/B0002/… tx');
    expect(h.rawLogs.join('\n')).not.toContain(token);
  });
});
