// Snapshots of the contract state (codec/snapshot.ts has the bytes, docs/wire-format.md §15):
// building them from a state, and the checks a node joining by state sync makes on what peers
// send. Chunks follow the state tree (64 buckets each), so a chunk's hash is a node of the tree:
// the manifest's 64 chunk hashes hash up to the state root, and a chunk hashes up to its entry.
// Nothing is trusted before it is checked: a manifest against the root of a certified header, a
// chunk against the checked manifest, each entry against the bucket its key belongs to.

import { domainTag } from '../codec/signing.js';
import {
  type DecodedSnapshotChunk,
  decodeSnapshotChunk,
  encodeSnapshotChunk,
  encodeSnapshotManifest,
  SNAPSHOT_BUCKETS_PER_CHUNK,
  SNAPSHOT_CHUNKS,
  SNAPSHOT_FORMAT,
  type SnapshotManifest,
} from '../codec/snapshot.js';
import type { StateEntry } from '../codec/state-proof.js';
import type { Hash32 } from '../codec/types.js';
import { bytesEqual } from '../crypto/bytes.js';
import { sha256Parts } from '../crypto/hash.js';
import { nodeHash } from '../crypto/merkle-hash.js';
import { LedgerError, LedgerErrorCode } from './errors.js';
import { ContractState } from './state.js';
import { bucketLeaf, bucketOf, STATE_BUCKETS, stateRootOf } from './state-root.js';

const SNAPSHOT_DOMAIN = domainTag('snapshot');
const enc = new TextEncoder();
const dec = new TextDecoder();

/** The check that failed (LedgerError BAD_SNAPSHOT meta.check). */
export enum SnapshotCheck {
  /** The manifest's chunk hashes do not hash up to the state root it must match. */
  ManifestRoot = 'MANIFEST_ROOT',
  /** The manifest names another chain. */
  ManifestChain = 'MANIFEST_CHAIN',
  /** A chunk that does not decode, has another index or length, or hashes to another value. */
  ChunkHash = 'CHUNK_HASH',
  /** A chunk entry in a bucket its key does not belong to, or out of key order. */
  ChunkLayout = 'CHUNK_LAYOUT',
  /** The rebuilt state's root differs from the manifest's. */
  StateRoot = 'STATE_ROOT',
}

function bad(check: SnapshotCheck, message: string, meta: Record<string, number> = {}): LedgerError {
  return new LedgerError(LedgerErrorCode.BadSnapshot, `snapshot: ${check}: ${message}`, { check, ...meta });
}

/** Hash of a binary tree of 2^k leaves, combined pairwise level by level. */
function treeTop(leaves: readonly Uint8Array[]): Hash32 {
  let level = leaves;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2)
      next.push(nodeHash(level[i] as Uint8Array, level[i + 1] as Uint8Array));
    level = next;
  }
  return level[0] as Hash32;
}

/** A chunk's hash: the state-tree node over its 64 bucket leaves, from their entry sections. */
export function chunkHashOf(bucketBytes: readonly Uint8Array[]): Hash32 {
  return treeTop(bucketBytes.map((b) => bucketLeaf(b)));
}

/** The state root the manifest's chunk hashes lead to. */
export function manifestRoot(m: SnapshotManifest): Hash32 {
  return stateRootOf(treeTop(m.chunks.map((c) => c.hash)));
}

/** The snapshot hash nodes compare: SHA-256("BKDMS/v1/snapshot\0" || manifest bytes). */
export function snapshotHash(manifestBytes: Uint8Array): Hash32 {
  return sha256Parts([SNAPSHOT_DOMAIN, manifestBytes]);
}

export interface BuiltSnapshot {
  manifest: SnapshotManifest;
  manifestBytes: Uint8Array;
  chunks: Uint8Array[];
  hash: Hash32;
}

