import type { AlertSender } from '../../delivery/sender';
import { renderAlertAsText } from './render-alert';

/** Delivers the console channel's alerts to the terminal. */
export function createConsoleAlertSender(write: (s: string) => void = (s) => process.stdout.write(s)): AlertSender {
  return {
    platform: 'console',
    async send(delivery) {
      write(`\n${renderAlertAsText(delivery.alert)}\n`);
      return { ok: true };
    },
  };
}
