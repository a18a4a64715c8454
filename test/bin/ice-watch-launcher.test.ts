import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * bin/ice-watch.js runs the compiled bot in dist/ and refuses a build that is missing or older
 * than the TypeScript. These tests copy the launcher into a scratch checkout with a stand-in
 * build (a dist/src/cli/index.js whose runCli prints its arguments), so that they never depend
 * on the real dist/: a stale build can neither pass nor fail them.
 */
const BIN = join(__dirname, '..', '..', 'bin');
const { compiledCli } = require(join(BIN, 'cli-process.js')) as {
  compiledCli: (root: string, options?: { checkSources?: boolean }) => string | Error;
};

let root: string;
const at = (path: string, secondsAgo: number) => {
  const t = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(join(root, path), t, t);
};
function write(path: string, text: string, secondsAgo: number) {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
  at(path, secondsAgo);
}
/** A build made 60 s ago from sources 120 s old. */
function checkoutWithBuild() {
  write('src/cli/index.ts', 'export {}', 120);
  write('commands/agreements.ts', 'export {}', 120);
  write(
    'dist/src/cli/index.js',
    'exports.runCli = async (argv) => { process.stdout.write(JSON.stringify(argv)); return argv[0] === "fail" ? 3 : 0; };',
    60,
  );
  write('dist/.tsbuildinfo', '{}', 60);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ice-watch-launcher-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('compiledCli: which build the launcher may run', () => {
  test('a build newer than every source: its CLI module', () => {
    checkoutWithBuild();
    expect(compiledCli(root)).toBe(join(root, 'dist', 'src', 'cli', 'index.js'));
  });

  test('no build: an error that says to run npm run build', () => {
    write('src/cli/index.ts', 'export {}', 120);
    const result = compiledCli(root);
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toBe('ice-watch: no build in dist/: run `npm run build` (npm install and npm start do it)');
  });

  test('a source edited after the build (a nested folder, one file): an error naming its folder', () => {
    checkoutWithBuild();
    write('commands/nested/new-command.ts', 'export {}', 5);
    const result = compiledCli(root);
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toBe(
      'ice-watch: dist/ is older than the TypeScript in commands: run `npm run build` (npm start does it)',
    );
  });

  test('files other than TypeScript do not make a build stale', () => {
    checkoutWithBuild();
    write('src/sources/seed/README.md', 'notes', 5);
    expect(compiledCli(root)).toBe(join(root, 'dist', 'src', 'cli', 'index.js'));
  });

  test('a deployment without the sources, or a shard process (checkSources: false), is not checked against them', () => {
    checkoutWithBuild();
    at('src/cli/index.ts', 0);
    expect(compiledCli(root)).toBeInstanceOf(Error);
    expect(compiledCli(root, { checkSources: false })).toBe(join(root, 'dist', 'src', 'cli', 'index.js'));
    rmSync(join(root, 'src'), { recursive: true });
    rmSync(join(root, 'commands'), { recursive: true });
    expect(compiledCli(root)).toBe(join(root, 'dist', 'src', 'cli', 'index.js'));
  });
});

describe('bin/ice-watch.js', () => {
  const run = async (...argv: string[]) => {
    mkdirSync(join(root, 'bin'), { recursive: true });
    for (const file of ['ice-watch.js', 'cli-process.js']) copyFileSync(join(BIN, file), join(root, 'bin', file));
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(root, 'bin', 'ice-watch.js'), ...argv]);
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  test('runs the compiled CLI with its arguments and exits with its code', async () => {
    checkoutWithBuild();
    expect(await run('parse', 'x.xlsx', '--json')).toEqual({ code: 0, stdout: '["parse","x.xlsx","--json"]', stderr: '' });
    expect((await run('fail')).code).toBe(3);
  });

  test('a stale build: exits 1 with what to run, and runs nothing', async () => {
    checkoutWithBuild();
    at('src/cli/index.ts', 0);
    expect(await run('start')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'ice-watch: dist/ is older than the TypeScript in src: run `npm run build` (npm start does it)\n',
    });
  });

  test('a shard process runs the build its main process checked, even when a source changed since', async () => {
    checkoutWithBuild();
    at('src/cli/index.ts', 0);
    expect(await run('discord-shard')).toEqual({ code: 0, stdout: '["discord-shard"]', stderr: '' });
  });
});
