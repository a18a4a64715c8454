/** A mistake of the person using the bot; its message is shown to them as is. */
export class UserError extends Error {
  override name = 'UserError';
}
