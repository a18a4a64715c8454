import type { StateAlert } from '../../domain/alerts/alerts';
import { alertToReply } from '../../messages/alert-message';
import { renderReplyAsText } from '../../messages/plain-text';

/** The terminal's rendering lives in src/messages/plain-text.ts (webhooks send the same text); re-exported for the console's callers. */
export { plainText, renderReplyAsText, type TextOptions } from '../../messages/plain-text';

/** A state's alert as a console channel shows it: the shared alert message (messages/alert-message.ts), as a banner. */
export function renderAlertAsText(alert: StateAlert): string {
  return renderReplyAsText(alertToReply(alert), { banner: true });
}
