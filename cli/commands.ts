import type { Command } from 'commander';
import { registerClusterCommands } from './cluster/commands.js';
import { registerGenesisCommands } from './genesis.js';
import { registerKeyCommands } from './keys.js';
import { registerNodeCommands } from './node-cmd.js';
import { registerQueryCommands } from './query.js';

/** Registers every subcommand. Each command module adds itself here. */
export function registerCommands(program: Command): void {
  registerKeyCommands(program);
  registerGenesisCommands(program);
  registerNodeCommands(program);
  registerClusterCommands(program);
  registerQueryCommands(program);
  program
    .command('demo')
    .description('run the self-contained demo (for now: a self-check of the runtime)')
    .action(() => {
      const ok = typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers === 'function';
      process.stdout.write(`bkdms self-check: runtime polyfill ${ok ? 'ok' : 'MISSING'}\n`);
      if (!ok) process.exitCode = 1;
    });
}
