import { UserError } from '../../domain/user-error';
import type { Logger } from '../../logging/logger';
import { requireReachable } from '../db/database';
import { openStores, type OpenStoresOptions, type Stores } from '../open-stores';
import { finishedImport, importLegacyInstall, importTargetOf, type ImportOutcome, type ImportTarget } from './import-legacy';
import { hasLegacyData, isPostgresUrl, isRedisUrl, isSqliteUrl, whileHoldingImportLock, type LegacyLocation } from './legacy-engines';
import { readLegacyInstall } from './read-legacy';

/** STORE_URL names Redis, which is no longer a store: the message says how to move its data. */
export class RedisStoreRefusedError extends UserError {}

/** What a start found of a former install. */
export type MigrationOutcome = ImportOutcome | { status: 'nothing-to-migrate' };

/**
 * On start (the bot, and every CLI command that opens STORE_URL), before the stores are used:
 * a SQLite file or PostgreSQL database that still holds the former key-value layout (the `keyv`
 * table of the file; `ice_watch_kv` keys under STORE_PREFIX) while the new schema is empty is
 * imported into the new schema once, and what moved is logged. The former records are kept in
 * place, untouched (no table renamed): the previous version still runs on them if the upgrade is
 * rolled back, and `ice-watch migrate-store` can read them again. STORE_URL=redis:// is refused
 * (RedisStoreRefusedError) with the command that moves its data.
 */
export async function migrateLegacyInstall(
  where: LegacyLocation | { STORE_URL: string; STORE_PREFIX: string },
  target: ImportTarget,
  options: { logger?: Pick<Logger, 'info' | 'warn'> } = {},
): Promise<MigrationOutcome> {
  const location = locationOf(where);
  refuseRedisStore(location);
  if (!isSqliteUrl(location.url) && !isPostgresUrl(location.url)) return { status: 'nothing-to-migrate' };
  // Checked first, so a start after the import reads nothing of the former layout.
  const before = await finishedImport(target);
  if (before) return { status: 'already-imported', ...before };
  if (!(await hasLegacyData(location))) return { status: 'nothing-to-migrate' };
  return whileHoldingImportLock(location, async () => {
    // Another instance may have imported it while this one waited for the lock.
    const meanwhile = await finishedImport(target);
    if (meanwhile) return { status: 'already-imported' as const, ...meanwhile };
    const outcome = await importLegacyInstall(await readLegacyInstall(location), target);
    logOutcome(outcome, options.logger);
    return outcome;
  });
}

/** Logs an import's outcome: the counts moved, each record left out, or why nothing was imported. */
export function logOutcome(outcome: MigrationOutcome, logger?: Pick<Logger, 'info' | 'warn'>): void {
  if (!logger) return;
  if (outcome.status === 'imported') {
    logger.info(
      { from: outcome.from, moved: outcome.counts },
      'the former key-value store was imported into the new schema; its records are kept in place',
    );
    for (const problem of outcome.problems) logger.warn({ from: outcome.from, problem }, 'a record of the former store was left out');
  } else if (outcome.status === 'target-not-empty') {
    logger.warn(
      { reason: outcome.reason },
      'the former key-value store was not imported: the new schema already holds data of its own (the former records are kept in place)',
    );
  }
}

/** Throws RedisStoreRefusedError when `location` is Redis: the message is the exact command that moves its data. */
export function refuseRedisStore(where: LegacyLocation | { STORE_URL: string; STORE_PREFIX: string }): void {
  const location = locationOf(where);
  if (!isRedisUrl(location.url)) return;
  const prefix = location.prefix ? ` --prefix '${location.prefix}'` : '';
  const from = `--from ${withoutPassword(location.url)}${prefix}`;
  throw new RedisStoreRefusedError(
    [
      `STORE_URL=${withoutPassword(location.url)}: Redis is no longer a store. ice-watch keeps its data in SQLite (one instance) or PostgreSQL (several).`,
      'Move the subscriptions, lists, ledger and deliveries in flight once, then set STORE_URL to the new store:',
      `  ice-watch migrate-store ${from} --to sqlite://data/ice-watch.sqlite`,
      `  ice-watch migrate-store ${from} --to postgres://user@host:5432/ice_watch`,
    ].join('\n'),
  );
}

/** The settings (STORE_URL, STORE_PREFIX) or a URL and prefix. */
const locationOf = (where: LegacyLocation | { STORE_URL: string; STORE_PREFIX: string }): LegacyLocation =>
  'STORE_URL' in where ? { url: where.STORE_URL, prefix: where.STORE_PREFIX } : where;

/** The URL with its password (if any) replaced by a placeholder: the command is shown and logged. */
function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = 'PASSWORD';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/**
 * The configured stores for a command of the terminal (`subscribe`, `status`, `held`, ...), with a
 * former key-value install moved into the schema first, as the bot does at start: a command run
 * before the first start after an upgrade neither answers from an empty schema nor writes into it
 * (which would stop the import, which fills only an empty schema). STORE_URL=redis:// is refused.
 */
export async function openConfiguredStores(
  config: { STORE_URL: string; STORE_PREFIX: string },
  options: OpenStoresOptions & { logger?: Pick<Logger, 'info' | 'warn'> } = {},
): Promise<Stores> {
  refuseRedisStore(config);
  const stores = openStores(config, options);
  try {
    // PostgreSQL is asked first, so a server that does not answer is named as STORE_URL (a SQLite file is local).
    if (stores.db.dialect === 'postgres') await requireReachable('STORE_URL', stores.db);
    await migrateLegacyInstall(config, importTargetOf(stores), { logger: options.logger });
  } catch (err) {
    await stores.close().catch(() => undefined);
    throw err;
  }
  return stores;
}
