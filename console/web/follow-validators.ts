// The validator set by height, as the page proves it for itself: api/light-client.ts's LightClient
// (the client `bkdms trace --follow` and the platform use) started from the page's trust anchor
// learns each validator-set change from the proof a node kept of it, a schedule proven against a
// header certified by the set before the change, then the tip's schedule. The backend relays
// those proofs (console/validator-changes.ts); a forged or missing change fails here, naming the
// light client's check (SCHEDULE_GAP, SCHEDULE_CONFLICT, WRONG_HEADER) or the state proof's.
import { ApiError } from '../../api/errors.js';
import { LightClient } from '../../api/light-client.js';
import type { StateProofBytes } from '../../api/types.js';
import type { ValidatorSource } from '../../api/verify.js';
import type { ProofHex, ValidatorChanges } from '../validator-changes.js';

export interface FollowedSet {
  validators: ValidatorSource;
  /** Changes learned beyond the anchor's set. */
  changes: number[];
  /** The highest height whose set is proven. */
  provenHeight: number;
}

// Not dom.ts's: this module stays free of the DOM, so unit tests run it.
const hexToBytes = (s: string): Uint8Array =>
  Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));

const proofOf = (p: ProofHex): StateProofBytes => ({
  header: hexToBytes(p.header),
  certificate: hexToBytes(p.certificate),
  buckets: p.buckets.map(hexToBytes),
});

/** The anchor's validator set followed through `vc`; throws the failing check as an Error. */
export function followValidators(
  anchor: { chainId: string; validators: string[] },
  vc: ValidatorChanges,
): FollowedSet {
  const lc = new LightClient({
    chainId: hexToBytes(anchor.chainId),
    validators: anchor.validators.map(hexToBytes),
  });
  try {
    for (const c of vc.changes) lc.accept(proofOf(c.proof), c.activation - 1);
    lc.accept(proofOf(vc.tip));
  } catch (err) {
    const check = err instanceof ApiError ? String(err.meta.check ?? err.code) : 'UNDECODABLE';
    throw new Error(`${check}: ${(err as Error).message}`);
  }
  const trust = lc.trust();
  return {
    validators: trust.validators,
    changes: vc.changes.map((c) => c.activation),
    provenHeight: lc.provenHeight,
  };
}
