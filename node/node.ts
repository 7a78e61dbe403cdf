// One accounting node, assembled in one place (DESIGN §2): ledger (store + contracts), mempool,
// verification pool, admission, PBFT core and its driver, p2p, RPC server, management port.
// Services start in that order and stop in the reverse order; `node.ready` is logged last.

import { readFileSync } from 'node:fs';
import { type ApiServer, startApiServer } from '../api/server.js';
import type { ServerTls } from '../api/tls.js';
import type { CertifiedBlock } from '../codec/types.js';
import { defaultConsensusParams } from '../consensus/params.js';
import { Replica } from '../consensus/replica.js';
import { ed25519Of } from '../crypto/key-formats.js';
import { readKeystore } from '../crypto/keystore.js';
import { VerifyPool } from '../crypto/verify-pool.js';
import { Lifecycle, type Service } from '../runtime/lifecycle.js';
import { createLogs, type Logs } from '../runtime/log.js';
import { Admission, type AdmissionDeps, hex } from './admission.js';
import { AllowedPeers } from './allowed-peers.js';
import { authorize } from './authorize.js';
import { BlockNotifier } from './block-notifier.js';
import type { BlockContext } from './block-rules.js';
import { lookUpCommitted } from './committed-lookup.js';
import type { NodeConfig } from './config.js';
import { ConsensusDriver, loadConsensusState } from './consensus-driver.js';
import { consensusDeps, consensusParamsOf, validatorHistory } from './consensus-setup.js';
import { RecentRefusals, reauthorizer, seqCheckOf } from './evictions.js';
import { executionResult } from './execution-result.js';
import { loadGenesis } from './genesis.js';
import { Mempool } from './mempool.js';
import {
  admissionCounter,
  createNodeMetrics,
  type NodeMetrics,
  observeCommitLatency,
  rpcCallObserver,
} from './mgmt/metrics.js';
import { type MgmtServer, startMgmtServer } from './mgmt/server.js';
import { logUnlessClosed, wireNetwork } from './network-wiring.js';
import { nodeHealth, nodeStatus } from './node-status.js';
import { consensusTransport } from './p2p/index.js';
import { defaultP2POptions } from './p2p/options.js';
import { P2P } from './p2p/p2p.js';
import { ParentTracker } from './parent-tracker.js';
import { openPersistedLedger } from './persisted-ledger.js';
import { preverifyEnvelopes } from './preverify.js';
import { loadCursorSecret, QueryCursors } from './query-cursors.js';
import { RecentBlocks, recentBlocksBounds } from './recent-blocks.js';
import { blockHasRoom, EnvelopeRelay, relayOptionsOf } from './relay.js';
import { RpcHandlers } from './rpc-handlers.js';

export interface RunningNode {
  readonly index: number;
  readonly chainId: Uint8Array;
  readonly height: number;
  readonly logs: Logs;
  readonly metrics: NodeMetrics;
  readonly rpcPort: number;
  readonly mgmtPort: number;
  readonly p2pAddresses: string[];
  stop(): Promise<void>;
  /** Stops the node as a fatal error does: logged, services stopped, `stopped` resolves with `err`. */
  fail(err: unknown): void;
  /** Resolves when the node stops for good (signal, fatal error). */
  readonly stopped: Promise<unknown>;
}

function tlsOf(c: NodeConfig['rpc']['tls']): ServerTls {
  if (c === undefined) return { insecure: true };
  return {
    cert: readFileSync(c.cert),
    key: readFileSync(c.key),
    clientCa: c.clientCa === undefined ? undefined : readFileSync(c.clientCa),
  };
}

/** A Service from start/stop closures. */
const service = (name: string, start: () => Promise<unknown>, stop: () => Promise<unknown>): Service => ({
  name,
  start: async () => {
    await start();
  },
  stop: async () => {
    await stop();
  },
});

