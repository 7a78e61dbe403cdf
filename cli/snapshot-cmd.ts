// `bkdms snapshot list|show|create`: the contract-state snapshots of a node's data folder
// (docs/storage.md, Snapshots). list and show read <dataDir>/snapshots offline (a running node's
// folder too: files are only ever renamed into place); show --verify reads every chunk and checks
// it against the manifest. create takes a snapshot at the tip of a stopped node's data folder
// (the store's lock refuses a running one): the state is checked against the stored state root.
import type { Command } from 'commander';
import { bytesEqual, toHex } from '../crypto/bytes.js';
import { buildSnapshot } from '../ledger/snapshot.js';
import { loadNodeConfig } from '../node/config.js';
import { loadGenesis } from '../node/genesis.js';
import { openPersistedLedger } from '../node/persisted-ledger.js';
import { SnapshotFiles, type SnapshotInfo } from '../node/snapshot/snapshot-files.js';
import { snapshotsDir } from '../node/wiring/snapshots.js';

interface DirFlags {
  dir: string;
  json?: boolean;
}

const summary = (s: SnapshotInfo) => ({
  height: s.height,
  hash: toHex(s.hash),
  stateRoot: toHex(s.manifest.stateRoot),
  blockHash: toHex(s.manifest.blockHash),
  format: s.manifest.format,
  chunks: s.manifest.chunks.length,
  bytes: s.bytes,
});

/** Opens the snapshots of a data folder without deleting anything (keep is never reached). */
const openDir = (dataDir: string) => SnapshotFiles.open(snapshotsDir(dataDir), Number.MAX_SAFE_INTEGER);

export function registerSnapshotCommands(program: Command): void {
  const snap = program
    .command('snapshot')
    .description("a node's contract-state snapshots (list, show, create)");
  snap
    .command('list')
    .description('the snapshots in a data folder, newest first: height, snapshot hash, state root, size')
    .requiredOption('--dir <dataDir>', "the node's data folder")
    .option('--json', 'print JSON')
    .action(async (o: DirFlags) => {
      const files = await openDir(o.dir);
      const rows = files.list().map(summary);
      if (o.json)
        process.stdout.write(`${JSON.stringify({ snapshots: rows, unreadable: files.unreadable })}\n`);
      else {
        for (const r of rows)
          process.stdout.write(
            `${String(r.height).padStart(10)}  ${r.hash}  root ${r.stateRoot.slice(0, 16)}…  ${r.bytes} B\n`,
          );
        if (rows.length === 0) process.stdout.write('no snapshots\n');
        for (const u of files.unreadable) process.stdout.write(`unreadable: ${u}\n`);
      }
    });
  snap
    .command('show <height>')
    .description('one snapshot: its manifest (chunk hashes and lengths); --verify checks every chunk')
    .requiredOption('--dir <dataDir>', "the node's data folder")
    .option('--verify', 'read every chunk and check it against the manifest')
    .option('--json', 'print JSON')
    .action(async (height: string, o: DirFlags & { verify?: boolean }) => {
      const files = await openDir(o.dir);
      const info = files.get(Number(height));
      if (info === undefined) throw new Error(`no snapshot at height ${height} in ${files.dir}`);
      let verified: boolean | undefined;
      if (o.verify) {
        for (let i = 0; i < info.manifest.chunks.length; i++) await files.readChunk(info.height, i);
        verified = true;
      }
      const out = {
        ...summary(info),
        chainId: toHex(info.manifest.chainId),
        chunkList: info.manifest.chunks.map((c, index) => ({ index, hash: toHex(c.hash), length: c.length })),
        ...(verified === undefined ? {} : { verified }),
      };
      if (o.json) process.stdout.write(`${JSON.stringify(out)}\n`);
      else {
        process.stdout.write(
          `height ${out.height}\nsnapshot hash ${out.hash}\nstate root ${out.stateRoot}\nblock hash ${out.blockHash}\n` +
            `chain ${out.chainId}\nformat ${out.format}, ${out.chunks} chunks, ${out.bytes} bytes\n`,
        );
        for (const c of out.chunkList)
          process.stdout.write(`  chunk ${String(c.index).padStart(2)}  ${c.hash}  ${c.length} B\n`);
        if (verified) process.stdout.write('every chunk matches the manifest\n');
      }
    });
  snap
    .command('create')
    .description("take a snapshot at the tip of a stopped node's data folder")
    .requiredOption('--config <file>', 'the node config (data folder, genesis)')
    .option('--json', 'print JSON')
    .action(async (o: { config: string; json?: boolean }) => {
      const config = loadNodeConfig(o.config);
      const genesis = loadGenesis(config.genesis);
      const ledger = await openPersistedLedger(config.dataDir, genesis);
      try {
        const tip = ledger.store.tip();
        if (tip === undefined) throw new Error('the data folder holds no block yet');
        const built = buildSnapshot(ledger.contracts.state.entries(), {
          chainId: genesis.chainId,
          height: tip.height,
          blockHash: tip.hash,
        });
        const stored = await ledger.store.stateRoot(tip.height);
        if (stored === undefined || !bytesEqual(stored, built.manifest.stateRoot))
          throw new Error(`the state at ${tip.height} does not match the stored state root`);
        const files = await SnapshotFiles.open(snapshotsDir(config.dataDir), config.snapshot.keep);
        const info = await files.write(built);
        if (o.json) process.stdout.write(`${JSON.stringify(summary(info))}\n`);
        else process.stdout.write(`snapshot at ${info.height}: ${toHex(info.hash)} (${info.bytes} bytes)\n`);
      } finally {
        await ledger.close();
      }
    });
}
