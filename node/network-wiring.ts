// Connects the p2p layer to the node: consensus messages to the driver, gossiped envelope batches
// to admission (the same checks as an RPC upload, without re-gossiping), and peer counts to metrics.
// The envelopes validator runs admission itself, so gossipsub's verdict is admission's: a peer that
// hands us an invalid envelope is penalised, and a batch that brings nothing new is not forwarded.

import { type UploadResult, UploadStatus } from '../api/types.js';
import { decodeConsensusMessage } from '../codec/consensus-messages.js';
import { decodeProposalRef, isProposalRef } from '../codec/proposal-ref.js';
import { MessageType } from '../codec/types.js';
import type { Logger } from '../runtime/log.js';
import type { Admission } from './admission/admission.js';
import type { ConsensusDriver } from './consensus-driver.js';
import { NodeErrorCode } from './errors.js';
import type { GossipBacklog } from './gossip-backlog.js';
import type { NodeMetrics } from './mgmt/metrics.js';
import type { InboundMessage, P2P, Verdict } from './p2p/index.js';
import { SerialQueue } from './serial-queue.js';
import { StoreError, StoreErrorCode } from './store/index.js';

/** Gossiped envelope batches waiting for admission. */
export const MAX_QUEUED_BATCHES = 256;

export interface NetworkWiring {
  p2p: Pick<P2P, 'setValidator' | 'on'>;
  /** Admission whose admitted envelopes are not gossiped again (they came by gossip). */
  peerAdmission: Pick<Admission, 'admit'>;
  driver: Pick<ConsensusDriver, 'onMessage'>;
  log: Logger;
  metrics: Pick<NodeMetrics, 'peersConnected'>;
  /** Where queued batches are listed while they wait, for the rebuild of proposed blocks. */
  backlog?: Pick<GossipBacklog, 'add' | 'delete' | 'overflow'>;
  /** Bound of the admission queue; MAX_QUEUED_BATCHES unless a test wants it small. */
  maxQueuedBatches?: number;
}

/**
 * Refusals no node state can explain: the envelope's own bytes are bad (the size cap and the codec
 * are the same on every node, and a signature is checked against the key its key ID names). An
 * honest node never admits such an envelope, so it never gossips or forwards one: REJECT.
 * Every other refusal depends on state that differs between honest nodes for a moment, so it costs
 * the peer nothing: UNAUTHORIZED (a site registered, suspended, revoked or re-keyed by a block one
 * of the two nodes has not committed yet), REPLAYED (the site used a sequence number twice and the
 * copies reached different nodes, or a block spent the number between the peer's admission and
 * ours) and MEMPOOL_FULL (our limit, not the peer's doing). A reason not named here gets the same
 * benefit of the doubt.
 */
const INVALID = new Set<string>([
  NodeErrorCode.Oversized,
  NodeErrorCode.Malformed,
  NodeErrorCode.WrongChain,
  NodeErrorCode.BadSignature,
]);

/**
 * Gossipsub's verdict on a batch from admission's results: REJECT if any envelope is invalid (even
 * beside good ones, which admission has already taken); ACCEPT if any envelope was new to the
 * mempool, so forwarding it spreads something; otherwise IGNORE: every envelope was a duplicate
 * (pending or committed) or refused for a state reason. Not forwarding those loses nothing: the
 * publisher sent the batch to its own mesh, and the relay re-sends what the chain passes over.
 */
export function batchVerdict(results: readonly UploadResult[]): Verdict {
  let fresh = false;
  for (const r of results) {
    if (r.status === UploadStatus.Rejected && INVALID.has(r.reason)) return 'reject';
    if (r.status === UploadStatus.Accepted) fresh = true;
  }
  return fresh ? 'accept' : 'ignore';
}

/** Work still in flight while the node shuts down meets a closed store: expected, not worth a warning. */
export function logUnlessClosed(log: Logger, err: unknown, msg: string): void {
  if (err instanceof StoreError && err.code === StoreErrorCode.Closed) log.debug({ err }, msg);
  else log.warn({ err }, msg);
}

export function wireNetwork(w: NetworkWiring): void {
  // One batch at a time, in arrival order: concurrent admissions would finish out of order and
  // reorder a site's envelopes in the request queue. Bounded: beyond it a batch is IGNOREd unread
  // (no penalty: a burst is not the peer's fault; the uploading node still holds the envelopes and
  // relays what the chain passes over).
  const admissions = new SerialQueue(w.maxQueuedBatches ?? MAX_QUEUED_BATCHES, (err) =>
    logUnlessClosed(w.log, err, 'gossiped batch failed'),
  );
  const admitBatch = (m: InboundMessage): Verdict | Promise<Verdict> => {
    // The publisher's batcher never sends an empty batch.
    if (m.items.length === 0) return 'reject';
    return new Promise<Verdict>((resolve) => {
      w.backlog?.add(m.items);
      const queued = admissions.push(async () => {
        try {
          resolve(batchVerdict(await w.peerAdmission.admit(m.items)));
        } catch (err) {
          // Our failure (store closed at shutdown, verification pool gone), not the peer's.
          resolve('ignore');
          throw err;
        } finally {
          w.backlog?.delete(m.items);
        }
      });
      if (!queued) {
        // Not admitted, but kept a while: the primary's next blocks are likely to name them.
        w.backlog?.overflow(m.items);
        w.log.debug({ from: m.from }, 'gossiped batch ignored: admission queue full');
        resolve('ignore');
      }
    });
  };
  // Consensus messages: only the decoding is checked here. Their signatures are checked by the
  // core, against the validator set of the message's own view and height (which governance
  // changes, and which a lagging node may not know yet, so a REJECT here could penalise an honest
  // validator); checking them here as well would double the core's verification work. A
  // PRE-PREPARE travels as a PROPOSAL (by reference); one with its block inline is not sent.
  w.p2p.setValidator('consensus', (m) => {
    try {
      if (isProposalRef(m.data)) decodeProposalRef(m.data);
      else if (decodeConsensusMessage(m.data).type === MessageType.PrePrepare) return 'reject';
      return 'accept';
    } catch {
      return 'reject';
    }
  });
  w.p2p.setValidator('envelopes', admitBatch);
  w.p2p.on('message', (m) => {
    // An accepted envelope batch was admitted by its validator already: nothing left to do.
    if (m.kind !== 'consensus') return;
    w.driver
      .onMessage(m.data)
      .catch((err: unknown) => logUnlessClosed(w.log, err, 'consensus message failed'));
  });
  const peers = (ev: { connectedValidators: number }): void => {
    w.metrics.peersConnected.set(ev.connectedValidators);
  };
  w.p2p.on('peer:connect', peers);
  w.p2p.on('peer:disconnect', peers);
}
