// The `bkdms` command tree: name, description, version and the subcommands. main.ts parses the
// process's arguments with it; tests build the same tree in-process.
import { Command } from 'commander';
import { versionLine } from '../node/mgmt/build-info.js';
import { registerCommands } from './commands.js';

/**
 * The program with the subcommands `args` (the arguments after `bkdms`) needs; every subcommand
 * when `args` is not given (commands.ts).
 */
export async function createProgram(args?: readonly string[]): Promise<Command> {
  const program = new Command()
    .name('bkdms')
    .description('Blockchain-based unified KPI data management for smart sustainable cities (ITU-T Y.4907)')
    .version(versionLine(), '-V, --version', 'print the version, the git commit and the Node.js version')
    // A command's options after one of its subcommands are the subcommand's (`alarms ack <id>
    // --rpc …`): commander honours a command's positional options only when the root has them too.
    .enablePositionalOptions()
    .showHelpAfterError();
  await registerCommands(program, args);
  return program;
}
