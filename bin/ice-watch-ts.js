#!/usr/bin/env node
// The `ice-watch` command run from the TypeScript sources through tsx (a dev dependency), for
// tests, the bench and the shard processes of a bot that itself runs from the sources (ts-jest,
// tsx): what they exercise is the code as checked out, never a build that may be stale.
require('tsx/cjs');
const { runCliProcess } = require('./cli-process');

runCliProcess(require('../src/cli/index.ts').runCli, process.argv.slice(2));
