#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx (no build step), so `npx ice-watch`,
// `npm run cli --` and `npm start` always run the code as checked out.
require('tsx/cjs');
// `ice-watch parse x --json | head` closes the pipe early: that is no error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
const { runCli } = require('../src/cli/index.ts');
runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // A command that failed exits now, whatever it left open (a failed `start` may leave a
  // reconnecting client behind): a supervisor must see the exit, never a process that lingers.
  if (code !== 0) process.exit(code);
});
