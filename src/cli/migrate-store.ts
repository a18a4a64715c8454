import { plural } from '../domain/text';
import { UserError } from '../domain/user-error';
import {
  importLegacyInstall,
  importTargetOf,
  type ImportCounts,
  type ImportOutcome,
  type ImportTarget,
} from '../store/legacy/import-legacy';
import { isPostgresUrl, isRedisUrl, isSqliteUrl, whileHoldingImportLock } from '../store/legacy/legacy-engines';
import { readLegacyInstall, type LegacyInstall } from '../store/legacy/read-legacy';
import { openStores } from '../store/open-stores';
import { args, settingsIfReadable, type Out } from './options';

const USAGE = 'Usage: ice-watch migrate-store --from URL --to URL [--prefix P] [--json]';

/** Opens the new stores at `url` as an import target; the caller closes them. */
export type OpenImportTarget = (url: string, prefix: string) => { target: ImportTarget; close(): Promise<void> };

const openTarget: OpenImportTarget = (url, prefix) => {
  const stores = openStores({ url, prefix });
  try {
    return { target: importTargetOf(stores), close: () => stores.close() };
  } catch (err) {
    void stores.close();
    throw err;
  }
};

/**
 * `ice-watch migrate-store --from URL --to URL`: moves a store of the former key-value layout
 * (sqlite://file, postgres://, redis://) into the new schema at --to (sqlite://file or postgres://),
 * once; the same file or database for both is an upgrade in place. --prefix is the former
 * STORE_PREFIX and the new one (default: the STORE_PREFIX setting). The former records are read
 * only, never changed.
 */
export async function migrateStoreCommand(rest: string[], out: Out, open: OpenImportTarget = openTarget): Promise<number> {
  const { values, positionals } = args(rest, { from: { type: 'string' }, to: { type: 'string' }, prefix: { type: 'string' } });
  if (positionals.length || !values.from || !values.to) throw new UserError(USAGE);
  const { from, to } = values;
  if (!isSqliteUrl(from) && !isPostgresUrl(from) && !isRedisUrl(from))
    throw new UserError(
      `--from ${from.split(':')[0]}: the former layout was written to sqlite://<file>, postgres:// or redis:// stores.\n${USAGE}`,
    );
  if (!isSqliteUrl(to) && !isPostgresUrl(to))
    throw new UserError(`--to must be sqlite://<file> or postgres://...: where the bot keeps its data now.\n${USAGE}`);
  const prefix = values.prefix ?? settingsIfReadable()?.STORE_PREFIX ?? '';

  const install = await readLegacyInstall({ url: from, prefix });
  if (isEmpty(install))
    throw new UserError(
      `Nothing to move: ${install.from} holds no record of the former layout${prefix ? ` under the prefix "${prefix}"` : ''}.`,
    );
  const opened = open(to, prefix);
  let outcome: ImportOutcome;
  try {
    // The same lock as a bot starting on --to takes (migrateLegacyInstall): one import at a time.
    outcome = await whileHoldingImportLock({ url: to, prefix }, () => importLegacyInstall(install, opened.target));
  } finally {
    await opened.close();
  }
  if (values.json) out.stdout(`${JSON.stringify(outcome)}\n`);
  else out.stdout(`${describeOutcome(outcome)}\n`);
  return outcome.status === 'target-not-empty' ? 1 : 0;
}

function isEmpty(install: LegacyInstall): boolean {
  const { sources } = install;
  return (
    !install.subscriptions.length &&
    !install.outbox.length &&
    !install.releases.length &&
    !Object.values(sources).some((s) => s.state || s.history.length || s.judgements.length)
  );
}

function describeOutcome(outcome: ImportOutcome): string {
  if (outcome.status === 'target-not-empty') return `Nothing moved: ${outcome.reason}. The former records are untouched.`;
  if (outcome.status === 'already-imported')
    return [`Nothing to do: ${outcome.from} was moved on ${outcome.at}.`, ...(outcome.counts ? countLines(outcome.counts) : [])].join('\n');
  const problems = outcome.problems.map((p) => `  left out: ${p}`);
  return [
    `Moved from ${outcome.from}:`,
    ...countLines(outcome.counts),
    ...problems,
    'The former records are kept in place, unchanged.',
  ].join('\n');
}

function countLines(c: ImportCounts): string[] {
  const source = (name: string, s: ImportCounts['sources'][keyof ImportCounts['sources']]) =>
    `  ${name}: ${plural(s.history, 'list')} in its history, ${plural(s.ledger, 'agreement')} in its ledger, ${plural(s.judgements, 'judgement')}`;
  return [
    `  ${plural(c.subscriptions, 'subscription')}`,
    source('participating', c.sources.participating),
    source('pending', c.sources.pending),
    `  ${plural(c.outboxPending, 'delivery', 'deliveries')} in flight (${plural(c.outboxLeftBehind, 'finished one')} left behind)`,
    `  ${plural(c.releases, 'detention release')}, ${plural(c.dailyCounts, 'daily count')}, ${plural(c.seenFiles, 'judged file')}`,
    `  ${plural(c.digests, 'digest buffer')}, ${plural(c.episodes, 'operator episode')}, ${plural(c.health, 'health record')}`,
  ];
}
