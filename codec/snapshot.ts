// Snapshot of the contract state at one height (docs/wire-format.md §15): a manifest and its
// chunks. Format 1 cuts the 4096 state-tree buckets into 64 chunks of 64 consecutive buckets, so a
// chunk's hash is the state tree's node above its 64 bucket leaves, and the 64 chunk hashes are
// the tree's level 6: a manifest is checked against a state root by hashing 6 levels up, and each
// chunk against its manifest entry. Layouts (big-endian):
//   manifest: magic "BKSN" u32 | format u8 | chainId 32 | height u64 | blockHash 32 |
//             stateRoot 32 | chunkCount u16 | chunkCount x (hash 32 | length u32)
//   chunk:    format u8 | index u16 | 64 x (count u32 | count x (keyLen u32 | key | valueLen u32 | value))
// Decoders bound every count and length before reading; hashing and bucket membership are checked
// by ledger/snapshot.ts (they need the bucket function and SHA-256).
import {
  HASH_BYTES,
  MAX_STATE_KEY_BYTES,
  MAX_STATE_PROOF_ENTRIES,
  MAX_STATE_VALUE_BYTES,
  STATE_TREE_LEVELS,
} from './caps.js';
import { CodecError, CodecErrorCode } from './errors.js';
import { checkInputSize, Reader } from './reader.js';
import type { StateEntry } from './state-proof.js';
import { writeStateEntries } from './state-proof.js';
import type { Hash32 } from './types.js';
import { checkInt, Writer } from './writer.js';

export const SNAPSHOT_MAGIC = 0x424b534e; // "BKSN"
export const SNAPSHOT_FORMAT = 1;
/** Levels of the state tree inside one chunk (format 1): 2^6 = 64 buckets per chunk. */
export const SNAPSHOT_CHUNK_LEVELS = 6;
export const SNAPSHOT_BUCKETS_PER_CHUNK = 1 << SNAPSHOT_CHUNK_LEVELS;
export const SNAPSHOT_CHUNKS = (1 << STATE_TREE_LEVELS) / SNAPSHOT_BUCKETS_PER_CHUNK;
/** Largest chunk: under the request/response protocol's 32 MiB response cap with room to spare. */
export const MAX_SNAPSHOT_CHUNK_BYTES = 16 * 1024 * 1024;
export const SNAPSHOT_MANIFEST_BYTES = 4 + 1 + 32 + 8 + 32 + 32 + 2 + SNAPSHOT_CHUNKS * (HASH_BYTES + 4);

export interface SnapshotChunkRef {
  /** The state tree node above the chunk's buckets (ledger/snapshot.ts chunkHash). */
  hash: Hash32;
  /** Encoded chunk length: a fetch is capped at it before anything is buffered. */
  length: number;
}

export interface SnapshotManifest {
  format: number;
  chainId: Hash32;
  /** The state is the state after the block at this height. */
  height: number;
  /** Hash of that block's header. */
  blockHash: Hash32;
  /** Root of that state (in the certified header of height + 1). */
  stateRoot: Hash32;
  chunks: SnapshotChunkRef[];
}

export function encodeSnapshotManifest(m: SnapshotManifest): Uint8Array {
  checkInt(m.format, SNAPSHOT_FORMAT, SNAPSHOT_FORMAT, 'snapshot.format');
  checkInt(m.chunks.length, SNAPSHOT_CHUNKS, SNAPSHOT_CHUNKS, 'snapshot.chunkCount');
  const w = new Writer(SNAPSHOT_MANIFEST_BYTES);
  w.u32(SNAPSHOT_MAGIC).u8(m.format);
  w.bytes(m.chainId, HASH_BYTES, 'snapshot.chainId').u64(m.height, 'snapshot.height');
  w.bytes(m.blockHash, HASH_BYTES, 'snapshot.blockHash').bytes(m.stateRoot, HASH_BYTES, 'snapshot.stateRoot');
  w.u16(m.chunks.length);
  for (const c of m.chunks) {
    checkInt(c.length, 1, MAX_SNAPSHOT_CHUNK_BYTES, 'snapshot.chunkLength');
    w.bytes(c.hash, HASH_BYTES, 'snapshot.chunkHash').u32(c.length);
  }
  return w.finish();
}

