// Snapshots on a running node (node/snapshot/): the files in <dataDir>/snapshots, the snapshotter
// on the commit listener, the snapshot protocol served on p2p's request/response handler, and the
// comparison of snapshot hashes with the connected validators on a timer (a Service, so it stops
// with the node). Built after p2p and before the alarms, which read the comparison.

import { join } from 'node:path';
import { SNAPSHOT_REQUEST_KINDS } from '../../codec/snapshot-messages.js';
import type { Service } from '../../runtime/lifecycle.js';
import type { Logger } from '../../runtime/log.js';
import type { Chain } from '../chain/chain.js';
import type { NodeConfig } from '../config.js';
import { type P2P, peerIdOfPublicKey } from '../p2p/index.js';
import type { PersistedLedger } from '../persisted-ledger.js';
import { SnapshotComparer } from '../snapshot/comparer.js';
import type { AskPeer } from '../snapshot/header-anchor.js';
import { SnapshotFiles } from '../snapshot/snapshot-files.js';
import { SnapshotServer } from '../snapshot/snapshot-server.js';
import { Snapshotter } from '../snapshot/snapshotter.js';
import { StateReads } from '../state-reads.js';

export interface SnapshotWiring {
  config: NodeConfig;
  chainId: Uint8Array;
  ledger: PersistedLedger;
  chain: Chain;
  p2p: P2P;
  log: Logger;
  /** TEST ONLY: see SnapshotterDeps.falsify. */
  falsifySnapshots?: (entries: [string, Uint8Array][]) => [string, Uint8Array][];
}

export interface NodeSnapshots extends Service {
  files: SnapshotFiles;
  snapshotter: Snapshotter;
  server: SnapshotServer;
  comparer: SnapshotComparer;
}

export function snapshotsDir(dataDir: string): string {
  return join(dataDir, 'snapshots');
}

/** Asks over p2p's request/response protocol with the response capped at `maxBytes`. */
export function askOver(p2p: Pick<P2P, 'request'>): AskPeer {
  return (peer, request, maxBytes) => p2p.request(peer, request, undefined, maxBytes);
}

export async function createSnapshots(w: SnapshotWiring): Promise<NodeSnapshots> {
  const { ledger, chain, p2p, log } = w;
  const files = await SnapshotFiles.open(snapshotsDir(w.config.dataDir), w.config.snapshot.keep);
  if (files.unreadable.length > 0)
    log.warn({ files: files.unreadable }, 'unreadable snapshot files left aside');
  const snapshotter = new Snapshotter({
    files,
    chainId: w.chainId,
    intervalAt: (h) => chain.params.at(h).snapshotInterval,
    entries: () => ledger.contracts.state.entries(),
    storedRoot: (h) => ledger.store.stateRoot(h),
    log,
    ...(w.falsifySnapshots === undefined ? {} : { falsify: w.falsifySnapshots }),
  });
  chain.onCommitted(({ tip }) => snapshotter.committed(tip.height, tip.hash));
  const reads = new StateReads({ store: ledger.store, contracts: ledger.contracts, proven: ledger.proven });
  const server = new SnapshotServer({ files, store: ledger.store, prove: (keys) => reads.prove(keys) });
  p2p.onRequest(SNAPSHOT_REQUEST_KINDS, (_from, request) => server.handle(request));
  const comparer = new SnapshotComparer({
    ours: () => files.list(),
    peers: () => {
      const connected = new Set(p2p.connectedPeers());
      return ledger.contracts
        .validators(chain.height + 1)
        .map((k, index) => ({ index, ref: peerIdOfPublicKey(k) }))
        .filter((p) => connected.has(p.ref));
    },
    ask: askOver(p2p),
    log,
  });
  let timer: NodeJS.Timeout | undefined;
  return {
    name: 'snapshots',
    files,
    snapshotter,
    server,
    comparer,
    async start() {
      timer = setInterval(() => void comparer.compare(), w.config.snapshot.compareIntervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await snapshotter.idle();
    },
  };
}
