#!/usr/bin/env node
// Entry point of the `bkdms` command. The polyfill import must stay first.
import '../node/polyfill.js';
import { createProgram } from './program.js';

createProgram(process.argv.slice(2))
  .then((program) => program.parseAsync(process.argv))
  .catch((err: unknown) => {
    process.stderr.write(`bkdms: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