export async function startNode(config: NodeConfig, passphrase: string): Promise<RunningNode> {
  const logs = createLogs({ spec: config.log.spec });
  const log = logs.logger('node');
  const genesis = loadGenesis(config.genesis);
  const key = ed25519Of(await readKeystore(config.keystore, passphrase));
  // Read (or made) before anything holds resources a failure here would have to release.
  const cursorSecret = await loadCursorSecret(config.dataDir);
  const ledger = await openPersistedLedger(config.dataDir, genesis);
  const { store, contracts } = ledger;
  const tip = store.tip();
  const height = tip?.height ?? 0;
  const validators = contracts.validators(height + 1);
  const self = validators.findIndex((v) => hex(v) === hex(key.publicKey));
  // A key outside the set in force runs as a joining node: it follows the chain (commits from
  // PRE-PREPAREs and certificates, state transfer) and votes from the height at which governance
  // activates a set holding it. The validators admit its connection once that set is scheduled.
  if (self < 0)
    log.warn(
      { key: hex(key.publicKey), height },
      'this key is not in the validator set in force: following the chain as a joining node until a governance change activates it',
    );
  const mempool = new Mempool(config.mempool);
  /** When admission judges an envelope: the node's clock, at the next height. */
  const admissionTime = () => ({ now: Date.now(), height: (store.tip()?.height ?? 0) + 1 });
  const refusals = new RecentRefusals();
  // The replica is built below; the metrics read it only when scraped.
  let replicaRef: Replica | undefined;
  const metrics = createNodeMetrics({
    labels: { node: String(self) },
    sources: {
      viewChanges: () => replicaRef?.stats.viewChanges ?? 0,
      mempool: () => ({ envelopes: mempool.size, bytes: mempool.byteSize }),
    },
  });
  const pool = new VerifyPool();
  const parents = await ParentTracker.open(store);
  const recent = new RecentBlocks(recentBlocksBounds(defaultConsensusParams().windowSize));
  await recent.load(store);
  const ctx: BlockContext = {
    chainId: genesis.chainId,
    contracts,
    parent: () => parents.header,
    genesisTime: genesis.genesisTime,
    now: Date.now,
    isVerified: (id) => mempool.has(id) || preverified.has(id),
    isCommitted: (id) => foundCommitted.has(id),
  };
  const foundCommitted = new Set<string>();
  const preverified = new Set<string>();
  const params = contracts.params(height + 1) ?? genesis.params;
  const replica = new Replica(
    {
      chainId: genesis.chainId,
      self,
      key: key.publicKey,
      validators,
      params: consensusParamsOf(params, config.consensus.tickMs),
      tip: { height, hash: tip?.hash ?? genesis.chainId },
      // The sets that signed checkpoints below the tip: a restarted node checks old proofs with them.
      history: validatorHistory(contracts.state, height),
    },
    consensusDeps(key, ctx, (h) => recent.get(h)),
    loadConsensusState(store, logs.logger('consensus')),
  );
  replicaRef = replica;
  const p2p = new P2P({
    identity: { seed: key.seed, publicKey: key.publicKey },
    validators,
    options: {
      ...defaultP2POptions(hex(genesis.chainId)),
      listen: config.p2p.listen,
      bootstrap: config.p2p.peers,
      observers: config.p2p.observers.map((k) => Buffer.from(k, 'hex')),
      dialTimeoutMs: config.p2p.dialTimeoutMs,
      pingIntervalMs: config.p2p.pingIntervalMs,
    },
  });
  const allowed = new AllowedPeers(contracts, p2p, height);
  const relay = new EnvelopeRelay(
    {
      mempool,
      now: Date.now,
      send: async (envelopes) => {
        const peers = await p2p.relayEnvelopes(envelopes);
        log.info({ envelopes: envelopes.length, peers }, 'relayed envelopes the chain passed over');
        return peers;
      },
      // Never sends round what admission would refuse now (a spent sequence number, a signer
      // suspended or revoked since): evicted instead.
      screen: (due) => {
        const dead = new Set(driver.inapplicable(due).map((e) => e.entry));
        if (dead.size > 0) driver.evictInapplicable([...dead]);
        return dead.size === 0 ? due : due.filter((e) => !dead.has(e));
      },
      onError: (err) => logUnlessClosed(log, err, 'envelope relay failed'),
    },
    relayOptionsOf(params),
  );
  const notifier = new BlockNotifier();
  notifier.notify(height);
  let lifecycle: Lifecycle | undefined;
  let fatal: (err: unknown) => void = () => undefined;
  const stopped = new Promise<unknown>((resolve) => {
    fatal = (err) => {
      log.fatal({ err }, 'fatal error, stopping');
      // The node is down either way: a stop that fails is logged, never left unhandled.
      (lifecycle?.stop() ?? Promise.resolve())
        .catch((stopErr: unknown) => log.error({ err: stopErr }, 'stop after a fatal error failed'))
        .finally(() => resolve(err));
    };
  });
  const driver = new ConsensusDriver(
    {
      replica,
      ledger,
      mempool,
      transport: consensusTransport(p2p, 256, (f) => log.debug({ failure: f }, 'consensus send failed')),
      log: logs.logger('consensus'),
      preverify: async (envelopes) => {
        await preverifyEnvelopes(envelopes, { ctx, pool, mempool, preverified });
      },
      lookUpCommitted: (envelopes) =>
        lookUpCommitted(envelopes, {
          mempool,
          seqCheck: seqCheckOf(contracts),
          recorded: (tcs, rejectedOnly) => store.recorded(tcs, rejectedOnly),
          found: foundCommitted,
        }),
      onCommitted: (cb: CertifiedBlock, _tip, ids, arrivals) => {
        observeCommitLatency(metrics, arrivals, Date.now());
        parents.header = cb.block.header;
        relay.noteCommitted(cb.block.header.time, blockHasRoom(cb.block.envelopes, params));
        recent.add(cb.block);
        void allowed
          .update(cb.block.header.height)
          .catch((err: unknown) => log.warn({ err }, 'peer set update failed'));
        // The driver hashed the block's envelopes once already; nothing to do when none was pre-verified.
        if (preverified.size > 0) for (const id of ids) preverified.delete(id);
        notifier.notify(cb.block.header.height);
        metrics.blockHeight.set(cb.block.header.height);
      },
      onEvicted: (evictions) => {
        refusals.add(evictions);
        log.info(
          { envelopes: evictions.length, reason: evictions[0]!.message },
          'evicted pending envelopes that can no longer be applied',
        );
      },
      reauthorize: reauthorizer(contracts, admissionTime),
      onFatal: (err) => fatal(err),
    },
    { tickMs: config.consensus.tickMs, maxQueued: 10_000 },
  );
  const admissionOf = (onAdmitted: AdmissionDeps['onAdmitted']): Admission =>
    new Admission({
      chainIdHex: hex(genesis.chainId),
      mempool,
      verifier: pool,
      recorded: async (tcs, refusedOnly) =>
        (await store.recorded(tcs, refusedOnly)).map((r) => r && executionResult(r)),
      authorize: (env) => authorize(contracts, env, admissionTime()),
      onAdmitted,
      retryAfterMs: () => 200 + Math.round(1000 * mempool.fill()),
      stateVersion: () => contracts.version,
      count: admissionCounter(metrics),
    });
  // Uploads received over RPC are gossiped to the other validators; gossiped ones are not re-sent.
  const admission = admissionOf((entries) => {
    driver.addRequests(entries);
    for (const e of entries)
      if (!p2p.submitEnvelope(e.bytes))
        log.debug('gossip batcher full: envelope left to the primary and view changes');
  });
  const peerAdmission = admissionOf((entries) => driver.addRequests(entries));
  let running = false;
  const statusOf = () =>
    nodeStatus({
      genesis,
      replica,
      p2p,
      validators: () => contracts.validators(replica.state.height + 1),
    });
  const handlers = new RpcHandlers({
    admission,
    store,
    contracts,
    mempool,
    refusals,
    notifier,
    cursors: new QueryCursors(cursorSecret),
    status: statusOf,
    isReady: () => running,
  });
  let api: ApiServer | undefined;
  let mgmt: MgmtServer | undefined;
  wireNetwork({ p2p, peerAdmission, driver, log: logs.logger('p2p'), metrics });
  lifecycle = new Lifecycle([
    service(
      'ledger',
      async () => undefined,
      () => ledger.close(),
    ),
    service(
      'verify-pool',
      async () => undefined,
      () => pool.close(),
    ),
    service(
      'p2p',
      () => p2p.start(),
      () => p2p.stop(),
    ),
    service(
      'consensus',
      () => driver.start(),
      () => driver.stop(),
    ),
    service(
      'relay',
      async () => relay.start(),
      async () => relay.stop(),
    ),
    service(
      'rpc',
      async () => {
        api = await startApiServer(handlers, {
          listen: config.rpc.listen,
          tls: tlsOf(config.rpc.tls),
          onCall: rpcCallObserver(metrics),
          onInternalError: (method, err) => logUnlessClosed(log, err, `rpc ${method} failed`),
        });
        running = true;
      },
      async () => {
        running = false;
        await api?.stop(2000);
      },
    ),
    service(
      'mgmt',
      async () => {
        mgmt = await startMgmtServer({
          listen: config.mgmt.listen,
          registry: metrics.registry,
          health: () => nodeHealth(statusOf(), p2p, contracts.validators(replica.state.height + 1).length),
          status: () => ({ ...statusOf(), height: store.tip()?.height ?? 0, mempool: mempool.size }),
          logs,
        });
      },
      async () => mgmt?.close(),
    ),
  ]);
  try {
    await lifecycle.start((name) => log.debug({ service: name }, 'started'));
  } catch (err) {
    await lifecycle.stop().catch(() => undefined);
    throw err;
  }
  const node: RunningNode = {
    index: self,
    chainId: genesis.chainId,
    height,
    logs,
    metrics,
    rpcPort: api!.port,
    mgmtPort: mgmt!.port,
    p2pAddresses: p2p.addresses,
    stop: () => lifecycle!.stop(),
    fail: (err) => fatal(err),
    stopped,
  };
  log.info({ index: self, height, rpc: node.rpcPort, mgmt: node.mgmtPort }, 'node ready');
  return node;
}
