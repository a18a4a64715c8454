import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/index';
import type { PlannedDelivery } from '../../../src/domain/alerts/delivery-plan';
import { createConsoleAlertSender } from '../../../src/platforms/console/console-alert-sender';
import { fixturePath } from '../../helpers/fixtures';
import { readPng, weeklyDigest } from '../../helpers/charts';

describe('the terminal writes pictures to files and prints their paths', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ice-watch-charts-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a weekly digest in console mode: the text, then "Chart: <path>" of a PNG named after the week', async () => {
    const digest = await weeklyDigest();
    const out: string[] = [];
    const delivery: PlannedDelivery = {
      id: 'd',
      subscriptionKey: 'k',
      platform: 'console',
      workspaceId: 'local',
      channelId: 'console',
      mode: 'weekly',
      digest,
      alert: digest.alerts[0],
    };
    await createConsoleAlertSender((s) => void out.push(s), { dir }).send(delivery);
    const path = join(dir, 'digest-2025-W42.png');
    expect(out.join('')).toMatch(/^\nWeekly 287\(g\) digest for 2025-W42: changes in 2 states\n[\s\S]*\nChart: (.+)\n$/);
    expect(out.join('').trim().split('\n').at(-1)).toBe(`Chart: ${path}`);
    expect((await readPng(readFileSync(path))).width).toBe(1000);
  });

  test('a daily digest, or charts turned off, prints no chart line', async () => {
    const digest = { ...(await weeklyDigest()), mode: 'daily' as const };
    const out: string[] = [];
    const delivery: PlannedDelivery = {
      id: 'd',
      subscriptionKey: 'k',
      platform: 'console',
      workspaceId: 'local',
      channelId: 'console',
      mode: 'daily',
      digest,
      alert: digest.alerts[0],
    };
    await createConsoleAlertSender((s) => void out.push(s), { dir }).send(delivery);
    await createConsoleAlertSender((s) => void out.push(s), null).send({
      ...delivery,
      mode: 'weekly',
      digest: { ...digest, mode: 'weekly' },
    });
    expect(out.join('')).not.toContain('Chart:');
  });

  test('`ice-watch agreements texas --file F` prints the text and the chart path in CHARTS_DIR; --json prints JSON only', async () => {
    const saved = process.env.CHARTS_DIR;
    process.env.CHARTS_DIR = dir;
    try {
      const out: string[] = [];
      const io = { stdout: (s: string) => void out.push(s), stderr: (s: string) => void out.push(`ERR ${s}`) };
      expect(await runCli(['agreements', 'texas', '--file', fixturePath('participatingAgencies12122025pm.xlsx')], io)).toBe(0);
      const text = out.join('');
      expect(text).toMatch(/^Texas: 250 active 287\(g\) agreements/);
      expect(text.trim().split('\n').at(-1)).toBe(`Chart: ${join(dir, 'agreements-texas.png')}`);
      expect(existsSync(join(dir, 'agreements-texas.png'))).toBe(true);
      out.length = 0;
      expect(await runCli(['agreements', 'texas', '--file', fixturePath('participatingAgencies12122025pm.xlsx'), '--json'], io)).toBe(0);
      expect(JSON.parse(out.join('')).total).toBe(250);
    } finally {
      if (saved === undefined) delete process.env.CHARTS_DIR;
      else process.env.CHARTS_DIR = saved;
    }
  });
});
