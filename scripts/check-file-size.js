#!/usr/bin/env node
/**
 * The file-size rule of `npm run lint` (STYLE.md rule 10): no source file in src/, commands/ or
 * jobs/ over 400 lines. Biome has no such rule. A file that grows past it is split by subject,
 * not squeezed; `node scripts/check-file-size.js [max] [folder...]` checks other limits or folders.
 */
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const ROOT = join(__dirname, '..');
const [maxArg, ...folderArgs] = process.argv.slice(2);
const MAX_LINES = Number(maxArg ?? 400);
const FOLDERS = folderArgs.length ? folderArgs : ['src', 'commands', 'jobs'];
const SOURCE = /\.(ts|js|mjs|cjs)$/;

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (SOURCE.test(name)) yield path;
  }
}

const tooLong = [];
for (const folder of FOLDERS) {
  for (const file of sourceFiles(join(ROOT, folder))) {
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    if (lines > MAX_LINES) tooLong.push(`${relative(ROOT, file)}: ${lines} lines`);
  }
}
if (tooLong.length) {
  process.stderr.write(`Files over ${MAX_LINES} lines (split them by subject):\n${tooLong.map((l) => `  ${l}\n`).join('')}`);
  process.exit(1);
}
process.stdout.write(`file size: every file in ${FOLDERS.join(', ')} is at most ${MAX_LINES} lines\n`);
