#!/usr/bin/env node
// Entry point of the `bkdms` command. The polyfill import must stay first.
import '../node/polyfill.js';
import { Command } from 'commander';
import { registerCommands } from './commands.js';

const program = new Command();
program
  .name('bkdms')
  .description('Blockchain-based unified KPI data management for smart sustainable cities (ITU-T Y.4907)')
  .showHelpAfterError();
registerCommands(program);
program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`bkdms: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
