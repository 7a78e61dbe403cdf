// Verification of contract-state proofs against a state root (docs/wire-format.md §State proofs).
// A proof is one whole bucket and its Merkle path: it proves the value of a key, the absence of a
// key (the key's bucket lacks it), and, for a group prefix, the complete list under the prefix
// (every key of the group lives in that one bucket). Pure: the caller checks first that the state
// root comes from a certified header it trusts (api/verify-state.ts).
import { STATE_TREE_LEVELS } from '../codec/caps.js';
import { type DecodedStateProof, decodeStateProof, type StateProof } from '../codec/state-proof.js';
import { bytesEqual } from '../crypto/bytes.js';
import { nodeHash } from '../crypto/merkle-hash.js';
import { LedgerError, LedgerErrorCode } from './errors.js';
import {
  bucketLeaf,
  bucketOf,
  encodeBucket,
  isGroupPrefix,
  STATE_BUCKETS,
  stateRootOf,
} from './state-root.js';

/** What failed, as meta.check of the LedgerError: stable names a caller may test. */
export enum StateProofCheck {
  Undecodable = 'UNDECODABLE',
  /** The proof is for another bucket than the key's. */
  WrongBucket = 'WRONG_BUCKET',
  /** Entries out of order, repeated, or holding a key that belongs to another bucket. */
  NotCanonical = 'NOT_CANONICAL',
  /** The bucket and path hash to another root. */
  RootMismatch = 'ROOT_MISMATCH',
  /** A list was asked for a prefix that is not a group (its keys are spread over the tree). */
  NotAGroup = 'NOT_A_GROUP',
}

/** Keys are printable ASCII (ledger/records.ts); anything else cannot be in any state. */
function asciiKey(b: Uint8Array): string | undefined {
  let s = '';
  for (const c of b) {
    if (c < 0x21 || c > 0x7e) return undefined;
    s += String.fromCharCode(c);
  }
  return s;
}

function fail(
  check: StateProofCheck,
  message: string,
  meta: Record<string, string | number> = {},
): LedgerError {
  return new LedgerError(LedgerErrorCode.BadStateProof, `state proof: ${message}`, { check, ...meta });
}

function compare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

function decoded(proof: Uint8Array | StateProof): DecodedStateProof {
  if (!(proof instanceof Uint8Array)) return { ...proof, bucketBytes: encodeBucket(proof.entries) };
  try {
    return decodeStateProof(proof);
  } catch (err) {
    throw fail(StateProofCheck.Undecodable, err instanceof Error ? err.message : String(err));
  }
}

/**
 * Checks the proof against `stateRoot` for the bucket of `lookup` (a key or a group prefix) and
 * returns its entries as (key, value) pairs in key order.
 */
function verifiedBucket(
  stateRoot: Uint8Array,
  lookup: string,
  proof: Uint8Array | StateProof,
): [string, Uint8Array][] {
  const p = decoded(proof);
  const bucket = bucketOf(lookup);
  if (p.bucket !== bucket) throw fail(StateProofCheck.WrongBucket, `bucket ${p.bucket}, key is in ${bucket}`);
  if (p.siblings.length !== STATE_TREE_LEVELS || p.bucket >= STATE_BUCKETS)
    throw fail(StateProofCheck.Undecodable, 'path length');
  const out: [string, Uint8Array][] = [];
  let prev: Uint8Array | undefined;
  for (const e of p.entries) {
    if (prev !== undefined && compare(prev, e.key) >= 0)
      throw fail(StateProofCheck.NotCanonical, 'entries not in strictly ascending key order');
    const key = asciiKey(e.key);
    if (key === undefined) throw fail(StateProofCheck.NotCanonical, 'key is not printable ASCII');
    if (bucketOf(key) !== bucket)
      throw fail(StateProofCheck.NotCanonical, `key ${key} is not in bucket ${bucket}`);
    out.push([key, e.value]);
    prev = e.key;
  }
  let h = bucketLeaf(p.bucketBytes);
  let index = bucket;
  for (const s of p.siblings) {
    h = index & 1 ? nodeHash(s, h) : nodeHash(h, s);
    index >>= 1;
  }
  if (!bytesEqual(stateRootOf(h), stateRoot))
    throw fail(StateProofCheck.RootMismatch, 'does not lead to the state root');
  return out;
}

/**
 * The value of `key` in the state whose root is `stateRoot`: its bytes (canonical JSON), or
 * undefined when the proof shows the key absent. Throws LedgerError BAD_STATE_PROOF (meta.check a
 * StateProofCheck) on any mismatch. `proof` is the encoded proof or a decoded one.
 */
export function verifyStateProof(
  stateRoot: Uint8Array,
  key: string,
  proof: Uint8Array | StateProof,
): Uint8Array | undefined {
  for (const [k, v] of verifiedBucket(stateRoot, key, proof)) if (k === key) return v;
  return undefined;
}

/**
 * Every entry under a group prefix (GROUP_PREFIXES) in the state whose root is `stateRoot`, in key
 * order: the list is complete, since every key of the group lives in the proven bucket.
 */
export function verifyStateGroup(
  stateRoot: Uint8Array,
  prefix: string,
  proof: Uint8Array | StateProof,
): [string, Uint8Array][] {
  if (!isGroupPrefix(prefix)) throw fail(StateProofCheck.NotAGroup, `${prefix} is not a group prefix`);
  return verifiedBucket(stateRoot, prefix, proof).filter(([k]) => k.startsWith(prefix));
}
