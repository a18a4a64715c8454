/**
 * What figure `memory` runs the bot on: a SQLite store with a year of participating lists
 * (100 publications ending at 2,500 agreements), the pending list and 10,000 channel
 * subscriptions (half Discord channels in 1,000 servers, half Slack channels), and the
 * publication its first poll finds: the last stored list with one Texas agreement ended and
 * three signed, written as ICE's four-column workbook. The stored lists hold exactly what
 * parsing such a workbook yields, so the poll judges real changes only, and its Texas alert
 * goes to every channel following Texas or every state.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agencyKey } from '../src/domain/agreements/agency';
import { makeSnapshot } from '../src/domain/agreements/snapshot';
import { channelKey, type Subscription } from '../src/domain/alerts/subscriptions';
import type { Agreement, FileMeta, ListKind, Snapshot } from '../src/domain/types';
import { createSnapshotStore, type SnapshotStore } from '../src/store/snapshot-store';
import { createSubscriptionStore } from '../src/store/subscription-store';
import { snapshotOfFile } from './fixtures';
import { openDatabase } from '../src/store/db/database';
import { PENDING_FIXTURE } from './start-to-ready';
import { AgreementFactory, evolve } from './synthetic';
import { openKeyValueStores } from '../src/store/key-value';
import { workbookOfRows } from '../stand-ins/hostile-workbooks';

export const ROWS = 2500;
export const SNAPSHOTS = 100;
export const SUBSCRIPTIONS = 10_000;
/** Discord channels per server: 5,000 Discord subscriptions in 1,000 servers. */
export const CHANNELS_PER_GUILD = 5;
export const SLACK_WORKSPACE = 'T0BENCH';
const STATE_CODES = ['TX', 'FL', 'GA', 'NC', 'AL', 'LA', 'OK', 'AZ', 'TN', 'SC'];
const DAY = 86_400_000;
const SUPPORT_TYPES = { JEM: 'Jail Enforcement Model', TFM: 'Task Force Model', WSO: 'Warrant Service Officer' } as const;

/** What a row is after a trip through ICE's four-column workbook (no type, county or MOA link). */
const published = (row: Agreement): Agreement => ({ ...row, type: null, county: null, moaUrl: null });
const excelSerial = (date: string) => Date.parse(date) / DAY + 25569;

export const guildId = (g: number) => String(1_400_000_000_000_000_000n + BigInt(g));
export const discordChannelId = (j: number) => String(1_500_000_000_000_000_000n + BigInt(j));

/** The servers the gateway stand-in announces, with the Discord channels subscribed in each. */
export function guilds(): Array<{ id: string; name: string; channels: string[] }> {
  const discordChannels = SUBSCRIPTIONS / 2;
  return Array.from({ length: discordChannels / CHANNELS_PER_GUILD }, (_, g) => ({
    id: guildId(g),
    name: `bench server ${g}`,
    channels: Array.from({ length: CHANNELS_PER_GUILD }, (_, c) => discordChannelId(g * CHANNELS_PER_GUILD + c)),
  }));
}

/** Channel i: most follow one or two states, one in ten every state; Discord and Slack alternate in runs of ten. */
function subscription(i: number): Subscription {
  const who = { id: 'bench', name: 'bench' };
  const at = new Date().toISOString();
  const discord = Math.floor(i / 10) % 2 === 0;
  const j = Math.floor(i / 20) * 10 + (i % 10); // the channel's number on its platform
  const [workspaceId, channelId] = discord
    ? [guildId(Math.floor(j / CHANNELS_PER_GUILD)), discordChannelId(j)]
    : [SLACK_WORKSPACE, `C0BENCH${j}`];
  const platform = discord ? 'discord' : 'slack';
  return {
    key: channelKey(platform, workspaceId, channelId),
    platform,
    workspaceId,
    channelId,
    channelName: `alerts-${j}`,
    states:
      i % 10 === 0 ? 'all' : [STATE_CODES[i % STATE_CODES.length]!, ...(i % 3 === 0 ? [STATE_CODES[(i + 1) % STATE_CODES.length]!] : [])],
    kinds: ['agreements', 'endings', 'pending'],
    models: null,
    mode: 'instant',
    createdBy: who,
    createdAt: at,
    updatedBy: who,
    updatedAt: at,
    paused: null,
  };
}

