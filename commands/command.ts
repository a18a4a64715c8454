/**
 * A slash command is data plus one function (STYLE.md rule 1): its options and a `run`
 * that returns a neutral Reply. Each platform (Discord, Slack, the terminal) renders the
 * Reply; a command never talks to a platform itself.
 */

/** One option of a command, as every platform declares it. */
export interface CommandOption {
  name: string;
  description: string;
  type: 'string' | 'state' | 'model' | 'date';
  required: boolean;
}

/** The neutral answer of a command. */
export interface Reply {
  title: string;
  /** Paragraphs of plain text; platforms escape and format them. */
  lines: string[];
  /** Shown only to the person who asked (errors, mostly). */
  ephemeral?: boolean;
}

export interface Command<Ctx = unknown> {
  name: string;
  description: string;
  options: CommandOption[];
  run(ctx: Ctx, args: Record<string, string | undefined>): Promise<Reply>;
}
