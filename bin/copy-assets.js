#!/usr/bin/env node
// The second half of `npm run build`: tsc compiles the TypeScript to dist/; the files the code
// reads at run time beside it (src/sources/seed/*.csv) are copied to the same place under dist/,
// so the compiled bot finds them where the sources do.
const { copyFileSync, mkdirSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');

function copyAssets(dir) {
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) copyAssets(path);
    else if (!entry.name.endsWith('.ts') && !entry.name.endsWith('.md')) {
      mkdirSync(join(ROOT, 'dist', dir), { recursive: true });
      copyFileSync(join(ROOT, path), join(ROOT, 'dist', path));
    }
  }
}

for (const dir of ['src', 'commands', 'jobs']) copyAssets(dir);