async function save(store: SnapshotStore, view: Snapshot, k: number): Promise<void> {
  const verdict = k === 0 ? 'baseline' : 'accepted';
  await store.saveState(view.source, { view, lastFileSha256: view.meta.sha256, held: [] }, verdict);
  await store.recordJudgement(view.source, {
    verdict,
    reason: null,
    fileName: view.meta.fileName,
    sha256: view.meta.sha256,
    at: view.meta.fetchedAt,
    eventCount: 8,
    notices: [],
  });
}

function syntheticSnapshot(source: ListKind, rows: Agreement[], k: number, at: Date): Snapshot {
  const sha256 = createHash('sha256').update(`${source}-${k}`).digest('hex');
  const fileName = `${source}Agencies-bench-${k}.xlsx`;
  const meta: FileMeta = {
    url: `https://www.ice.gov/doclib/${fileName}`,
    fileName,
    etag: null,
    lastModified: null,
    sha256,
    bytes: 150_000,
    fetchedAt: at.toISOString(),
    modifiedInFile: null,
  };
  const headers = ['STATE', 'LAW ENFORCEMENT AGENCY', 'SUPPORT TYPE', 'SIGNED'];
  return makeSnapshot(
    source,
    { detectedKind: source, sheetName: 'Participating', headers, rows, warnings: [], modifiedInFile: null },
    meta,
  );
}

export interface Seeded {
  /** The SQLite file to copy for each run (its first poll writes to it). */
  store: string;
  /** The folders listed as ICE's 287(g) page. */
  page: string;
  /** What the page's participating list changes against the stored one. */
  change: { ended: number; signed: number; state: string };
}

/** Seeds `root`/seeded.sqlite and writes the page the first poll finds to `root`/page. */
export async function seed(root: string): Promise<Seeded> {
  const store = join(root, 'seeded.sqlite');
  const db = openDatabase(`sqlite://${store}`);
  const snapshots = createSnapshotStore(db, openKeyValueStores('memory://'));
  const factory = new AgreementFactory({ seed: 365, texasShare: 0.12 });
  const start = Date.UTC(2025, 0, 1);
  let rows = factory.many(ROWS - 2 * (SNAPSHOTS - 1)).map(published);
  for (let k = 0; k < SNAPSHOTS; k++) {
    if (k > 0) {
      const added = k === SNAPSHOTS - 1 ? ROWS - rows.length + 2 : 4;
      rows = evolve(rows, factory, { ended: 2, added, renames: 1, renewals: 0 }).next.map(published);
    }
    await save(snapshots, syntheticSnapshot('participating', rows, k, new Date(start + k * 3.65 * DAY)), k);
  }
  // The pending list as ICE serves it: the page below holds the same file, so it is unchanged.
  await save(snapshots, await snapshotOfFile(PENDING_FIXTURE, 'pending', new Date(start + 364 * DAY).toISOString()), 0);
  const all = Array.from({ length: SUBSCRIPTIONS }, (_, i) => subscription(i));
  await createSubscriptionStore(db).putMany(all);
  await db.close();

  // The next publication: one Texas agreement gone, three new ones signed in Texas.
  const ended = rows.findIndex((r) => r.stateCode === 'TX');
  const signed = new AgreementFactory({ seed: 2026, texasShare: 1 }).many(3).map((r) => {
    const agency = r.agency.replace(/\d+/, (n) => String(100_000 + Number(n)));
    return published({ ...r, agency, agencyKey: agencyKey(agency) });
  });
  const next = [...rows.filter((_, i) => i !== ended), ...signed];
  const page = join(root, 'page');
  mkdirSync(page, { recursive: true });
  const workbook = workbookOfRows(
    next.map((r) => ({
      state: r.stateCode!,
      agency: r.agency,
      model: SUPPORT_TYPES[r.model as keyof typeof SUPPORT_TYPES],
      signed: excelSerial(r.signed!),
    })),
  );
  writeFileSync(join(page, 'participatingAgencies01052026am.xlsx'), workbook);
  copyFileSync(PENDING_FIXTURE, join(page, 'pendingAgencies02272026am.xlsx'));
  return { store, page, change: { ended: 1, signed: signed.length, state: 'TX' } };
}
