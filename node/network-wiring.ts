// Connects the p2p layer to the node: consensus messages to the driver, gossiped envelope batches
// to admission (the same checks as an RPC upload, without re-gossiping), and peer counts to metrics.
// Topic validators do the cheap structural checks; signatures are checked by admission and the core.
import type { Logger } from 'pino';
import { decodeConsensusMessage } from '../codec/consensus-messages.js';
import type { Admission } from './admission.js';
import type { ConsensusDriver } from './consensus-driver.js';
import type { NodeMetrics } from './mgmt/metrics.js';
import type { P2P } from './p2p/p2p.js';

export interface NetworkWiring {
  p2p: P2P;
  /** Admission whose admitted envelopes are not gossiped again (they came by gossip). */
  peerAdmission: Admission;
  driver: ConsensusDriver;
  log: Logger;
  metrics: NodeMetrics;
}

export function wireNetwork(w: NetworkWiring): void {
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
      w.driver.onMessage(m.data).catch((err: unknown) => w.log.warn({ err }, 'consensus message failed'));
      return;
    }
    w.peerAdmission.admit(m.items).catch((err: unknown) => w.log.warn({ err }, 'gossiped batch failed'));
  });
  const peers = (ev: { connectedValidators: number }): void => {
    w.metrics.peersConnected.set(ev.connectedValidators);
  };
  w.p2p.on('peer:connect', peers);
  w.p2p.on('peer:disconnect', peers);
}
