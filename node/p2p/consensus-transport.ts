// The consensus driver's view of the network: fire-and-forget broadcast and send-to-one. PBFT
// retransmits on its own timers, so a send that fails or is dropped is reported, not retried;
// sends in flight are bounded so a dead peer (each send waiting on a dial) cannot pile them up.
import type { P2PError } from './errors.js';

/** What the adapter needs of the P2P service. */
export interface ConsensusSender {
  broadcastConsensus(data: Uint8Array, route: 'gossip' | 'direct'): Promise<unknown>;
  sendConsensus(peer: number, data: Uint8Array): Promise<void>;
}

/** What the consensus driver sends through: fire-and-forget, to all validators or to one. */
export interface ConsensusTransport {
  /** `route`: gossip (the default) or the persistent per-peer streams (P2P.broadcastConsensus). */
  broadcast(data: Uint8Array, route?: 'gossip' | 'direct'): void;
  sendTo(validatorIndex: number, data: Uint8Array): void;
}

/** The adapter over P2P: a ConsensusTransport that bounds and counts its sends in flight. */
export interface BoundedConsensusTransport extends ConsensusTransport {
  /** Sends started and not finished. */
  readonly inflight: number;
}

export type SendFailure =
  | { to: number | 'all'; err: P2PError | Error }
  | { to: number | 'all'; dropped: true };

export function consensusTransport(
  p2p: ConsensusSender,
  maxInflight: number,
  onFailure: (f: SendFailure) => void,
): BoundedConsensusTransport {
  let inflight = 0;
  const run = (to: number | 'all', send: () => Promise<unknown>): void => {
    if (inflight >= maxInflight) {
      onFailure({ to, dropped: true });
      return;
    }
    inflight++;
    send()
      .catch((err: Error) => onFailure({ to, err }))
      .finally(() => {
        inflight--;
      });
  };
  return {
    broadcast: (data, route = 'gossip') => run('all', () => p2p.broadcastConsensus(data, route)),
    sendTo: (index, data) => run(index, () => p2p.sendConsensus(index, data)),
    get inflight() {
      return inflight;
    },
  };
}
