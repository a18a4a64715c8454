#!/usr/bin/env node
// The `ice-watch` command (`npm start`, `npx ice-watch`): runs the compiled JavaScript in dist/
// (`npm run build`; `npm install` and `npm start` build first), with no TypeScript loader in the
// process. A missing or stale build is refused with what to run. Tests and the bench run the same
// command from the TypeScript sources: bin/ice-watch-ts.js.
const { join } = require('node:path');
const { compiledCli, runCliProcess } = require('./cli-process');

const argv = process.argv.slice(2);
// A shard process runs the build its main process runs (that one checked it when it started):
// sources edited since then must not keep a respawned shard down until the next restart.
const cli = compiledCli(join(__dirname, '..'), { checkSources: argv[0] !== 'discord-shard' });
if (cli instanceof Error) {
  process.stderr.write(`${cli.message}\n`);
  process.exit(1);
}
runCliProcess(require(cli).runCli, argv);
