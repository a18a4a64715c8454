import type { AlertSender } from '../../delivery/sender';
import { deliveryToReply } from '../../delivery/alert-reply';
import { renderAlertAsText } from './render-alert';
import { renderReplyAsText } from './render-reply';

/** Delivers the console channel's alerts (and digests) to the terminal. */
export function createConsoleAlertSender(write: (s: string) => void = (s) => process.stdout.write(s)): AlertSender {
  return {
    platform: 'console',
    async send(delivery) {
      write(`\n${delivery.alert && !delivery.digest ? renderAlertAsText(delivery.alert) : renderReplyAsText(deliveryToReply(delivery))}\n`);
      return { ok: true };
    },
  };
}
