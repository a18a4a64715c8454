import type { AlertSender } from '../../delivery/sender';
import { deliveryToReply } from '../../messages/alert-message';
import { writeChartFile, type ChartFileOptions } from './chart-file';
import { renderAlertAsText } from './render-alert';
import { renderReplyAsText } from './render-reply';

/**
 * Delivers the console channel's alerts (and digests) to the terminal. A weekly digest's
 * picture is written to a PNG file (`charts.dir`, CHARTS_DIR) and its path printed under the text.
 */
export function createConsoleAlertSender(write: (s: string) => void = (s) => process.stdout.write(s), charts: ChartFileOptions | null = {}): AlertSender {
  return {
    platform: 'console',
    async send(delivery) {
      if (delivery.alert && !delivery.digest) {
        write(`\n${renderAlertAsText(delivery.alert)}\n`);
        return { ok: true };
      }
      const reply = deliveryToReply(delivery);
      const path = reply.chart && charts ? await writeChartFile(reply.chart, { ...charts, stamp: delivery.digest?.period }) : null;
      write(`\n${renderReplyAsText(reply)}${path ? `\nChart: ${path}` : ''}\n`);
      return { ok: true };
    },
  };
}
