// The node's view of itself for GetStatus, /status and /healthz.
import type { Replica } from '../consensus/replica.js';
import type { Genesis } from './genesis.js';
import { type Health, readiness } from './mgmt/health.js';
import type { P2P } from './p2p/index.js';

export interface StatusSources {
  genesis: Genesis;
  replica: Replica;
  p2p: P2P;
  validators: () => Uint8Array[];
}

export interface SelfStatus {
  chainId: Uint8Array;
  view: number;
  primary: number;
  validators: Uint8Array[];
  peers: string[];
  selfIndex: number;
  catchingUp: boolean;
  inViewChange: boolean;
  stableCheckpoint: number;
}

export function nodeStatus(s: StatusSources): SelfStatus {
  const st = s.replica.state;
  return {
    chainId: s.genesis.chainId,
    view: st.view,
    primary: st.primary,
    validators: s.validators(),
    peers: s.p2p.connectedPeers(),
    // From the core, not the start-up config: a joining node becomes a member at its activation height.
    selfIndex: st.self,
    catchingUp: s.replica.footprint().transferQueue > 0 || st.applied < st.height,
    inViewChange: st.inViewChange,
    stableCheckpoint: st.stableSeq,
  };
}

export function nodeHealth(status: SelfStatus, p2p: P2P, validatorCount: number): Health {
  const f = Math.floor((validatorCount - 1) / 3);
  return readiness({
    synced: !status.catchingUp,
    connectedValidators: p2p.connectedValidators(),
    quorum: validatorCount - f,
    isValidator: status.selfIndex >= 0,
  });
}
