// One accounting node, assembled in one place (docs/architecture.md §5): ledger (store + contracts), the chain
// aggregate (mempool, pre-verified cache, tip), verification pool, admission, PBFT core and its
// driver, p2p, relay, RPC server, management port. The pieces are built in node/wiring/; services
// start in that order and stop in the reverse order; `node ready` is logged last.
import type { NodeApi } from '../api/handlers.js';
import { encodeBlockHeader } from '../codec/block.js';
import type { BlockHeader } from '../codec/types.js';
import { toHex } from '../crypto/bytes.js';
import { sign } from '../crypto/ed25519.js';
import { ed25519Of } from '../crypto/key-formats.js';
import { readKeystore } from '../crypto/keystore.js';
import { VerifyPool } from '../crypto/verify-pool.js';
import type { Contracts } from '../ledger/contracts.js';
import { Lifecycle } from '../runtime/lifecycle.js';
import { createLogs, type Logs } from '../runtime/log.js';
import { RecentRefusals } from './admission/evictions.js';
import { Chain } from './chain/chain.js';
import type { MempoolEntry } from './chain/mempool.js';
import type { NodeConfig } from './config.js';
import type { OutboundRewrite } from './consensus-driver.js';
import { Followers } from './followers.js';
import { loadGenesis } from './genesis.js';
import { GossipBacklog } from './gossip-backlog.js';
import { GovernanceAudit } from './gov-audit.js';
import { logFilesOf } from './log-config.js';
import { type NodeMetrics, registerProposalBodyMetrics, registerSnapshotMetrics } from './mgmt/metrics.js';
import { registerP2PMetrics } from './mgmt/p2p-metrics.js';
import { wireNetwork } from './network-wiring.js';
import type { TestkitNetwork } from './p2p/index.js';
import { openPersistedLedger } from './persisted-ledger.js';
import { Pruner } from './pruner.js';
import { loadCursorSecret } from './query-cursors.js';
import { ArchiveIndex, headerHash } from './store/index.js';
import { createAlarms } from './wiring/alarms.js';
import { createDriver, createReplica } from './wiring/consensus.js';
import { createAdmissions, createP2P, createRelay, listenCommitted } from './wiring/pipeline.js';
import { createServers, metricsOf } from './wiring/servers.js';
import { closing, FatalStop } from './wiring/services.js';
import { createSnapshots } from './wiring/snapshots.js';
import { joinByStateSync } from './wiring/state-sync.js';

export interface RunningNode {
  readonly index: number;
  readonly chainId: Uint8Array;
  readonly height: number;
  readonly logs: Logs;
  readonly metrics: NodeMetrics;
  /** Governance events (proposals opened and closed, membership changes) from committed blocks. */
  readonly governance: GovernanceAudit;
  readonly rpcPort: number;
  readonly mgmtPort: number;
  readonly p2pAddresses: string[];
  stop(): Promise<void>;
  /** Stops the node as a fatal error does: logged, services stopped, `stopped` resolves with `err`. */
  fail(err: unknown): void;
  /** Resolves when the node stops for good (signal, fatal error). */
  readonly stopped: Promise<unknown>;
}

export interface StartNodeOptions {
  /** Wraps the RPC handlers (the test kit's lying node, switched on by `bkdms node start --testkit`). */
  wrapApi?: (api: NodeApi) => NodeApi;
  /**
   * TEST ONLY: rewrites what the consensus driver sends (the test kit's Byzantine modes, switched
   * on by `bkdms node start --testkit`); given the node's chain ID, signing key and validator count.
   */
  consensusRewrite?: (ctx: RewriteContext) => OutboundRewrite;
  /** TEST ONLY: the block log's segment size (small, so that tests reach segment rolls). */
  segmentBytes?: number;
  /**
   * TEST ONLY: called with the node's contracts once its ledger is open, before it applies any
   * block of consensus (the test kit's corrupted state).
   */
  tamperContracts?: (contracts: Contracts) => void;
  /** TEST ONLY: the state entries its snapshots are written with (a node whose snapshots diverge). */
  falsifySnapshots?: (entries: [string, Uint8Array][]) => [string, Uint8Array][];
  /** TEST ONLY: the newly admitted envelopes its consensus core is told of (a censoring primary). */
  censorRequests?: (entries: MempoolEntry[]) => MempoolEntry[];
  /**
   * TEST ONLY: a service that misuses the node's network (the test kit's `flood` mode), started
   * after the network and stopped before it.
   */
  networkAttack?: (net: TestkitNetwork) => { name: string; start(): Promise<void>; stop(): Promise<void> };
}

/** What a consensus rewrite may use of the node: its chain, its key, the size of the set in force. */
export interface RewriteContext {
  chainId: Uint8Array;
  sign(bytes: Uint8Array): Uint8Array;
  hashHeader(header: BlockHeader): Uint8Array;
  validatorCount(): number;
}

