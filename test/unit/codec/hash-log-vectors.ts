// The block-hash log vectors of docs/wire-format.md §13: built here with crypto/hash-log.ts from
// the doc's leaves; the doc's bytes were computed by an independent implementation of RFC 9162.
import {
  LogFrontier,
  logConsistencyProof,
  logInclusionProof,
  type SubtreeSource,
} from '../../../crypto/hash-log.js';
import { merkleRoot } from '../../../crypto/merkle.js';

/** Leaf 0 the genesis hash (chain ID 11…), then the hashes of blocks 1..4: 21…, 22…, 23…, 24…. */
export const hashLogLeaves: Uint8Array[] = [0x11, 0x21, 0x22, 0x23, 0x24].map((b) =>
  new Uint8Array(32).fill(b),
);

const src: SubtreeSource = (s) =>
  merkleRoot(hashLogLeaves.slice(s.index * 2 ** s.level, (s.index + 1) * 2 ** s.level));

export function hashLogRoot(): Uint8Array {
  const f = LogFrontier.empty();
  for (const leaf of hashLogLeaves) f.append(leaf);
  return f.root();
}

export const hashLogConsistency = logConsistencyProof(3, 5, src);
export const hashLogInclusion = logInclusionProof(2, 5, src);
