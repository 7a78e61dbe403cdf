// `bkdms node start --config <file>`: runs one accounting node until SIGINT/SIGTERM.
import { type Command, Option } from 'commander';
import { loadNodeConfig } from '../node/config.js';
import { startNode } from '../node/node.js';
import { guardProcess } from '../node/process-guard.js';
import { exitWithParentRequested, runUntilSignal } from '../runtime/lifecycle.js';
import { resolvePassphrase } from '../runtime/passphrase.js';
import { reexecWithHeapCap } from './heap-reexec.js';
import { testkitSwitch } from './testkit-switch.js';

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
    .option(
      '--state-sync',
      'join by state sync when the data folder holds no block: take a verified snapshot from peers, then block-sync (as config stateSync.enabled; docs/operations.md)',
    )
    .addOption(
      new Option(
        '--testkit',
        'TEST ONLY: take the test-kit modes of BKDMS_TESTKIT_LIE, BKDMS_TESTKIT_BYZANTINE, BKDMS_TESTKIT_DIVERGE_FROM, BKDMS_TESTKIT_QUORUM_FORK, BKDMS_TESTKIT_CORRUPT_STATE_FROM, BKDMS_TESTKIT_FAILPOINT (docs/operations.md)',
      ),
    )
    .action(
      async (o: { config: string; passphraseFile?: string; testkit?: boolean; stateSync?: boolean }) => {
        const loaded = loadNodeConfig(o.config);
        // A V8 heap cap (config `memory`) applies only from process start: run the node in a child
        // started with it, and end as that child ends.
        const child = reexecWithHeapCap(loaded.memory);
        if (child !== undefined) process.exit(await child);
        const kit = testkitSwitch(o.testkit === true);
        const config =
          o.stateSync === true ? { ...loaded, stateSync: { ...loaded.stateSync, enabled: true } } : loaded;
        const passphrase = resolvePassphrase(
          { passphraseFile: o.passphraseFile ?? config.passphraseFile },
          { fileHint: 'pass --passphrase-file' },
        );
        await kit?.prepare?.();
        kit?.arm();
        const running = await startNode(config, passphrase, kit?.options ?? {});
        if (kit !== undefined)
          running.logs.logger('node').warn(
            {
              lies: kit.lies,
              byzantine: kit.byzantine,
              divergeFrom: kit.divergeFrom,
              quorumFork: kit.quorumFork,
              corruptStateFrom: kit.corruptStateFrom,
              failpoint: kit.failpoint,
            },
            'TEST KIT: this node lies, misbehaves or crashes on purpose',
          );
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
            // A supervisor that starts the node under a wrapper (heaptrack) signals and samples this pid.
            pid: process.pid,
            index: running.index,
            height: running.height,
            rpc: config.rpc.listen,
            mgmt: config.mgmt.listen,
            p2p: running.p2pAddresses,
            chainId: Buffer.from(running.chainId).toString('hex'),
          })}\n`,
        );
        // Ends on SIGINT/SIGTERM (a clean stop), on a fatal error (`stopped`), or, when started by a
        // supervisor (cluster up, the demo, tests), when the supervisor goes away.
        const exitCode = await runUntilSignal(
          {
            stop: () => running.stop(),
            done: running.stopped.then((err) => {
              if (err !== undefined) throw err;
            }),
          },
          { stopWhenStdinCloses: exitWithParentRequested() },
        ).then(
          () => 0,
          () => 1,
        );
        process.exit(exitCode);
      },
    );
}
