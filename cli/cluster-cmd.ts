// `bkdms cluster up` / `cluster down`: a local cluster of N validators on one host.
import { join } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_LISTEN, startConsoleOrFreePort } from '../console/start.js';
import { startCluster } from '../devnet/cluster.js';
import { clusterAdminKey, prepareCluster } from '../devnet/layout.js';
import { freeNodePorts, portsFromBase } from '../devnet/ports.js';
import { signalRecordedPids } from '../devnet/processes.js';
import { defaultSupervisorOptions, superviseNodes } from '../devnet/supervisor.js';
import { runUntilSignal } from '../runtime/lifecycle.js';
import { adminKeyOf } from './admin-flags.js';
import { registerClusterCheck } from './cluster-check.js';

export function registerClusterCommands(program: Command): void {
  const cluster = program.command('cluster').description('run a local cluster of accounting nodes');
  registerClusterCheck(cluster);
  cluster
    .command('up')
    .description('create keys, genesis and configs (first time), start N node processes, stop them on Ctrl-C')
    .option('-n, --nodes <n>', 'number of validators (3f+1: 1, 4, 7, ...)', '4')
    .option('--dir <dir>', 'folder holding the cluster files', join('.bkdms', 'cluster'))
    .option(
      '--base-port <port>',
      'first port; node i uses base+3i (p2p), +1 (rpc), +2 (mgmt); default: free ports',
    )
    .option(
      '--max-restarts <n>',
      'restarts of a node that ended on its own (crash, kill) before giving up on it; 0: never restart',
      String(defaultSupervisorOptions.maxRestarts),
    )
    .option('--console <host:port>', 'where the web console listens (a free port if taken)', DEFAULT_LISTEN)
    .option('--no-console', 'do not start the web console')
    .option(
      '--console-admin',
      "give the console the cluster's administrator key (<dir>/admin.key): its pages may then propose, approve and acknowledge",
    )
    .option(
      '--console-admin-key <file>',
      "give the console this administrator's Ed25519 keystore instead (passphrase: --passphrase-file or BKDMS_ADMIN_PASSPHRASE)",
    )
    .option('--passphrase-file <file>', 'passphrase of --console-admin-key')
    .action(
      async (o: {
        nodes: string;
        dir: string;
        basePort?: string;
        maxRestarts: string;
        console: string | false;
        consoleAdmin?: boolean;
        consoleAdminKey?: string;
        passphraseFile?: string;
      }) => {
        if (o.consoleAdmin && o.consoleAdminKey !== undefined)
          throw new Error('--console-admin and --console-admin-key: give one');
        const n = Number(o.nodes);
        const maxRestarts = Number(o.maxRestarts);
        if (!Number.isInteger(maxRestarts) || maxRestarts < 0 || maxRestarts > 1000)
          throw new Error('--max-restarts must be an integer from 0 to 1000');
        if (!Number.isInteger(n) || n < 1 || n > 64)
          throw new Error('--nodes must be an integer from 1 to 64');
        // Checked before prepareCluster, which would write the bad ports into the folder's configs.
        const base = Number(o.basePort);
        const maxBase = 65536 - 3 * n;
        if (o.basePort !== undefined && (!Number.isInteger(base) || base < 1 || base > maxBase))
          throw new Error(`--base-port must be an integer from 1 to ${maxBase} for ${n} nodes`);
        const ports =
          o.basePort === undefined
            ? await freeNodePorts(n)
            : Array.from({ length: n }, (_, i) => portsFromBase(base, i));
        const layout = await prepareCluster({ dir: o.dir, n, ports });
        process.stdout.write(
          `starting ${layout.nodes.length} nodes in ${o.dir} (chain ${layout.chainId.slice(0, 16)}…)\n`,
        );
        // Read before the nodes start, so a wrong passphrase stops nothing half-started.
        const consoleKey =
          o.console === false
            ? undefined
            : o.consoleAdmin
              ? await clusterAdminKey(layout)
              : await adminKeyOf({
                  ...(o.consoleAdminKey === undefined ? {} : { adminKey: o.consoleAdminKey }),
                  ...(o.passphraseFile === undefined ? {} : { passphraseFile: o.passphraseFile }),
                });
        const running = await startCluster(layout);
        for (const node of layout.nodes)
          process.stdout.write(
            `  node ${node.index}: rpc 127.0.0.1:${node.ports.rpc}  metrics http://127.0.0.1:${node.ports.mgmt}/metrics  log ${node.logPath}\n`,
          );
        const web =
          o.console === false
            ? undefined
            : await startConsoleOrFreePort({
                rpc: running.rpc,
                mgmt: running.mgmt,
                genesis: layout.genesisPath,
                listen: o.console,
                tls: () => ({ insecure: true }),
                ...(consoleKey === undefined ? {} : { adminKey: consoleKey }),
              });
        if (web !== undefined)
          process.stdout.write(
            `  console: ${web.url}${consoleKey === undefined ? ' (read-only)' : ' (administrator)'}\n`,
          );
        process.stdout.write('cluster up; Ctrl-C stops every node\n');
        // A node that ends on its own is reported on stderr and restarted with backoff (up to
        // --max-restarts); when none is left, the supervisor (and the console) ends too, with status
        // 1 unless every node exited with code 0 (as `cluster down` makes them).
        const watch = superviseNodes(running, {
          ...defaultSupervisorOptions,
          maxRestarts,
          write: (text) => process.stderr.write(text),
        });
        await runUntilSignal({
          // The console has nothing left to show once every node is gone: it ends with them.
          done: watch.allExited.then(async ({ clean }) => {
            process.exitCode = clean ? 0 : 1;
            await web?.stop();
          }),
          stop: async () => {
            watch.stop();
            process.stdout.write('stopping…\n');
            await web?.stop();
            await running.stop();
            process.stdout.write('stopped\n');
          },
        });
      },
    );
  cluster
    .command('down')
    .description('stop the node processes a `cluster up` started in that folder')
    .option('--dir <dir>', 'folder holding the cluster files', join('.bkdms', 'cluster'))
    .action((o: { dir: string }) => {
      process.stdout.write(`signalled ${signalRecordedPids(o.dir)} node processes\n`);
    });
}
