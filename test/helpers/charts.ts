/**
 * For tests of pictures: stores seeded with real ICE files (two publications, so the ledger
 * knows agreements that ended), a weekly digest from real files, and PNG facts read back
 * with @napi-rs/canvas (size, how much is drawn, which colours).
 */
import { readFileSync } from 'node:fs';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { CommandContext } from '../../commands/command';
import { parseDailyFeed } from '../../src/sources/daily-feed';
import { buildDigest, type Digest } from '../../src/domain/alerts/digest';
import { DEFAULT_GUARDS, judgePublication, type SourceState } from '../../src/domain/agreements/guards';
import { parseDetentionWorkbook } from '../../src/sources/detention-workbook';
import { alertsBetween, detentionPath, loadSnapshot } from './fixtures';
import { memoryStores } from './stores';

export const DETENTION_FILES = [
  '2025-02-15_FY25_detentionStats02142025.xlsx',
  '2025-10-30_FY25_detentionStats09252025.xlsx',
  '2026-01-09_FY26_detentionStats01082026.xlsx',
  '2026-02-03_FY26_detentionStats02022026.xlsx',
];

/** Command services over a memory store holding the 2025-10-16 and 2025-12-12 lists (in that order), every detention fixture and ICE's daily posts. */
export async function seededContext(): Promise<{ ctx: CommandContext; close: () => Promise<void> }> {
  const { snapshots, subscriptions, totals, close } = memoryStores();
  let state: SourceState | null = null;
  for (const [name, at] of [
    ['participatingAgencies10162025pm.xlsx', '2025-10-16T21:00:00.000Z'],
    ['participatingAgencies12122025pm.xlsx', '2025-12-12T21:00:00.000Z'],
  ] as const) {
    const snap = await loadSnapshot(name, 'participating', at);
    const judged = judgePublication(state, snap, { now: new Date(at), guards: DEFAULT_GUARDS });
    if (!judged.next) throw new Error(`${name} was not accepted`);
    await snapshots.saveState('participating', judged.next, judged.verdict);
    state = judged.next;
  }
  for (const file of DETENTION_FILES) {
    const release = await parseDetentionWorkbook(readFileSync(detentionPath(file)));
    await totals.addRelease({ release, fileName: file, sha256: file, url: `file://${file}`, fetchedAt: `${release.asOf}T12:00:00.000Z` });
  }
  await totals.setDaily(
    parseDailyFeed(readFileSync(detentionPath('ice-x-daily-arrests-2025-01.csv'), 'utf8'), { today: '2026-02-03' }).days,
  );
  const ctx: CommandContext = {
    channel: { platform: 'console', workspaceId: 'local', channelId: 'console' },
    user: { id: 'u', name: 'tester', canManageChannel: true },
    services: { snapshots, subscriptions, totals, checkCanPost: async () => null },
    now: () => new Date('2026-02-04T00:00:00Z'),
  };
  return { ctx, close };
}

/** The weekly digest of 2025-W42 for Texas and Florida, from the real 2025-10-16 → 2025-10-17 change. */
export async function weeklyDigest(): Promise<Digest> {
  const alerts = await alertsBetween('participatingAgencies10162025pm.xlsx', 'participatingAgencies10172025mid.xlsx', {
    fetchedAt: '2025-10-17T12:00:00.000Z',
  });
  const some = alerts.filter((a) => a.stateCode === 'TX' || a.stateCode === 'FL');
  if (some.length < 1) throw new Error('the fixture change touches neither Texas nor Florida');
  return buildDigest('weekly', '2025-W42', some);
}

export interface PngFacts {
  width: number;
  height: number;
  /** Share of pixels that are not the card's white. */
  inkShare: number;
  /** Distinct colours, counted on 4-bit channels (anti-aliasing folded together). */
  colours: number;
  /** Whether some pixels are within a small distance of `#RRGGBB`. */
  has(hex: string, minPixels?: number): boolean;
}

/** Decodes a PNG (it must be one: loadImage throws otherwise) and measures what it shows. */
export async function readPng(png: Buffer): Promise<PngFacts> {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data } = ctx.getImageData(0, 0, image.width, image.height);
  let ink = 0;
  const colours = new Set<number>();
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] < 250 || data[i + 1] < 250 || data[i + 2] < 250) ink++;
    colours.add(((data[i] >> 4) << 8) | ((data[i + 1] >> 4) << 4) | (data[i + 2] >> 4));
  }
  return {
    width: image.width,
    height: image.height,
    inkShare: ink / (data.length / 4),
    colours: colours.size,
    has(hex, minPixels = 200) {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      let n = 0;
      for (let i = 0; i < data.length && n < minPixels; i += 4) {
        if (Math.abs(data[i] - r) < 12 && Math.abs(data[i + 1] - g) < 12 && Math.abs(data[i + 2] - b) < 12) n++;
      }
      return n >= minPixels;
    },
  };
}
