// `bkdms platform …`: the KPI management module of the smart city platform (docs/platform.md):
// follow the chain, trace, audit, assess, back up and restore its database, and the permission
// administration commands.
import type { Command } from 'commander';
import { loadGenesis } from '../node/genesis.js';
import { parseTime } from '../platform/api/params.js';
import { createPlatformBackup, restorePlatformBackup } from '../platform/backup.js';
import {
  type Admin,
  formatAudit,
  formatQualityTable,
  loadPlatformConfig,
  openAdmin,
  openPlatform,
  type PlatformConfig,
  type PlatformHandle,
  runPlatform,
} from '../platform/index.js';
import { dumpPlatformDatabase, restorePlatformDatabase } from '../platform/pg-dump.js';
import { formatTrace } from '../platform/trace.js';
import { armFailpoint } from '../runtime/failpoints.js';
import { runUntilSignal } from '../runtime/lifecycle.js';
import { registerActionCommands } from './gov-actions.js';
import { registerPlatformQueryCommands } from './platform-query-cmd.js';
import { platformTestkit } from './platform-testkit.js';

const say = (s: string): void => void process.stdout.write(`${s}\n`);

function load(path: string): { config: PlatformConfig; genesis: ReturnType<typeof loadGenesis> } {
  const config = loadPlatformConfig(path);
  return { config, genesis: loadGenesis(config.genesis) };
}

/** Opens the platform without following, runs `fn`, closes. */
async function withPlatform(path: string, fn: (p: PlatformHandle) => Promise<void>): Promise<void> {
  const { config, genesis } = load(path);
  const p = await openPlatform(config, { genesis });
  try {
    await fn(p);
  } finally {
    await p.stop();
  }
}

async function withAdmin(path: string, fn: (a: Admin) => Promise<unknown>): Promise<void> {
  const { config, genesis } = load(path);
  const { admin, close } = await openAdmin(config, genesis);
  try {
    say(JSON.stringify(await fn(admin), null, 2));
  } finally {
    close();
  }
}

const cfg = (c: Command): Command => c.requiredOption('--config <file>', 'platform config (JSON)');

export function registerPlatformCommands(program: Command): void {
  const platform = program.command('platform').description('run and administer the smart city platform');
  cfg(platform.command('run'))
    .description('follow the chain: verify, store (Table 10-3), decrypt and check every packet')
    .option(
      '--testkit',
      'TEST ONLY: arm the crash point of BKDMS_TESTKIT_FAILPOINT (platform-block-tx[:pass]; docs/operations.md)',
    )
    .action(async (o: { config: string; testkit?: boolean }) => {
      const fp = platformTestkit(o.testkit === true);
      const { config, genesis } = load(o.config);
      if (fp !== undefined) {
        process.stderr.write(`TEST KIT: this platform kills itself at ${fp.name} (pass ${fp.hit})\n`);
        armFailpoint(fp);
      }
      const p = await runPlatform(config, { genesis, print: say });
      await runUntilSignal(p);
      // A database failure while stopping still fails the command.
      await p.done;
    });
  cfg(platform.command('trace'))
    .description('print and verify offline the chain of evidence of one stored packet')
    .argument('<tracing-code>', 'tracing code (hex)')
    .action(async (code: string, o: { config: string }) => {
      await withPlatform(o.config, async (p) => say(formatTrace(await p.trace(code))));
    });
  cfg(platform.command('audit'))
    .description('re-verify stored records against the chain and their check codes')
    .option('--from <height>', 'first height')
    .option('--to <height>', 'last height')
    .action(async (o: { config: string; from?: string; to?: string }) => {
      await withPlatform(o.config, async (p) => {
        const r = await p.audit({
          fromHeight: o.from === undefined ? undefined : Number(o.from),
          toHeight: o.to === undefined ? undefined : Number(o.to),
        });
        say(formatAudit(r));
        if (r.findings.length > 0) process.exitCode = 2;
      });
    });
  cfg(platform.command('assess'))
    .description('data quality and availability per site, city and KPI')
    .option('--from <time>', 'window start (inclusive): UTC ms or ISO 8601')
    .option('--to <time>', 'window end (exclusive): UTC ms or ISO 8601')
    .option('--json', 'print the JSON report instead of the table')
    .action(async (o: { config: string; json?: boolean; from?: string; to?: string }) => {
      const from = o.from === undefined ? undefined : parseTime(o.from, '--from');
      const to = o.to === undefined ? undefined : parseTime(o.to, '--to');
      if (from !== undefined && to !== undefined && from >= to) throw new Error('--to must be after --from');
      await withPlatform(o.config, async (p) => {
        const r = await p.assess({ from, to });
        say(o.json ? JSON.stringify(r, null, 2) : formatQualityTable(r));
      });
    });
  cfg(platform.command('backup'))
    .description(
      'back up the platform database: pg_dump --format=custom on a PostgreSQL server (the platform may run), else the embedded folder (platform stopped)',
    )
    .requiredOption(
      '--to <file>',
      'the dump (server) or tar.gz (embedded) to write; mode 0600, must not exist',
    )
    .action(async (o: { config: string; to: string }) => {
      const { config } = load(o.config);
      const url = config.store?.url;
      if (url !== undefined) {
        await dumpPlatformDatabase(url, o.to);
        return say(`dumped the platform database to ${o.to} (pg_dump --format=custom)`);
      }
      const m = await createPlatformBackup(config.dataDir, o.to);
      say(`backed up ${m.files.length} files of ${config.dataDir} to ${o.to}`);
    });
  cfg(platform.command('restore'))
    .description(
      "restore the platform database: pg_restore into the server's database (one the platform is not using), else into an empty embedded folder",
    )
    .argument('<file>', 'a dump of `platform backup`')
    .action(async (file: string, o: { config: string }) => {
      const { config } = load(o.config);
      const url = config.store?.url;
      if (url !== undefined) {
        await restorePlatformDatabase(url, file);
        return say(
          'restored the platform database (pg_restore); the platform checks its cursor when it opens',
        );
      }
      const m = await restorePlatformBackup(file, config.dataDir);
      say(`restored ${m.files.length} files into ${config.dataDir}`);
    });
  registerPlatformQueryCommands(platform);
  const admin = platform.command('admin').description('permission administration (governance proposals)');
  // The same action subcommands as `bkdms gov propose`, signed with the config's admin keystore.
  registerActionCommands(admin, cfg, (action, o) => withAdmin(String(o.config), (a) => a.propose(action)));
  cfg(admin.command('approve'))
    .description('approve a pending governance proposal (M-of-N threshold)')
    .argument('<proposal-id>', 'proposal ID = tracing code of the proposal (hex)')
    .action(async (id: string, o: { config: string }) => {
      await withAdmin(o.config, (a) => a.approve(id));
    });
}
