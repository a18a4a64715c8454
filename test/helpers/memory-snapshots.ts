import { openDatabase } from '../../src/store/db/database';
import { openKeyValueStores } from '../../src/store/key-value';
import { createSnapshotStore, type SnapshotStore } from '../../src/store/snapshot-store';

/**
 * A snapshot store of its own in memory (SQLite in memory, keyv maps), for a test that needs one
 * beside stores it builds otherwise. Nothing to close: both go with the test's process. Share the
 * one store between what seeds it and what reads it.
 */
export function memorySnapshots(): SnapshotStore {
  return createSnapshotStore(openDatabase('memory://'), openKeyValueStores('memory://'));
}
