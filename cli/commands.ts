import type { Command } from 'commander';
import { registerBenchCommands } from './bench.js';
import { registerClusterCommands } from './cluster-cmd.js';
import { registerDemoCommand } from './demo.js';
import { registerE2ECommands } from './e2e-cmd.js';
import { registerGenesisCommands } from './genesis.js';
import { registerKeyCommands } from './keys.js';
import { registerNodeCommands } from './node-cmd.js';
import { registerPlatformCommands } from './platform-cmd.js';
import { registerQueryCommands } from './query.js';
import { registerSiteCommands } from './site-cmd.js';
import { registerTraceCommands } from './trace-cmd.js';

/** Registers every subcommand. Each command module adds itself here. */
export function registerCommands(program: Command): void {
  registerKeyCommands(program);
  registerGenesisCommands(program);
  registerNodeCommands(program);
  registerClusterCommands(program);
  registerQueryCommands(program);
  registerTraceCommands(program);
  registerSiteCommands(program);
  registerPlatformCommands(program);
  registerBenchCommands(program);
  registerDemoCommand(program);
  registerE2ECommands(program);
}
