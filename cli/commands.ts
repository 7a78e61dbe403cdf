// The subcommands of `bkdms`, each loaded only when asked for. Loading every command module costs
// ~2.4 s of CPU (libp2p, gRPC, PGlite, esbuild…), paid by every short call such as `bkdms status`;
// a run loads only the modules of the command it names, and the whole tree for help or anything
// it does not recognise.
import type { Command } from 'commander';

type Register = (program: Command) => void;

interface CommandModule {
  /** The top-level command names the module registers. */
  names: readonly string[];
  load: () => Promise<Register>;
}

// In help order. Three modules add to `node`: the start command first, the management reads, the archive.
const MODULES: readonly CommandModule[] = [
  { names: ['keys'], load: async () => (await import('./keys.js')).registerKeyCommands },
  { names: ['genesis'], load: async () => (await import('./genesis.js')).registerGenesisCommands },
  { names: ['node'], load: async () => (await import('./node-cmd.js')).registerNodeCommands },
  { names: ['node'], load: async () => (await import('./node-mgmt-cmd.js')).registerNodeMgmtCommands },
  { names: ['node'], load: async () => (await import('./archive-cmd.js')).registerNodeArchiveCommand },
  { names: ['cluster'], load: async () => (await import('./cluster-cmd.js')).registerClusterCommands },
  { names: ['status'], load: async () => (await import('./query.js')).registerQueryCommands },
  { names: ['trace', 'verify'], load: async () => (await import('./trace-cmd.js')).registerTraceCommands },
  { names: ['state'], load: async () => (await import('./state-cmd.js')).registerStateCommand },
  {
    names: ['verify-chain'],
    load: async () => (await import('./verify-chain.js')).registerVerifyChainCommand,
  },
  { names: ['alarms'], load: async () => (await import('./alarms-cmd.js')).registerAlarmsCommand },
  { names: ['site'], load: async () => (await import('./site-cmd.js')).registerSiteCommands },
  { names: ['platform'], load: async () => (await import('./platform-cmd.js')).registerPlatformCommands },
  { names: ['gov'], load: async () => (await import('./gov-cmd.js')).registerGovCommands },
  { names: ['chain'], load: async () => (await import('./chain-cmd.js')).registerChainCommands },
  { names: ['logs'], load: async () => (await import('./logs-cmd.js')).registerLogsCommands },
  { names: ['console'], load: async () => (await import('./console-cmd.js')).registerConsoleCommand },
  { names: ['backup', 'prune'], load: async () => (await import('./backup-cmd.js')).registerBackupCommands },
  { names: ['archive'], load: async () => (await import('./archive-cmd.js')).registerArchiveCommands },
  { names: ['snapshot'], load: async () => (await import('./snapshot-cmd.js')).registerSnapshotCommands },
  { names: ['bench'], load: async () => (await import('./bench.js')).registerBenchCommands },
  { names: ['demo'], load: async () => (await import('./demo.js')).registerDemoCommand },
  { names: ['e2e'], load: async () => (await import('./e2e-cmd.js')).registerE2ECommands },
  { names: ['xchain'], load: async () => (await import('./xchain-cmd.js')).registerXchainCommands },
  { names: ['relay'], load: async () => (await import('./relay-cmd.js')).registerRelayCommand },
];

/** Every top-level command name, in help order. */
export const COMMAND_NAMES: readonly string[] = [...new Set(MODULES.flatMap((m) => m.names))];

/**
 * Registers the subcommands `args` (the arguments after `bkdms`) needs: the named command's
 * modules when the first argument names one, every module otherwise (help, version, a typo).
 */
export async function registerCommands(program: Command, args?: readonly string[]): Promise<void> {
  const first = args?.[0];
  const named = MODULES.filter((m) => first !== undefined && m.names.includes(first));
  const chosen = named.length > 0 ? named : MODULES;
  const registers = await Promise.all(chosen.map((m) => m.load()));
  for (const register of registers) register(program);
}
