import type { Command } from './command';

/**
 * Every slash command, explicitly (nothing scans folders). The commands of SPEC section 5
 * arrive with the commands-and-subscriptions issue; until then the terminal's
 * `ice-watch agreements` answers from src/domain/agreements-summary.ts.
 */
export const commands: Command[] = [];