export async function startNode(
  config: NodeConfig,
  passphrase: string,
  opts: StartNodeOptions = {},
): Promise<RunningNode> {
  const logs = createLogs({ spec: config.log.spec });
  const log = logs.logger('node');
  if (config.logs !== undefined) await logs.attachFiles(logFilesOf(config.logs));
  const genesis = loadGenesis(config.genesis);
  const key = ed25519Of(await readKeystore(config.keystore, passphrase));
  // Read (or made) before anything holds resources a failure here would have to release.
  const cursorSecret = await loadCursorSecret(config.dataDir);
  // A node with an empty store and stateSync on takes a snapshot first (wiring/state-sync.ts).
  await joinByStateSync({
    config,
    key,
    genesis,
    log: logs.logger('snapshot'),
    ...(opts.segmentBytes === undefined ? {} : { segmentBytes: opts.segmentBytes }),
  });
  const ledger = await openPersistedLedger(
    config.dataDir,
    genesis,
    opts.segmentBytes === undefined ? {} : { segmentBytes: opts.segmentBytes },
  );
  opts.tamperContracts?.(ledger.contracts);
  const chain = await Chain.open(ledger.store, ledger.contracts, genesis, config.mempool);
  const height = chain.height;
  const tickMs = config.consensus.tickMs;
  const observers = config.p2p.observers.map((k) => new Uint8Array(Buffer.from(k, 'hex')));
  const replicaOf = await createReplica(key, genesis, ledger, chain, tickMs, log, observers);
  const { replica, self, validators } = replicaOf;
  const metrics = metricsOf(self, replica, chain);
  const pool = new VerifyPool();
  const p2p = createP2P(config, key, genesis.chainId, validators);
  const refusals = new RecentRefusals();
  const stop = new FatalStop(log);
  const backlog = new GossipBacklog();
  const driver = createDriver({
    replica,
    ledger,
    chain,
    pool,
    p2p,
    tickMs,
    logs,
    refusals,
    backlog,
    onFatal: stop.fatal,
    ...(opts.censorRequests === undefined ? {} : { censor: opts.censorRequests }),
    ...(opts.consensusRewrite === undefined
      ? {}
      : {
          rewrite: opts.consensusRewrite({
            chainId: genesis.chainId,
            sign: (bytes) => sign(key, bytes),
            hashHeader: (h) => headerHash(encodeBlockHeader(h)),
            validatorCount: () => ledger.contracts.validators((ledger.store.tip()?.height ?? 0) + 1).length,
          }),
        }),
  });
  const w = { chain, ledger, pool, p2p, driver, metrics, log };
  const relay = createRelay(w);
  listenCommitted(w, relay, height);
  const governance = new GovernanceAudit({
    state: ledger.contracts.state,
    log: logs.logger('audit'),
    metrics,
  });
  chain.onCommitted(({ block }) => {
    // Reporting must never stop the chain's other listeners.
    try {
      governance.committed(block.block);
    } catch (err) {
      log.warn({ err }, 'governance audit failed');
    }
  });
  const { admission, peerAdmission } = createAdmissions(w, genesis.chainId);
  wireNetwork({ p2p, peerAdmission, driver, backlog, log: logs.logger('p2p'), metrics });
  registerProposalBodyMetrics(metrics, () => driver.bodyStats);
  registerP2PMetrics(metrics, p2p);
  const servers = { config, genesis, ledger, chain, replica, p2p, admission, refusals, cursorSecret };
  const snapshots = await createSnapshots({
    config,
    chainId: genesis.chainId,
    ledger,
    chain,
    p2p,
    log: logs.logger('snapshot'),
    ...(opts.falsifySnapshots === undefined ? {} : { falsifySnapshots: opts.falsifySnapshots }),
  });
  registerSnapshotMetrics(metrics, {
    list: () => snapshots.files.list(),
    divergentPeers: () => new Set(snapshots.comparer.divergences().map((d) => d.peer)).size,
  });
  const alarmLog = logs.logger('alarms');
  const alarms = await createAlarms({
    ...{ config, replica, p2p, chain, ledger, driver, metrics, governance },
    log: alarmLog,
    snapshotDivergence: () => snapshots.comparer.divergences(),
  });
  const followers = new Followers();
  const archiveDir = config.retain?.archiveDir;
  // Listed once here; the pruner records what it archives after, so PRUNED answers list nothing.
  const archiveIndex = archiveDir === undefined ? undefined : ArchiveIndex.load(archiveDir);
  if (archiveIndex !== undefined) ledger.store.archivedAt = (h) => archiveIndex.segmentOf(h);
  const pruner = new Pruner({
    store: ledger.store,
    dataDir: config.dataDir,
    retain: config.retain ?? { intervalMs: 60_000, stepsPerRun: 8 },
    followers,
    archiveIndex,
    log: logs.logger('store'),
    registry: metrics.registry,
  });
  const { rpc, mgmt, sampler } = createServers({
    ...servers,
    followers,
    metrics,
    logs,
    log,
    publicKey: key.publicKey,
    alarms,
    wrapApi: opts.wrapApi,
  });
  const lifecycle = new Lifecycle([
    // Stopped last: every service's stop is logged before the files are flushed and closed.
    closing('logs', () => logs.close()),
    closing('ledger', () => ledger.close()),
    closing('verify-pool', () => pool.close()),
    p2p,
    ...(opts.networkAttack === undefined ? [] : [opts.networkAttack(p2p.testkitNetwork())]),
    driver,
    relay,
    sampler,
    rpc,
    mgmt,
    alarms,
    // Stopped first, before the ledger closes under a running step.
    pruner,
    snapshots,
  ]);
  stop.bind(lifecycle);
  try {
    await lifecycle.start((name) => log.debug({ service: name }, 'started'));
  } catch (err) {
    await lifecycle.stop().catch(() => undefined);
    throw err;
  }
  const { stopped } = stop;
  const ports = { rpcPort: rpc.port, mgmtPort: mgmt.port, p2pAddresses: p2p.addresses };
  const node = {
    index: self,
    chainId: genesis.chainId,
    height,
    logs,
    metrics,
    governance,
    ...ports,
    stopped,
  };
  log.info({ index: self, height, rpc: node.rpcPort, mgmt: node.mgmtPort }, 'node ready');
  logs
    .audit('node')
    .info(
      { event: 'node.started', index: self, validator: toHex(key.publicKey), logSpec: logs.spec() },
      'node started',
    );
  return { ...node, stop: () => lifecycle.stop(), fail: stop.fatal };
}
