// Bucket proof of the contract state, see docs/wire-format.md §State proofs:
//   version u8 | bucket u16 | count u32 | count x (keyLen u32 | key | valueLen u32 | value) |
//   12 x 32-byte sibling hash, leaf level first.
// The entry section is byte for byte the bucket encoding that is hashed into the bucket's leaf, so
// a verifier hashes the received bytes as they are. The decoder bounds-checks every length against
// its cap and refuses trailing bytes; entry order and bucket membership are the verifier's checks
// (ledger/state-proof.ts), since they need the bucket function.
import {
  HASH_BYTES,
  MAX_STATE_KEY_BYTES,
  MAX_STATE_PROOF_BYTES,
  MAX_STATE_PROOF_ENTRIES,
  MAX_STATE_VALUE_BYTES,
  STATE_TREE_LEVELS,
  WIRE_VERSION,
} from './caps.js';
import { checkInputSize, Reader, readVersion } from './reader.js';
import type { Hash32 } from './types.js';
import { checkInt, Writer } from './writer.js';

export interface StateEntry {
  /** ASCII key bytes. */
  key: Uint8Array;
  /** Canonical JSON bytes. */
  value: Uint8Array;
}

export interface StateProof {
  /** Bucket index, 0..4095. */
  bucket: number;
  /** Every entry of the bucket, ascending by key bytes. */
  entries: StateEntry[];
  /** Sibling hashes from the leaf level up to the level below the top: 12 of them. */
  siblings: Hash32[];
}

const BUCKETS = 1 << STATE_TREE_LEVELS;

/** The bucket encoding: what the bucket's leaf hash covers (the proof's entry section without the count). */
export function writeStateEntries(w: Writer, entries: readonly StateEntry[]): void {
  for (const e of entries) {
    w.bytes32(e.key, 1, MAX_STATE_KEY_BYTES, 'stateProof.key');
    w.bytes32(e.value, 0, MAX_STATE_VALUE_BYTES, 'stateProof.value');
  }
}

export function encodeStateProof(p: StateProof): Uint8Array {
  checkInt(p.bucket, 0, BUCKETS - 1, 'stateProof.bucket');
  checkInt(p.entries.length, 0, MAX_STATE_PROOF_ENTRIES, 'stateProof.count');
  checkInt(p.siblings.length, STATE_TREE_LEVELS, STATE_TREE_LEVELS, 'stateProof.siblings');
  let n = 1 + 2 + 4 + STATE_TREE_LEVELS * HASH_BYTES;
  for (const e of p.entries) n += 8 + e.key.length + e.value.length;
  checkInt(n, 0, MAX_STATE_PROOF_BYTES, 'stateProof.size');
  const w = new Writer(n);
  w.u8(WIRE_VERSION).u16(p.bucket).u32(p.entries.length);
  writeStateEntries(w, p.entries);
  for (const s of p.siblings) w.bytes(s, HASH_BYTES, 'stateProof.sibling');
  return w.finish();
}

/** The decoded proof plus the view of its entry section (the bytes the bucket leaf hashes). */
export interface DecodedStateProof extends StateProof {
  bucketBytes: Uint8Array;
}

export function decodeStateProof(b: Uint8Array): DecodedStateProof {
  checkInputSize(b, MAX_STATE_PROOF_BYTES, 'stateProof');
  const r = new Reader(b);
  readVersion(r, WIRE_VERSION, 'stateProof.version');
  const bucket = r.length(r.u16('stateProof.bucket'), 0, BUCKETS - 1, 'stateProof.bucket');
  const count = r.length(r.u32('stateProof.count'), 0, MAX_STATE_PROOF_ENTRIES, 'stateProof.count');
  const start = r.pos;
  const entries: StateEntry[] = [];
  for (let i = 0; i < count; i++) {
    const key = r.bytes32(1, MAX_STATE_KEY_BYTES, 'stateProof.key');
    const value = r.bytes32(0, MAX_STATE_VALUE_BYTES, 'stateProof.value');
    entries.push({ key, value });
  }
  const bucketBytes = b.subarray(start, r.pos);
  const siblings: Hash32[] = [];
  for (let i = 0; i < STATE_TREE_LEVELS; i++) siblings.push(r.bytes(HASH_BYTES, 'stateProof.sibling'));
  r.end('stateProof');
  return { bucket, entries, siblings, bucketBytes };
}
