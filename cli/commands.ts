import type { Command } from 'commander';
import { registerClusterCommands } from './cluster/commands.js';
import { registerDemoCommand } from './demo.js';
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
  registerDemoCommand(program);
}
