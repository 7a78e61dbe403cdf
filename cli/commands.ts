import type { Command } from 'commander';
import { registerAlarmsCommand } from './alarms-cmd.js';
import { registerBenchCommands } from './bench.js';
import { registerChainCommands } from './chain-cmd.js';
import { registerClusterCommands } from './cluster-cmd.js';
import { registerDemoCommand } from './demo.js';
import { registerE2ECommands } from './e2e-cmd.js';
import { registerGenesisCommands } from './genesis.js';
import { registerGovCommands } from './gov-cmd.js';
import { registerKeyCommands } from './keys.js';
import { registerLogsCommands } from './logs-cmd.js';
import { registerNodeCommands } from './node-cmd.js';
import { registerNodeMgmtCommands } from './node-mgmt-cmd.js';
import { registerPlatformCommands } from './platform-cmd.js';
import { registerQueryCommands } from './query.js';
import { registerSiteCommands } from './site-cmd.js';
import { registerSnapshotCommands } from './snapshot-cmd.js';
import { registerStateCommand } from './state-cmd.js';
import { registerTraceCommands } from './trace-cmd.js';
import { registerVerifyChainCommand } from './verify-chain.js';

/** Registers every subcommand. Each command module adds itself here. */
export function registerCommands(program: Command): void {
  registerKeyCommands(program);
  registerGenesisCommands(program);
  registerNodeCommands(program);
  registerNodeMgmtCommands(program);
  registerClusterCommands(program);
  registerQueryCommands(program);
  registerTraceCommands(program);
  registerStateCommand(program);
  registerVerifyChainCommand(program);
  registerAlarmsCommand(program);
  registerSiteCommands(program);
  registerPlatformCommands(program);
  registerGovCommands(program);
  registerChainCommands(program);
  registerLogsCommands(program);
  registerSnapshotCommands(program);
  registerBenchCommands(program);
  registerDemoCommand(program);
  registerE2ECommands(program);
}
