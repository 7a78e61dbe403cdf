// Readiness of a node: it serves reads and admits uploads usefully only when it is synced with the
// chain and reaches enough validators to form a quorum with itself.

export interface Health {
  ready: boolean;
  /** Why not ready; absent when ready. */
  reason?: string;
}

export interface ReadinessInput {
  synced: boolean;
  /** Validators (other than this node) currently connected. */
  connectedValidators: number;
  /** Votes that make a quorum in the current validator set (the consensus ValidatorSet's `quorum`). */
  quorum: number;
  /** Whether this node is itself a validator (counts toward the quorum). */
  isValidator: boolean;
}

export function readiness(i: ReadinessInput): Health {
  if (!i.synced) return { ready: false, reason: 'catching up with the chain' };
  const reachable = i.connectedValidators + (i.isValidator ? 1 : 0);
  if (reachable < i.quorum)
    return { ready: false, reason: `reaches ${reachable} validators, a quorum needs ${i.quorum}` };
  return { ready: true };
}
