// Readiness of a node: it serves reads and admits uploads usefully only when it is synced with the
// chain and connected to enough validators to form a quorum with itself.

export interface Health {
  ready: boolean;
  /** Why not ready; absent when ready. */
  reason?: string;
}

export interface ReadinessInput {
  synced: boolean;
  /** Validators (other than this node) currently connected. */
  connectedValidators: number;
  /** Validators in the set, this node included when it is one. */
  validatorCount: number;
  /** Whether this node is itself a validator (counts toward the quorum). */
  isValidator: boolean;
}

/** 2f+1 of n = 3f+1 validators, for any n (f = floor((n-1)/3)). */
export function quorumSize(n: number): number {
  return n - Math.floor((n - 1) / 3);
}

export function readiness(i: ReadinessInput): Health {
  if (!i.synced) return { ready: false, reason: 'catching up with the chain' };
  const reachable = i.connectedValidators + (i.isValidator ? 1 : 0);
  const need = quorumSize(i.validatorCount);
  if (reachable < need)
    return { ready: false, reason: `reaches ${reachable} validators, a quorum needs ${need}` };
  return { ready: true };
}
