/**
 * 200 slash commands at once through Bolt's HTTP receiver (issue 7, load): every one is
 * acked with a 200 and every one is answered, on its own response_url, with the answer to
 * its own text. The command is a cheap echo so the test stays quick; `/agreements texas`
 * under the same load, and how fast the acks are, is the bench's business (`npm run bench`,
 * figure slackAcks), never a test's.
 */
import type { Command } from '../../../commands/command';
import { startHarness, textsOf, type Harness } from './harness';

const CONCURRENT = 200;

const echo: Command = {
  name: 'echo',
  description: 'answers its text',
  permission: 'anyone',
  options: [{ name: 'text', description: 'anything', type: 'text', required: true }],
  async run(_ctx, args) {
    return { tone: 'info', title: 'Echo', blocks: [{ kind: 'text', lines: [[`echo ${args.text}`]] }] };
  },
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ extraCommands: [echo] });
});
afterAll(() => h.close());

test("200 concurrent signed slash commands: 200 acks with status 200, and each response_url answered with its own command's answer", async () => {
  const sent = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => h.slash('/echo', `request-${i}`)));
  expect(sent.map((s) => s.res.status)).toEqual(Array(CONCURRENT).fill(200));
  expect(await Promise.all(sent.map((s) => s.res.text()))).toEqual(Array(CONCURRENT).fill(''));
  const answers = await h.slack.waitForResponses(CONCURRENT, 60_000);
  const byId = new Map(answers.map((a) => [a.id, a.body]));
  expect(byId.size).toBe(CONCURRENT);
  for (const [i, s] of sent.entries()) expect(textsOf(byId.get(s.id)!.blocks)).toContain(`echo request-${i}`);
}, 60_000);
