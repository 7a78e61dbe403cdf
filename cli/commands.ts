import type { Command } from 'commander';
import { registerBenchCommands } from './bench.js';
import { registerClusterCommands } from './cluster-cmd.js';
import { registerDemoCommand } from './demo.js';
import { registerGenesisCommands } from './genesis.js';
import { registerKeyCommands } from './keys.js';
import { registerLogsCommands } from './logs-cmd.js';
import { registerNodeCommands } from './node-cmd.js';
import { registerPlatformCommands } from './platform-cmd.js';
import { registerQueryCommands } from './query.js';
import { registerSiteCommands } from './site-cmd.js';

/** Registers every subcommand. Each command module adds itself here. */
export function registerCommands(program: Command): void {
  registerKeyCommands(program);
  registerGenesisCommands(program);
  registerNodeCommands(program);
  registerClusterCommands(program);
  registerQueryCommands(program);
  registerSiteCommands(program);
  registerPlatformCommands(program);
  registerLogsCommands(program);
  registerBenchCommands(program);
  registerDemoCommand(program);
}
