import type { LedgerFacts } from '../domain/charts/agreements-chart';
import type { SnapshotStore } from './snapshot-store';

/**
 * The ledger entries of one state, for its chart (`/agreements <state>`, the state page). Reading
 * the whole ledger costs about 10 ms (2,500 entries deserialized), too much for every question, and
 * it changes only with the accepted list: so it is split by state once per list (keyed by the
 * list's content hash), per store.
 */
const ledgerByState = new WeakMap<SnapshotStore, { hash: string; states: Promise<Map<string, Record<string, LedgerFacts>>> }>();

export async function ledgerOfState(store: SnapshotStore, listHash: string, stateCode: string): Promise<Record<string, LedgerFacts>> {
  let memo = ledgerByState.get(store);
  if (!memo || memo.hash !== listHash) {
    const states = store.ledger('participating').then((ledger) => {
      const split = new Map<string, Record<string, LedgerFacts>>();
      for (const [identity, entry] of Object.entries(ledger)) {
        const key = entry.stateCode ?? '';
        if (!split.has(key)) split.set(key, {});
        split.get(key)![identity] = entry;
      }
      return split;
    });
    memo = { hash: listHash, states };
    ledgerByState.set(store, memo);
    // A failed read is not kept: the next question tries again.
    states.catch(() => ledgerByState.get(store) === memo && ledgerByState.delete(store));
  }
  return (await memo.states).get(stateCode) ?? {};
}