export function decodeSnapshotManifest(b: Uint8Array): SnapshotManifest {
  checkInputSize(b, SNAPSHOT_MANIFEST_BYTES, 'snapshot.manifest');
  const r = new Reader(b);
  const magic = r.u32('snapshot.magic');
  if (magic !== SNAPSHOT_MAGIC)
    throw new CodecError(CodecErrorCode.BadValue, `snapshot.magic: ${magic.toString(16)}`, {
      field: 'snapshot.magic',
    });
  const format = r.u8('snapshot.format');
  if (format !== SNAPSHOT_FORMAT)
    throw new CodecError(CodecErrorCode.UnknownVersion, `snapshot.format: ${format}`, {
      field: 'snapshot.format',
      version: format,
    });
  const chainId = r.bytes(HASH_BYTES, 'snapshot.chainId');
  const height = r.u64('snapshot.height');
  const blockHash = r.bytes(HASH_BYTES, 'snapshot.blockHash');
  const stateRoot = r.bytes(HASH_BYTES, 'snapshot.stateRoot');
  const count = r.length(
    r.u16('snapshot.chunkCount'),
    SNAPSHOT_CHUNKS,
    SNAPSHOT_CHUNKS,
    'snapshot.chunkCount',
  );
  const chunks: SnapshotChunkRef[] = [];
  for (let i = 0; i < count; i++) {
    const hash = r.bytes(HASH_BYTES, 'snapshot.chunkHash');
    const length = r.length(
      r.u32('snapshot.chunkLength'),
      1,
      MAX_SNAPSHOT_CHUNK_BYTES,
      'snapshot.chunkLength',
    );
    chunks.push({ hash, length });
  }
  r.end('snapshot.manifest');
  return { format, chainId, height, blockHash, stateRoot, chunks };
}

/** One chunk: its index and, per bucket of it, the bucket's entries ascending by key. */
export interface SnapshotChunk {
  index: number;
  buckets: StateEntry[][];
}

export function encodeSnapshotChunk(c: SnapshotChunk): Uint8Array {
  checkInt(c.index, 0, SNAPSHOT_CHUNKS - 1, 'snapshotChunk.index');
  checkInt(c.buckets.length, SNAPSHOT_BUCKETS_PER_CHUNK, SNAPSHOT_BUCKETS_PER_CHUNK, 'snapshotChunk.buckets');
  let n = 3;
  for (const b of c.buckets) {
    checkInt(b.length, 0, MAX_STATE_PROOF_ENTRIES, 'snapshotChunk.count');
    n += 4;
    for (const e of b) n += 8 + e.key.length + e.value.length;
  }
  checkInt(n, 0, MAX_SNAPSHOT_CHUNK_BYTES, 'snapshotChunk.size');
  const w = new Writer(n);
  w.u8(SNAPSHOT_FORMAT).u16(c.index);
  for (const b of c.buckets) {
    w.u32(b.length);
    writeStateEntries(w, b);
  }
  return w.finish();
}

/** A decoded chunk plus each bucket's entry section (the bytes its leaf hash covers). */
export interface DecodedSnapshotChunk extends SnapshotChunk {
  bucketBytes: Uint8Array[];
}

export function decodeSnapshotChunk(b: Uint8Array): DecodedSnapshotChunk {
  checkInputSize(b, MAX_SNAPSHOT_CHUNK_BYTES, 'snapshotChunk');
  const r = new Reader(b);
  const format = r.u8('snapshotChunk.format');
  if (format !== SNAPSHOT_FORMAT)
    throw new CodecError(CodecErrorCode.UnknownVersion, `snapshotChunk.format: ${format}`, {
      field: 'snapshotChunk.format',
      version: format,
    });
  const index = r.length(r.u16('snapshotChunk.index'), 0, SNAPSHOT_CHUNKS - 1, 'snapshotChunk.index');
  const buckets: StateEntry[][] = [];
  const bucketBytes: Uint8Array[] = [];
  for (let i = 0; i < SNAPSHOT_BUCKETS_PER_CHUNK; i++) {
    const count = r.length(r.u32('snapshotChunk.count'), 0, MAX_STATE_PROOF_ENTRIES, 'snapshotChunk.count');
    const start = r.pos;
    const entries: StateEntry[] = [];
    for (let j = 0; j < count; j++) {
      const key = r.bytes32(1, MAX_STATE_KEY_BYTES, 'snapshotChunk.key');
      const value = r.bytes32(0, MAX_STATE_VALUE_BYTES, 'snapshotChunk.value');
      entries.push({ key, value });
    }
    buckets.push(entries);
    bucketBytes.push(b.subarray(start, r.pos));
  }
  r.end('snapshotChunk');
  return { index, buckets, bucketBytes };
}
