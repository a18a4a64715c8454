import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commands } from '../commands/index';
import { formatUtcMinute } from '../src/domain/text';
import { parse287gWorkbook } from '../src/sources/workbook-287g';
import { cli } from './helpers/cli';
import { fixturePath } from './helpers/fixtures';

const FILE = fixturePath('participatingAgencies12122025pm.xlsx');

/** Runs the terminal against `store`, as an operator's shell with STORE_URL set would. */
async function withStore<T>(store: string, run: () => Promise<T>): Promise<T> {
  const saved = process.env.STORE_URL;
  process.env.STORE_URL = store;
  try {
    return await run();
  } finally {
    if (saved === undefined) delete process.env.STORE_URL;
    else process.env.STORE_URL = saved;
  }
}

describe('the terminal runs the slash commands of the registry', () => {
  test('the help lists every command of the registry with its description', async () => {
    const r = await cli('help');
    expect(r.code).toBe(0);
    for (const c of commands)
      expect(r.stdout).toMatch(new RegExp(`^ {2}${c.name} [\\s\\S]*?${c.description.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
  });

  test('"as of" says which date: the workbook\'s saved time with --file, the fetch time from the store', async () => {
    const saved = (await parse287gWorkbook(readFileSync(FILE))).modifiedInFile!;
    const fromFile = await cli('agreements', 'texas', '--file', FILE);
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toContain(
      `Source: ICE participatingAgencies12122025pm.xlsx, read from disk; workbook saved ${formatUtcMinute(saved)}\n`,
    );

    const dir = mkdtempSync(join(tmpdir(), 'ice-watch-cli-registry-'));
    const store = `sqlite://${join(dir, 'store.sqlite')}`;
    try {
      await cli('replay', FILE, '--store', store, '--start', '2025-12-12T18:00:00Z', '--json');
      const fromStore = await withStore(store, () => cli('agreements', 'texas'));
      expect(fromStore.code).toBe(0);
      expect(fromStore.stdout).toContain('Source: ICE participatingAgencies12122025pm.xlsx, fetched 2025-12-12 18:00 UTC\n');
      // The same question gives the same answer either way: only the footer (and the picture's date) differs.
      const body = (text: string) =>
        text
          .split('\n')
          .filter((l) => !/^(Source|Chart|Page): /.test(l) && !/^Page \d/.test(l))
          .join('\n');
      expect(body(fromStore.stdout)).toBe(body(fromFile.stdout));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a paged answer prints the command line of the next page, and that line answers with it', async () => {
    const first = await cli('agreements', 'texas', '--file', FILE, '--model', 'tfm');
    const next = /^Page 1 of (\d+) \(next: ice-watch (.+)\)$/m.exec(first.stdout);
    expect(next).not.toBeNull();
    expect(next![2]).toBe(`agreements texas --model tfm --file ${FILE} --page 2`);
    const second = await cli(...next![2].split(' '));
    expect(second.stdout).toMatch(new RegExp(`^Page 2 of ${next![1]}`, 'm'));
    expect(second.stdout.split('\n')[0]).toBe(first.stdout.split('\n')[0]);
  });

  test('free text as on Slack and --option flags give the same arguments', async () => {
    const flags = (await cli('agreements', 'texas', '--model', 'jem', '--file', FILE, '--json')).json();
    const typed = (await cli('agreements', 'texas', 'model:jem', '--file', FILE, '--json')).json();
    expect(typed).toEqual(flags);
    expect(flags.filter).toEqual({ model: 'JEM' });
  });

  test('a file the bot would refuse is a user error naming the file and why', async () => {
    const r = await cli('agreements', 'texas', '--file', fixturePath('pendingAgencies09222025am.xlsx'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^ice-watch: .*pendingAgencies09222025am\.xlsx: /);
  });
});
