// What both launchers share: the compiled build's check (bin/ice-watch.js) and the process
// around runCli (exit code, a closed pipe). Plain JavaScript: it runs before any build or loader.
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

/** Folders compiled into dist/ (tsconfig.build.json's include). */
const SOURCE_FOLDERS = ['src', 'commands', 'jobs'];
const BUILD_INFO = join('dist', '.tsbuildinfo');
const COMPILED_CLI = join('dist', 'src', 'cli', 'index.js');

/** The newest mtime (ms) of a .ts file under `dir`, 0 when there is none. */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The compiled CLI module's path under `root`, or an Error that says what to run. The build
 * is stale when a TypeScript source is newer than the last build (tsc -b touches its build
 * info on every build, even one with nothing to emit): running yesterday's code after a
 * `git pull` would be worse than not starting. A deployment that ships dist/ without the
 * sources is not checked. About 150 stats: a few milliseconds.
 */
function compiledCli(root, { checkSources = true } = {}) {
  const cli = join(root, COMPILED_CLI);
  const info = join(root, BUILD_INFO);
  if (!existsSync(cli) || !existsSync(info))
    return new Error('ice-watch: no build in dist/: run `npm run build` (npm install and npm start do it)');
  if (!checkSources) return cli;
  const built = statSync(info).mtimeMs;
  const changed = SOURCE_FOLDERS.map((folder) => join(root, folder)).filter((dir) => existsSync(dir) && newestSource(dir) > built);
  if (changed.length)
    return new Error(
      `ice-watch: dist/ is older than the TypeScript in ${changed.map((d) => d.slice(root.length + 1)).join(', ')}: run \`npm run build\` (npm start does it)`,
    );
  return cli;
}

/** Runs `ice-watch <argv>` with the given runCli and sets the exit code. */
function runCliProcess(runCli, argv) {
  // `ice-watch parse x --json | head` closes the pipe early: that is no error.
  process.stdout.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  runCli(argv).then((code) => {
    process.exitCode = code;
    // A command that failed exits now, whatever it left open (a failed `start` may leave a
    // reconnecting client behind): a supervisor must see the exit, never a process that lingers.
    if (code !== 0) process.exit(code);
  });
}

module.exports = { compiledCli, runCliProcess };
