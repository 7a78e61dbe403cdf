// `bkdms node start --config <file>`: runs one accounting node until SIGINT/SIGTERM.
import type { Command } from 'commander';
import { loadNodeConfig } from '../node/config.js';
import { startNode } from '../node/node.js';
import { guardProcess } from '../node/process-guard.js';
import { resolvePassphrase } from './passphrase.js';

export function registerNodeCommands(program: Command): void {
  const node = program.command('node').description('run an accounting node');
  node
    .command('start')
    .description('start a node from its config file; stops cleanly on SIGINT/SIGTERM')
    .requiredOption('--config <file>', 'node config (JSON)')
    .option(
      '--passphrase-file <file>',
      'keystore passphrase file (overrides the config; else BKDMS_PASSPHRASE)',
    )
    .action(async (o: { config: string; passphraseFile?: string }) => {
      const config = loadNodeConfig(o.config);
      const running = await startNode(config, resolvePassphrase(o.passphraseFile ?? config.passphraseFile));
      // From here on an error nothing caught is logged and counted, not the end of the process
      // (node/process-guard.ts). During start-up Node's default stands: a node that cannot start
      // cleanly exits.
      guardProcess({
        log: running.logs.logger('process'),
        count: (kind) => running.metrics.uncaughtErrors.inc({ kind }),
        fail: (err) => running.fail(err),
        dataDir: config.dataDir,
      });
      // The readiness line supervisors wait for (devnet/processes.ts): always printed, whatever the log level.
      process.stdout.write(
        `${JSON.stringify({
          event: 'node.ready',
          index: running.index,
          height: running.height,
          rpc: config.rpc.listen,
          mgmt: config.mgmt.listen,
          p2p: running.p2pAddresses,
          chainId: Buffer.from(running.chainId).toString('hex'),
        })}\n`,
      );
      const stop = (): void => {
        running.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // Started by a supervisor (cluster up, the demo, tests): stop when it goes away.
      if (process.env.BKDMS_EXIT_WITH_PARENT === '1') {
        process.stdin.once('close', stop);
        process.stdin.resume();
      }
      const err = await running.stopped;
      process.exitCode = err === undefined ? 0 : 1;
      process.exit();
    });
}
