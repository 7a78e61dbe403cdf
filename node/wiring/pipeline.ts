// Builds the envelope pipeline around the chain aggregate: the p2p host, admission for RPC uploads
// (gossiped on) and for envelopes from peers (not gossiped again), the relay of envelopes the chain
// passed over, and what each committed block updates outside the chain (relay progress, peer allow
// list, metrics).

import { toHex } from '../../crypto/bytes.js';
import type { Ed25519KeyPair } from '../../crypto/ed25519.js';
import type { VerifyPool } from '../../crypto/verify-pool.js';
import type { Logger } from '../../runtime/log.js';
import { Admission, type AdmissionDeps } from '../admission/admission.js';
import { authorize } from '../admission/authorize.js';
import { executionResult } from '../admission/execution-result.js';
import { AllowedPeers } from '../allowed-peers.js';
import type { Chain } from '../chain/chain.js';
import { committedReceiptOf } from '../chain/committed-envelopes.js';
import type { NodeConfig } from '../config.js';
import type { ConsensusDriver } from '../consensus-driver.js';
import { admissionCounter, type NodeMetrics, observeCommitLatency } from '../mgmt/metrics.js';
import { logUnlessClosed } from '../network-wiring.js';
import { defaultP2POptions, P2P } from '../p2p/index.js';
import type { PersistedLedger } from '../persisted-ledger.js';
import { EnvelopeRelay } from '../relay.js';

export function createP2P(
  config: NodeConfig,
  key: Ed25519KeyPair,
  chainId: Uint8Array,
  validators: Uint8Array[],
): P2P {
  return new P2P({
    identity: { seed: key.seed, publicKey: key.publicKey },
    validators,
    options: {
      ...defaultP2POptions(toHex(chainId)),
      listen: config.p2p.listen,
      announce: config.p2p.announce,
      bootstrap: config.p2p.peers,
      observers: config.p2p.observers.map((k) => Buffer.from(k, 'hex')),
      dialTimeoutMs: config.p2p.dialTimeoutMs,
      pingIntervalMs: config.p2p.pingIntervalMs,
      pingMissesToClose: config.p2p.pingMissesToClose,
    },
  });
}

export interface PipelineWiring {
  chain: Chain;
  ledger: PersistedLedger;
  pool: VerifyPool;
  p2p: P2P;
  driver: ConsensusDriver;
  metrics: NodeMetrics;
  log: Logger;
}

/** The relay, its timing and block-room check read from the chain parameters in force. */
export function createRelay(w: PipelineWiring): EnvelopeRelay {
  return new EnvelopeRelay(
    {
      mempool: w.chain.mempool,
      now: Date.now,
      send: async (envelopes) => {
        const peers = await w.p2p.relayEnvelopes(envelopes);
        w.log.info({ envelopes: envelopes.length, peers }, 'relayed envelopes the chain passed over');
        return peers;
      },
      // Never sends round what admission would refuse now (a spent sequence number, a signer
      // suspended or revoked since): evicted instead.
      screen: (due) => {
        const dead = new Set(w.driver.inapplicable(due).map((e) => e.entry));
        if (dead.size > 0) w.driver.evictInapplicable([...dead]);
        return dead.size === 0 ? due : due.filter((e) => !dead.has(e));
      },
      onError: (err) => logUnlessClosed(w.log, err, 'envelope relay failed'),
    },
    () => w.chain.params.relayOptions(),
  );
}

/** Admission for RPC uploads (gossiped to the other validators) and for envelopes from peers (not). */
export function createAdmissions(
  w: PipelineWiring,
  chainId: Uint8Array,
): { admission: Admission; peerAdmission: Admission } {
  const { store, contracts } = w.ledger;
  const { mempool } = w.chain;
  const admissionOf = (
    onAdmitted: AdmissionDeps['onAdmitted'],
    committed?: AdmissionDeps['committed'],
  ): Admission =>
    new Admission({
      chainIdHex: toHex(chainId),
      mempool,
      verifier: w.pool,
      recorded: async (tcs, refusedOnly) =>
        (await store.recorded(tcs, refusedOnly)).map((r) => r && executionResult(r)),
      authorize: (env) => authorize(contracts, env, w.chain.admissionTime()),
      onAdmitted,
      retryAfterMs: () => 200 + Math.round(1000 * mempool.fill()),
      stateVersion: () => contracts.version,
      count: admissionCounter(w.metrics),
      committed,
    });
  const admission = admissionOf((entries) => {
    w.driver.addRequests(entries);
    for (const e of entries)
      if (!w.p2p.submitEnvelope(e.bytes))
        w.log.debug('gossip batcher full: envelope left to the primary and view changes');
  });
  // Gossip only: an RPC upload's bytes are a fresh array, never one a block already holds.
  const peerAdmission = admissionOf(
    (entries) => w.driver.addRequests(entries),
    (bytes) => {
      const r = committedReceiptOf(bytes);
      return r && executionResult(r);
    },
  );
  return { admission, peerAdmission };
}

/** What a committed block updates outside the chain aggregate: relay progress, peers, metrics. */
export function listenCommitted(w: PipelineWiring, relay: EnvelopeRelay, height: number): void {
  const allowed = new AllowedPeers(w.ledger.contracts, w.p2p, height);
  w.chain.onCommitted(({ block: cb, arrivals }) => {
    observeCommitLatency(w.metrics, arrivals, Date.now());
    relay.noteCommitted(cb.block.header.time, w.chain.params.hadRoom(cb.block));
    void allowed
      .update(cb.block.header.height)
      .catch((err: unknown) => w.log.warn({ err }, 'peer set update failed'));
    w.metrics.blockHeight.set(cb.block.header.height);
  });
}