/** Builds the snapshot of `entries` (the whole state after block `height`, whose hash is `blockHash`). */
export function buildSnapshot(
  entries: Iterable<[string, Uint8Array]>,
  at: { chainId: Hash32; height: number; blockHash: Hash32 },
): BuiltSnapshot {
  const buckets: StateEntry[][] = Array.from({ length: STATE_BUCKETS }, () => []);
  const sorted = [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [k, v] of sorted) (buckets[bucketOf(k)] as StateEntry[]).push({ key: enc.encode(k), value: v });
  const chunks: Uint8Array[] = [];
  const refs: SnapshotManifest['chunks'] = [];
  for (let i = 0; i < SNAPSHOT_CHUNKS; i++) {
    const mine = buckets.slice(i * SNAPSHOT_BUCKETS_PER_CHUNK, (i + 1) * SNAPSHOT_BUCKETS_PER_CHUNK);
    const bytes = encodeSnapshotChunk({ index: i, buckets: mine });
    const decoded = decodeSnapshotChunk(bytes);
    chunks.push(bytes);
    refs.push({ hash: chunkHashOf(decoded.bucketBytes), length: bytes.length });
  }
  const manifest: SnapshotManifest = {
    format: SNAPSHOT_FORMAT,
    ...at,
    stateRoot: new Uint8Array(32),
    chunks: refs,
  };
  manifest.stateRoot = manifestRoot(manifest);
  const manifestBytes = encodeSnapshotManifest(manifest);
  return { manifest, manifestBytes, chunks, hash: snapshotHash(manifestBytes) };
}

/** Checks a manifest against the chain and the state root of a certified header (height + 1's). */
export function verifyManifest(m: SnapshotManifest, expect: { chainId: Hash32; stateRoot: Hash32 }): void {
  if (!bytesEqual(m.chainId, expect.chainId)) throw bad(SnapshotCheck.ManifestChain, 'another chain');
  if (!bytesEqual(m.stateRoot, expect.stateRoot) || !bytesEqual(manifestRoot(m), expect.stateRoot))
    throw bad(SnapshotCheck.ManifestRoot, 'chunk hashes do not lead to the certified state root', {
      height: m.height,
    });
}

/** Checks chunk `index` of a (checked) manifest and returns its entries as (key, value) pairs. */
export function verifyChunk(m: SnapshotManifest, index: number, bytes: Uint8Array): [string, Uint8Array][] {
  const ref = m.chunks[index];
  if (ref === undefined || bytes.length !== ref.length)
    throw bad(
      SnapshotCheck.ChunkHash,
      `chunk ${index}: ${bytes.length} bytes, manifest says ${ref?.length}`,
      { index },
    );
  let c: DecodedSnapshotChunk;
  try {
    c = decodeSnapshotChunk(bytes);
  } catch (err) {
    throw bad(SnapshotCheck.ChunkHash, `chunk ${index} does not decode: ${(err as Error).message}`, {
      index,
    });
  }
  if (c.index !== index)
    throw bad(SnapshotCheck.ChunkHash, `chunk ${index} says it is ${c.index}`, { index });
  if (!bytesEqual(chunkHashOf(c.bucketBytes), ref.hash))
    throw bad(SnapshotCheck.ChunkHash, `chunk ${index} does not hash to its manifest entry`, { index });
  const out: [string, Uint8Array][] = [];
  c.buckets.forEach((entries, j) => {
    const bucket = index * SNAPSHOT_BUCKETS_PER_CHUNK + j;
    let prev: string | undefined;
    for (const e of entries) {
      const key = dec.decode(e.key);
      if (bucketOf(key) !== bucket || (prev !== undefined && key <= prev))
        throw bad(SnapshotCheck.ChunkLayout, `chunk ${index}: key out of place in bucket ${bucket}`, {
          index,
          bucket,
        });
      prev = key;
      out.push([key, e.value]);
    }
  });
  return out;
}

/** The state rebuilt from every checked chunk's entries; its root must be the manifest's. */
export function rebuildState(
  m: SnapshotManifest,
  chunkEntries: readonly [string, Uint8Array][][],
): ContractState {
  const state = ContractState.fromEntries(chunkEntries.flat());
  if (!bytesEqual(state.root(), m.stateRoot))
    throw bad(SnapshotCheck.StateRoot, 'the rebuilt state has another root', { height: m.height });
  return state;
}
