import agreements from './agreements';
import type { Command } from './command';

/** Every slash command, explicitly (nothing scans folders). */
export const commands: Command[] = [agreements];

export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}
