import type { OperatorNotice } from '../../domain/agreements/guards';
import { plainText } from './render-reply';

/** Console mode's operator channel: notices are printed to the terminal (alerts go through the console alert sender). */
export function createConsoleSender(write: (s: string) => void = (s) => process.stdout.write(s)) {
  return {
    async notifyOperators(notices: OperatorNotice[]) {
      for (const n of notices) write(`[operators] ${plainText(n.text)}\n`);
    },
  };
}
