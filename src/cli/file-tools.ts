import { plural } from '../domain/text';
import { judgePublication } from '../domain/agreements/guards';
import { makeSnapshot } from '../domain/agreements/snapshot';
import type { Agreement } from '../domain/types';
import { UserError } from '../domain/user-error';
import { loadConfig } from '../config';
import { createLogger } from '../logging/logger';
import { guardSettingsOf, workbookLimitsOf } from '../pipelines/settings';
import { renderParsedAsText, renderPublicationAsText } from '../platforms/console/render-file-tools';
import { renderAlertAsText } from '../platforms/console/render-reply';
import { readLocalPublication, replayFiles, sourceOfFile } from '../pipelines/replay';
import { DEFAULT_WORKBOOK_LIMITS, WorkbookFormatError, WorkbookSchemaError } from '../sources/errors';
import { parse287gWorkbook } from '../sources/workbook-287g';
import { openStores } from '../store/open-stores';
import { args, settingsIfReadable, type Out } from './options';

/**
 * The file tools of the command line: `parse` reads a workbook, `diff` judges one file as the
 * publication after another, `replay` runs the whole pipeline over files in a scratch store.
 */

async function readWorkbook(path: string) {
  const { bytes, meta } = await readLocalPublication(path, new Date());
  // The parse caps of the settings; the defaults when the settings cannot be read (file tools must still answer).
  const config = settingsIfReadable();
  try {
    return { parsed: await parse287gWorkbook(bytes, config ? workbookLimitsOf(config) : DEFAULT_WORKBOOK_LIMITS), meta, bytes };
  } catch (err) {
    if (err instanceof WorkbookFormatError || err instanceof WorkbookSchemaError) throw new UserError(`${path}: ${err.message}`);
    throw err;
  }
}

export async function parseCommand(rest: string[], out: Out): Promise<number> {
  const { values, positionals } = args(rest, {});
  if (positionals.length !== 1) throw new UserError('Usage: ice-watch parse <file> [--json]');
  const { parsed } = await readWorkbook(positionals[0]);
  const source = parsed.detectedKind;
  if (values.json)
    out.stdout(JSON.stringify({ source, sheet: parsed.sheetName, rows: parsed.rows.map(publicRow), warnings: parsed.warnings }) + '\n');
  else out.stdout(renderParsedAsText(positionals[0], parsed) + '\n');
  return 0;
}

/** The row fields of the JSON surface (SPEC section 7). */
export function publicRow(r: Agreement) {
  return {
    state: r.state,
    stateCode: r.stateCode,
    agency: r.agency,
    type: r.type,
    county: r.county,
    model: r.model,
    signed: r.signed,
    moaUrl: r.moaUrl,
    addendumUrl: r.addendumUrl,
  };
}

export async function diffCommand(rest: string[], out: Out): Promise<number> {
  const { values, positionals } = args(rest, {});
  if (positionals.length !== 2) throw new UserError('Usage: ice-watch diff <old> <new> [--json]');
  const config = loadConfig();
  const [oldPath, newPath] = positionals;
  const oldFile = await readLocalPublication(oldPath, new Date(0));
  const newFile = await readLocalPublication(newPath, new Date(3_600_000));
  const judge = async (path: string, file: typeof oldFile, prev: Parameters<typeof judgePublication>[0]) => {
    const limits = workbookLimitsOf(config);
    const source = await sourceOfFile(path, file.bytes, limits);
    try {
      const snapshot = makeSnapshot(source, await parse287gWorkbook(file.bytes, limits), file.meta);
      return judgePublication(prev, snapshot, { now: new Date(file.meta.fetchedAt), guards: guardSettingsOf(config) });
    } catch (err) {
      if (err instanceof WorkbookFormatError || err instanceof WorkbookSchemaError) {
        return { verdict: 'rejected' as const, reason: err.message, events: [], next: null, notices: [] };
      }
      throw err;
    }
  };
  const base = await judge(oldPath, oldFile, null);
  const result = base.next
    ? await judge(newPath, newFile, base.next)
    : { ...base, reason: `the old file ${oldPath} is not a usable base: ${base.reason}` };
  const doc = { verdict: result.verdict, reason: result.reason, events: result.events };
  if (values.json) out.stdout(JSON.stringify(doc) + '\n');
  else out.stdout(renderPublicationAsText(newPath, doc) + '\n');
  return 0;
}

export async function replayCommand(rest: string[], out: Out): Promise<number> {
  const { values, positionals } = args(rest, { store: { type: 'string' as const }, start: { type: 'string' as const } });
  if (positionals.length === 0) throw new UserError('Usage: ice-watch replay <files...> [--json] [--store URL]');
  const config = loadConfig();
  // A named store is read the way the bot reads it: under STORE_PREFIX (a PostgreSQL schema), so `agreements` finds what this wrote.
  const stores = openStores(values.store ? { url: values.store, prefix: config.STORE_PREFIX } : { url: 'memory://' });
  const start = values.start ? new Date(values.start) : new Date(Math.floor(Date.now() / 3_600_000 - positionals.length) * 3_600_000);
  if (Number.isNaN(start.getTime())) throw new UserError(`--start "${values.start}" is not a date`);
  try {
    const results = await replayFiles(positionals, {
      snapshots: stores.snapshots,
      guards: guardSettingsOf(config),
      logger: createLogger(values.json ? 'silent' : 'warn'),
      start,
      parseLimits: workbookLimitsOf(config),
      // Kept in the store's event log, published at the replay's own times, so the feeds and state pages of a bot
      // started on this store show them. Never planned for channels: a replay sends nothing.
      route: async (alerts, at) => void (await stores.events.record(alerts, at)),
    });
    const alerts = results.flatMap((r) =>
      r.alerts.map((a) => ({ channel: 'console', file: a.file.fileName, text: renderAlertAsText(a), events: a.events })),
    );
    if (values.json) {
      const rejected = results.filter((r) => r.verdict === 'rejected').map((r) => ({ file: r.file.fileName, reason: r.reason }));
      const publications = results.map((r) => ({
        file: r.file.fileName,
        source: r.source,
        verdict: r.verdict,
        reason: r.reason,
        events: r.events.length,
        warnings: r.warnings,
      }));
      out.stdout(JSON.stringify({ alerts, rejected, publications }) + '\n');
      return 0;
    }
    for (const r of results) {
      out.stdout(`\n=== ${r.file.fileName} (${r.source}): ${r.verdict}${r.reason ? `: ${r.reason}` : ''}\n`);
      for (const n of r.notices) out.stdout(`[operators] ${n.text}\n`);
      for (const a of r.alerts) out.stdout('\n' + renderAlertAsText(a) + '\n');
    }
    out.stdout(`\n${plural(results.length, 'publication')}, ${plural(alerts.length, 'alert')}.\n`);
    return 0;
  } finally {
    await stores.close();
  }
}
