import type { webApi } from '@slack/bolt';
import type { Reply } from '../../messages/reply';
import type { ChartRenderer } from '../../charts/render-chart';
import type { Logger } from '../../logging/logger';
import { renderReplyForSlack, type SlackImage, type SlackMessage } from './render-reply';

/**
 * How long the upload of a drawn picture may take (three calls: files.getUploadURLExternal,
 * the bytes to the upload URL, files.completeUploadExternal). Slack answers arrive through the
 * response_url or chat.postMessage after the ack, so this never risks Slack's 3 s; it only
 * keeps a slow upload from holding the text back.
 */
export const UPLOAD_DEADLINE_MS = 5000;

/**
 * Uploads a Reply's picture to Slack (files.uploadV2, no channel: the file stays private to
 * the bot until a message shows it in an image block) and returns it for renderReplyForSlack.
 * Null when the reply has no chart, or drawing or uploading failed or was late (logged as a
 * warning): the text then goes out alone. Never throws.
 */
export async function uploadReplyChart(
  client: webApi.WebClient,
  reply: Reply,
  render: ChartRenderer | null,
  log: Logger,
  deadlineMs = UPLOAD_DEADLINE_MS,
): Promise<SlackImage | null> {
  if (!reply.chart || !render || reply.ephemeral || reply.tone === 'error') return null;
  const chart = await render(reply.chart, log);
  if (!chart) return null;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), deadlineMs);
  });
  try {
    const upload = client
      .filesUploadV2({ file: chart.png, filename: chart.fileName, title: reply.title, alt_text: chart.altText })
      .then((res) => {
        const completed = res.files as unknown as Array<{ files?: Array<{ id?: string }> }>;
        const fileId = completed[0]?.files?.[0]?.id;
        if (!fileId) throw new Error('files.completeUploadExternal returned no file id');
        return { fileId, title: reply.title, altText: chart.altText };
      });
    const image = await Promise.race([upload, late]);
    if (!image) log.warn({ chart: reply.chart.kind, deadlineMs }, 'slack: chart upload not done in time: the text goes out alone');
    return image;
  } catch (err) {
    log.warn({ err, chart: reply.chart.kind }, 'slack: chart upload failed: the text goes out alone');
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** Slack's refusal of a message's blocks (chat.postMessage answers `invalid_blocks`): the picture, not the text, was the problem. */
export function isBlocksRefusal(err: unknown): boolean {
  return (err as { data?: { error?: string } } | null)?.data?.error === 'invalid_blocks';
}

/**
 * Posts a rendered reply with its picture; if Slack refuses the message with the picture
 * (an image block it cannot show yet), posts the text alone and logs why. `isRefusal` says
 * which errors mean that (default: any, for the response_url, which answers a bare 400);
 * any other error is the caller's.
 */
export async function postWithPicture(
  reply: Reply,
  image: SlackImage | null,
  post: (message: SlackMessage) => Promise<void>,
  log: Logger,
  isRefusal: (err: unknown) => boolean = () => true,
): Promise<void> {
  if (!image) return post(renderReplyForSlack(reply));
  try {
    await post(renderReplyForSlack(reply, image));
  } catch (err) {
    if (!isRefusal(err)) throw err;
    log.warn({ err, file: image.fileId }, 'slack: the message with its chart was refused: posting the text alone');
    await post(renderReplyForSlack(reply));
  }
}
