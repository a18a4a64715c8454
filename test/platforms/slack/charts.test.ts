/**
 * Pictures on Slack (issue 8): the PNG goes through Slack's upload flow (files.uploadV2:
 * files.getUploadURLExternal, the bytes to the upload URL, files.completeUploadExternal,
 * no channel) and the answer shows it in an image block by file id. An upload that fails,
 * or a message Slack refuses with the picture, leaves the text to go alone.
 */
import { createLogger } from '../../../src/logging/logger';
import type { PlannedDelivery } from '../../../src/domain/alerts/delivery-plan';
import { createSlackAlertSender, createSlackWebClient } from '../../../src/platforms/slack/alert-sender';
import { readPng, weeklyDigest } from '../../helpers/charts';
import { startSlackApi, type SlackStandIn } from '../../../stand-ins/slack-api';
import { startHarness, type Harness } from './harness';

describe('Slack: pictures in slash-command answers', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  test('/agreements texas uploads the trend chart privately and shows it in an image block under the list', async () => {
    const { answer } = await h.slash('/agreements', 'texas');
    const message = await answer();
    expect(h.slack.callsTo('files.getUploadURLExternal').map((c) => [c.params.filename, Number(c.params.length)])).toEqual([
      ['agreements-texas.png', h.slack.uploads[0].data!.length],
    ]);
    const [upload] = h.slack.uploads;
    expect(upload.altText).toMatch(/^Chart: Texas: active 287\(g\) agreements by model\. 250 active/);
    expect(upload.field).toBe('body');
    expect((await readPng(upload.data!)).width).toBe(1000);
    expect(upload.completed).toEqual({ title: message.blocks[0].text.text, channelId: null });
    const complete = h.slack.callsTo('files.completeUploadExternal')[0].params;
    expect(JSON.parse(String(complete.files))).toEqual([{ id: upload.fileId, title: message.blocks[0].text.text }]);
    expect(complete.channel_id).toBeUndefined();
    const types = message.blocks.map((b: { type: string }) => b.type);
    // After the list, before the paging buttons and the footer.
    expect(types.slice(-3)).toEqual(['image', 'actions', 'context']);
    expect(message.blocks.at(-3)).toEqual({
      type: 'image',
      slack_file: { id: upload.fileId },
      alt_text: upload.altText,
      title: { type: 'plain_text', text: 'Texas: 250 active 287(g) agreements', emoji: false },
    });
  });

  test('an upload Slack refuses (missing files:write): the answer is the text alone, and the failure is logged', async () => {
    h.slack.on('files.getUploadURLExternal', () => ({ ok: false, error: 'missing_scope', needed: 'files:write' }));
    const { answer } = await h.slash('/agreements', 'texas');
    const message = await answer();
    expect(message.blocks.some((b: { type: string }) => b.type === 'image')).toBe(false);
    expect(message.blocks[0].text.text).toBe('Texas: 250 active 287(g) agreements');
    expect(
      h.logs.some((l) => l.level === 40 && l.msg === 'slack: chart upload failed: the text goes out alone' && l.command === 'agreements'),
    ).toBe(true);
  });

  test('an error answer gets no picture and no upload', async () => {
    const { answer } = await h.slash('/agreements', 'texs');
    expect((await answer()).response_type).toBe('ephemeral');
    expect(h.slack.uploads).toEqual([]);
  });
});

describe('Slack: the weekly digest carries its chart', () => {
  let slack: SlackStandIn;
  beforeEach(async () => {
    slack = await startSlackApi();
  });
  afterEach(() => slack.close());

  async function delivery(): Promise<PlannedDelivery> {
    const digest = await weeklyDigest();
    return {
      id: 'digest:slack:T:C0DIGEST:2025-W42',
      subscriptionKey: 'k',
      platform: 'slack',
      workspaceId: 'T',
      channelId: 'C0DIGEST',
      mode: 'weekly',
      digest,
      alert: digest.alerts[0],
    };
  }
  const sender = () =>
    createSlackAlertSender({
      client: createSlackWebClient('xoxb-test', slack.apiUrl, { retryConfig: { retries: 0 } }),
      logger: createLogger('silent'),
    });

  test('the digest is uploaded, then posted with chat.postMessage showing it in an image block', async () => {
    expect(await sender().send(await delivery())).toEqual({ ok: true });
    const [upload] = slack.uploads;
    expect(upload.filename).toBe('digest.png');
    expect(upload.completed).toEqual({ title: 'Weekly 287(g) digest for 2025-W42: changes in 2 states', channelId: null });
    const [post] = slack.delivered('C0DIGEST');
    const image = (post.body.blocks as Array<{ type: string; slack_file?: { id: string } }>).find((b) => b.type === 'image');
    expect(image?.slack_file).toEqual({ id: upload.fileId });
    expect(slack.posts).toHaveLength(1);
  });

  test('a message Slack refuses because of its image block is posted again as text alone', async () => {
    slack.on('files.completeUploadExternal', (p) => ({
      ok: true,
      files: (JSON.parse(String(p.files)) as Array<{ id: string }>).map(() => ({ id: 'F0NEVERUPLOADED' })),
    }));
    expect(await sender().send(await delivery())).toEqual({ ok: true });
    expect(slack.posts.map((p) => p.answer)).toEqual(['invalid_blocks', 'ok']);
    expect((slack.posts[1].body.blocks as Array<{ type: string }>).some((b) => b.type === 'image')).toBe(false);
  });

  test("a failure that is not about the picture is the outbox's to handle: no second post", async () => {
    slack.scriptPosts('C0DIGEST', { error: 'channel_not_found' });
    const result = await sender().send(await delivery());
    expect(result).toMatchObject({ ok: false, permanent: true, code: 'channel_not_found' });
    expect(slack.posts).toHaveLength(1);
  });
});
