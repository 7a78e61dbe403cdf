// Joining by state sync at start-up (docs/storage.md, "Joining by state sync"). Runs before the
// node's ledger is opened for good, when config.stateSync.enabled and the store holds no block:
//   1. a p2p host of its own (genesis validators and the configured observers) dials the peers;
//   2. StateSync takes the newest snapshot whose certifying header verifies (light-header chain
//      from genesis, or the operator's pinned header), fetching chunks from every peer offering it;
//   3. the proof of every validator-set change up to the snapshot height is fetched from the peers
//      and verified from genesis (snapshot/validator-changes.ts), so the node serves every change
//      proof as soon as it runs;
//   4. the state, header and certificate at the snapshot height, the block-hash log's frontier and
//      those change proofs are installed into the store in one synced batch (Store.installBase);
//   5. the host stops; the node then starts as usual on a store whose tip is the snapshot height,
//      and block-syncs the rest through normal state transfer.
// A crash during 2 or 3 resumes from the saved chunks at the next start; a crash after 4 finds a
// store with a tip and goes straight on (the saved chunks are deleted then). A store that already
// holds blocks is never overwritten: with stateSync.maxBehind set, a node far below the newest
// verified snapshot refuses to start and names the way to join afresh (refuseIfFarBehind).
import { join } from 'node:path';
import type { Ed25519KeyPair } from '../../crypto/ed25519.js';
import { K, type Scheduled } from '../../ledger/records.js';
import { failpoint } from '../../runtime/failpoints.js';
import type { Logger } from '../../runtime/log.js';
import type { NodeConfig } from '../config.js';
import type { Genesis } from '../genesis.js';
import { openPersistedLedger } from '../persisted-ledger.js';
import { SnapshotError, SnapshotErrorCode } from '../snapshot/errors.js';
import { type HeaderAnchor, LightClientAnchor, TrustedHeaderAnchor } from '../snapshot/header-anchor.js';
import { StateSync } from '../snapshot/state-sync.js';
import { SyncProgress } from '../snapshot/sync-progress.js';
import { changesUpTo, type Penalize } from '../snapshot/validator-changes.js';
import { Store } from '../store/index.js';
import { createP2P } from './pipeline.js';
import { askOver } from './snapshots.js';

export type StateSyncOutcome = 'off' | 'not-needed' | 'installed' | 'fell-back';

export interface StateSyncWiring {
  config: NodeConfig;
  key: Ed25519KeyPair;
  genesis: Genesis;
  log: Logger;
  segmentBytes?: number;
  /** Pause between attempts while no peer offers a usable snapshot. */
  retryMs?: number;
}

function anchorOf(config: NodeConfig, genesis: Genesis, penalize: Penalize): HeaderAnchor {
  const { trustHeight, trustHash } = config.stateSync;
  if (trustHeight !== undefined && trustHash !== undefined)
    return new TrustedHeaderAnchor({
      height: trustHeight,
      hash: new Uint8Array(Buffer.from(trustHash, 'hex')),
    });
  return new LightClientAnchor({ chainId: genesis.chainId, validators: genesis.validators }, penalize);
}

type P2P = ReturnType<typeof createP2P>;

function penalizerOf(log: Logger): Penalize {
  return (peer, reason) =>
    log.warn({ event: 'statesync.peer.penalized', peer, reason }, 'state sync: a peer sent bad bytes');
}

function syncOver(
  w: StateSyncWiring,
  p2p: P2P,
  progress: SyncProgress,
  anchor: HeaderAnchor,
  minHeight?: number,
): StateSync {
  const { genesis, log } = w;
  return new StateSync({
    chainId: genesis.chainId,
    peers: () => p2p.connectedPeers(),
    ask: askOver(p2p),
    anchor,
    progress,
    penalize: penalizerOf(log),
    log,
    ...(minHeight === undefined ? {} : { minHeight }),
  });
}

/** The refusal of a store that ends at `tip`, more than `maxBehind` blocks below snapshot `newest`. */
export function farBehindError(
  dataDir: string,
  tip: number,
  newest: number,
  maxBehind: number,
): SnapshotError {
  return new SnapshotError(
    SnapshotErrorCode.FarBehind,
    `this node's chain ends at ${tip}, ${newest - tip} blocks below a verified snapshot at ${newest} ` +
      `(stateSync.maxBehind ${maxBehind}), and a snapshot is installed only into an empty store. ` +
      `To join by state sync: stop the node, move its data folder aside (mv ${dataDir} ${dataDir}.old; ` +
      'the keystore and config are not in it) and start it again with state sync on. ' +
      'To replay the blocks instead, remove stateSync.maxBehind from the config.',
    { tip, newest, maxBehind },
  );
}

