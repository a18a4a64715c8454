import type { AlertSender } from '../../delivery/sender';
import { deliveryToReply } from '../../messages/alert-message';
import { writeChartFile, type ChartFileOptions } from './chart-file';
import { renderReplyAsText } from './render-reply';

/**
 * Delivers the console channel's alerts (and digests) to the terminal: the same message every
 * platform gets (messages/alert-message.ts), with its links on lines of their own.
 * A weekly digest's picture is written to a PNG file (`charts.dir`, CHARTS_DIR) and its path
 * printed under the text.
 */
export function createConsoleAlertSender(
  write: (s: string) => void = (s) => process.stdout.write(s),
  charts: ChartFileOptions | null = {},
): AlertSender {
  return {
    platform: 'console',
    async send(delivery) {
      const reply = deliveryToReply(delivery);
      const path = reply.chart && charts ? await writeChartFile(reply.chart, { ...charts, stamp: delivery.digest?.period }) : null;
      // A state's alert opens with its title between rules, as `replay` prints it; digests and totals with their title.
      const banner = Boolean(delivery.alert && !delivery.digest);
      write(`\n${renderReplyAsText(reply, { banner })}${path ? `\nChart: ${path}` : ''}\n`);
      return { ok: true };
    },
  };
}
