import type { StateAlert } from '../../domain/alerts';
import type { OperatorNotice } from '../../domain/guards';
import { plainText, renderAlertAsText } from './render-alert';

/** Console mode: alerts and operator notices are printed to the terminal. */
export function createConsoleSender(write: (s: string) => void = (s) => process.stdout.write(s)) {
  return {
    async deliverAlerts(alerts: StateAlert[]) {
      for (const a of alerts) write(`\n${renderAlertAsText(a)}\n`);
    },
    async notifyOperators(notices: OperatorNotice[]) {
      for (const n of notices) write(`[operators] ${plainText(n.text)}\n`);
    },
  };
}