/**
 * A store that holds blocks cannot install a snapshot (its blocks, indexes and block-hash log would
 * have to go). When the operator set stateSync.maxBehind, the node asks its peers once for the
 * newest snapshot whose certifying header verifies, and refuses to start when that is more than
 * maxBehind blocks above its tip, saying how to join by state sync instead. It waits for a first
 * peer at most stateSync.timeoutMs and asks the peers connected then once; no peer, or no such
 * snapshot, and the node starts and replays.
 */
async function refuseIfFarBehind(
  w: StateSyncWiring,
  tip: number,
  maxBehind: number,
  progress: SyncProgress,
): Promise<void> {
  const { config, log } = w;
  const p2p = createP2P(config, w.key, w.genesis.chainId, w.genesis.validators);
  await p2p.start();
  const deadline = Date.now() + config.stateSync.timeoutMs;
  let newest: number | undefined;
  try {
    // One round of asking, once a first peer is connected: a node not far behind starts at once.
    while (p2p.connectedPeers().length === 0 && Date.now() < deadline)
      // A back-off while no peer is connected yet, not a wait for an event.
      await new Promise((r) => setTimeout(r, w.retryMs ?? 1000));
    if (p2p.connectedPeers().length > 0)
      newest = await syncOver(
        w,
        p2p,
        progress,
        anchorOf(config, w.genesis, penalizerOf(log)),
        tip + maxBehind,
      ).newestVerified();
  } finally {
    await p2p.stop();
  }
  if (newest !== undefined) throw farBehindError(config.dataDir, tip, newest, maxBehind);
  log.info({ tip, maxBehind }, 'state sync: no verified snapshot more than maxBehind blocks above the tip');
}

export async function joinByStateSync(w: StateSyncWiring): Promise<StateSyncOutcome> {
  const { config, genesis, log } = w;
  if (!config.stateSync.enabled) return 'off';
  const progress = new SyncProgress(join(config.dataDir, 'statesync'));
  const ledger = await openPersistedLedger(
    config.dataDir,
    genesis,
    w.segmentBytes === undefined ? {} : { segmentBytes: w.segmentBytes },
  );
  const tip = ledger.store.tip()?.height ?? 0;
  await ledger.close();
  if (tip > 0) {
    await progress.clear();
    const { maxBehind } = config.stateSync;
    if (maxBehind !== undefined) await refuseIfFarBehind(w, tip, maxBehind, progress);
    log.info({ tip }, 'state sync not needed: the store holds blocks');
    return 'not-needed';
  }
  const p2p = createP2P(config, w.key, genesis.chainId, genesis.validators);
  await p2p.start();
  const deadline = Date.now() + config.stateSync.timeoutMs;
  const penalize = penalizerOf(log);
  try {
    for (;;) {
      const anchor = anchorOf(config, genesis, penalize);
      const sync = syncOver(w, p2p, progress, anchor);
      try {
        const out = await sync.run();
        const { changes, missing } = await changesUpTo({
          genesis: { chainId: genesis.chainId, validators: genesis.validators },
          schedule: out.state.get<Scheduled<string[]>[]>(K.validators) ?? [],
          base: out.manifest.height,
          peers: p2p.connectedPeers(),
          ask: askOver(p2p),
          penalize,
          ...(anchor instanceof LightClientAnchor ? { known: anchor.changes } : {}),
        });
        if (missing.length > 0)
          log.warn(
            { event: 'statesync.changes.missing', missing },
            'state sync: no peer proved these validator-set changes: this node answers NOT_FOUND for their proofs',
          );
        await Store.installBase(config.dataDir, {
          height: out.manifest.height,
          header: out.tipHeader,
          certificate: out.tipCertificate,
          stateRoot: out.manifest.stateRoot,
          entries: out.state.entries(),
          hashLogFrontier: out.hashLogFrontier,
          hashLogRoot: out.certifying.header.hashLogRoot,
          validatorChanges: changes,
        });
        failpoint('statesync-after-install');
        await progress.clear();
        log.info(
          {
            event: 'statesync.installed',
            height: out.manifest.height,
            fetched: out.fetched,
            changeProofs: changes.length,
          },
          'state sync: snapshot installed, block sync continues from it',
        );
        return 'installed';
      } catch (err) {
        if (!(err instanceof SnapshotError) || err.code === SnapshotErrorCode.Io) throw err;
        if (Date.now() >= deadline) {
          log.warn(
            { err, timeoutMs: config.stateSync.timeoutMs },
            'state sync: no usable snapshot in time, joining by block replay',
          );
          return 'fell-back';
        }
        log.info({ reason: err.message }, 'state sync: no usable snapshot yet, asking again');
        // A back-off between rounds of asking peers, not a wait for an event.
        await new Promise((r) => setTimeout(r, w.retryMs ?? 1000));
      }
    }
  } finally {
    await p2p.stop();
  }
}
