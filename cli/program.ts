// The `bkdms` command tree: name, description, version and every subcommand. main.ts parses the
// process's arguments with it; tests build the same tree in-process.
import { Command } from 'commander';
import { versionLine } from '../node/mgmt/build-info.js';
import { registerCommands } from './commands.js';

export function createProgram(): Command {
  const program = new Command()
    .name('bkdms')
    .description('Blockchain-based unified KPI data management for smart sustainable cities (ITU-T Y.4907)')
    .version(versionLine(), '-V, --version', 'print the version, the git commit and the Node.js version')
    .showHelpAfterError();
  registerCommands(program);
  return program;
}
