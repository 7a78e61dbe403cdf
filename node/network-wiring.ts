// Connects the p2p layer to the node: consensus messages to the driver, gossiped envelope batches
// to admission (the same checks as an RPC upload, without re-gossiping), and peer counts to metrics.
// Topic validators do the cheap structural checks; signatures are checked by admission and the core.
import type { Logger } from 'pino';
import { decodeConsensusMessage } from '../codec/consensus-messages.js';
import type { Admission } from './admission.js';
import type { ConsensusDriver } from './consensus-driver.js';
import type { NodeMetrics } from './mgmt/metrics.js';
import type { P2P } from './p2p/p2p.js';
import { SerialQueue } from './serial-queue.js';
import { StoreError, StoreErrorCode } from './store/errors.js';

/** Gossiped envelope batches waiting for admission. */
const MAX_QUEUED_BATCHES = 256;

export interface NetworkWiring {
  p2p: P2P;
  /** Admission whose admitted envelopes are not gossiped again (they came by gossip). */
  peerAdmission: Admission;
  driver: ConsensusDriver;
  log: Logger;
  metrics: NodeMetrics;
}

/** Work still in flight while the node shuts down meets a closed store: expected, not worth a warning. */
export function logUnlessClosed(log: Logger, err: unknown, msg: string): void {
  if (err instanceof StoreError && err.code === StoreErrorCode.Closed) log.debug({ err }, msg);
  else log.warn({ err }, msg);
}

export function wireNetwork(w: NetworkWiring): void {
  const admissions = new SerialQueue(MAX_QUEUED_BATCHES, (err) =>
    logUnlessClosed(w.log, err, 'gossiped batch failed'),
  );
  w.p2p.setValidator('consensus', (m) => {
    try {
      decodeConsensusMessage(m.data);
      return 'accept';
    } catch {
      return 'reject';
    }
  });
  w.p2p.setValidator('envelopes', (m) => (m.items.length > 0 ? 'accept' : 'reject'));
  w.p2p.on('message', (m) => {
    if (m.kind === 'consensus') {
      w.driver
        .onMessage(m.data)
        .catch((err: unknown) => logUnlessClosed(w.log, err, 'consensus message failed'));
      return;
    }
    // One gossiped batch at a time, in arrival order: concurrent admissions would finish out of order
    // and reorder a site's envelopes in the request queue. Bounded: beyond it batches are dropped
    // (the uploading node still holds them and a view change re-proposes them).
    if (!admissions.push(() => w.peerAdmission.admit(m.items)))
      w.log.debug({ from: m.from }, 'gossiped batch dropped: admission queue full');
  });
  const peers = (ev: { connectedValidators: number }): void => {
    w.metrics.peersConnected.set(ev.connectedValidators);
  };
  w.p2p.on('peer:connect', peers);
  w.p2p.on('peer:disconnect', peers);
}
