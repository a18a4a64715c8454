import agency from './agency';
import agreements from './agreements';
import facilities from './facilities';
import facility from './facility';
import type { Command } from './command';
import sources from './sources';
import status from './status';
import subscribe from './subscribe';
import subscriptions from './subscriptions';
import totals from './totals';
import unsubscribe from './unsubscribe';
import webhook from './webhook';

/** Every slash command, explicitly (nothing scans folders). */
export const commands: Command[] = [
  agreements,
  agency,
  totals,
  facilities,
  facility,
  subscribe,
  unsubscribe,
  subscriptions,
  status,
  sources,
  webhook,
];

export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}
