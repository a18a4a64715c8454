#!/usr/bin/env node
// Runs one TypeScript file through tsx: `node bin/run-ts.js bench/index.ts`.
require('tsx/cjs');
require(require('node:path').resolve(process.argv[2]));
