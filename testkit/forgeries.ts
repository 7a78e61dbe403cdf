// Byte-level forgeries a lying node serves (testkit/lying-node.ts): each takes an honest answer and
// returns one that decodes like the real thing but must not verify. Test-only; nothing in a node,
// site or platform imports this.

import type { StateProofBytes } from '../api/types.js';
import {
  decodeCertifiedBlock,
  decodeCommitCertificate,
  encodeCertifiedBlock,
  encodeCommitCertificate,
} from '../codec/certificate.js';
import { decodeStateProof, encodeStateProof } from '../codec/state-proof.js';
import type { CommitCertificate } from '../codec/types.js';
import {
  decodeConsistencyProof,
  decodeInclusionProof,
  encodeConsistencyProof,
  encodeInclusionProof,
} from '../crypto/merkle-proof-codec.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A copy with every byte inverted: same length, certainly different. */
export function flipped(b: Uint8Array): Uint8Array {
  return b.map((x) => x ^ 0xff);
}

function forgedCertificate(c: CommitCertificate): CommitCertificate {
  // Every signature broken: no quorum of valid signatures remains, whatever the threshold.
  return { ...c, signatures: c.signatures.map((s) => ({ ...s, signature: flipped(s.signature) })) };
}

/** An encoded CommitCertificate whose signatures do not verify. */
export function forgeCertificateBytes(certificate: Uint8Array): Uint8Array {
  return encodeCommitCertificate(forgedCertificate(decodeCommitCertificate(certificate)));
}

/** An encoded CertifiedBlock, block intact, whose certificate does not verify. */
export function forgeCertifiedBlockBytes(certifiedBlock: Uint8Array): Uint8Array {
  const cb = decodeCertifiedBlock(certifiedBlock);
  return encodeCertifiedBlock({ block: cb.block, certificate: forgedCertificate(cb.certificate) });
}

/** A state proof whose bucket proofs no longer lead to the header's state root (a bad sibling). */
export function forgeStateProofBytes(p: StateProofBytes): StateProofBytes {
  const buckets = p.buckets.map((b) => {
    const sp = decodeStateProof(b);
    const [first, ...rest] = sp.siblings;
    return encodeStateProof({ ...sp, siblings: [flipped(first!), ...rest] });
  });
  return { ...p, buckets };
}

/**
 * A state proof whose "scp/" entries name `publicKey` (hex) instead of the registered key: the
 * bucket encodes and the entries parse, but the bucket hash is not the one the state root holds.
 */
export function forgeScpProofBytes(p: StateProofBytes, publicKeyHex: string): StateProofBytes {
  const buckets = p.buckets.map((b) => {
    const sp = decodeStateProof(b);
    const entries = sp.entries.map((e) =>
      dec.decode(e.key).startsWith('scp/') ? { key: e.key, value: forgeScpValue(e.value, publicKeyHex) } : e,
    );
    return encodeStateProof({ ...sp, entries });
  });
  return { ...p, buckets };
}

/** An "scp/<id>" record's canonical JSON with its public key replaced. */
export function forgeScpValue(value: Uint8Array, publicKeyHex: string): Uint8Array {
  const r = JSON.parse(dec.decode(value)) as Record<string, unknown>;
  return enc.encode(JSON.stringify({ ...r, publicKey: publicKeyHex }));
}

/** A hash that is not any node's: stands in for the missing step of an empty proof path. */
const BOGUS = new Uint8Array(32).fill(0x5a);

/** A consistency proof of another (forked) log: every path hash changed, or one made up. */
export function forkConsistencyProofBytes(proof: Uint8Array): Uint8Array {
  const p = decodeConsistencyProof(proof);
  return encodeConsistencyProof({ ...p, path: p.path.length ? p.path.map(flipped) : [BOGUS] });
}

/** An inclusion proof of another (forked) log: every path hash changed, or one made up. */
export function forkInclusionProofBytes(proof: Uint8Array): Uint8Array {
  const p = decodeInclusionProof(proof);
  return encodeInclusionProof({ ...p, path: p.path.length ? p.path.map(flipped) : [BOGUS] });
}
