// The snapshot protocol's requests and responses (docs/wire-format.md §15.4), carried by the
// request/response stream protocol (docs/network.md): the request's first byte names the kind.
//   LIST 0x51        → count u8 (≤ 16) | count x (height u64 | snapshot hash 32), newest first
//   MANIFEST 0x52    height u64 → the manifest bytes
//   CHUNK 0x53       height u64 | index u16 → the chunk bytes
//   HEADER 0x54      height u64 → header u32-len | header | certificate u32-len | certificate
//   VALIDATORS 0x55  → header | certificate | bucket proof, each u32-len prefixed: the proven
//                    "gov/validators" bucket at the responder's proven state (for a light client)
//   HASHLOG 0x56     height u64 → count u8 | count x 32: the perfect-subtree hashes (largest first)
//                    of the block-hash log over blocks 0..height, what a node installing a snapshot
//                    at that height extends (checked against header height + 1's hashLogRoot)
//   CHANGE 0x57      activation u64 → header | certificate | bucket proof, as VALIDATORS: the proof
//                    the responder keeps of the validator-set change activating there (header
//                    activation - 1, node/validator-proofs.ts)
import { BLOCK_HEADER_BYTES, HASH_BYTES, MAX_CERTIFICATE_BYTES, MAX_STATE_PROOF_BYTES } from './caps.js';
import { checkInputSize, Reader } from './reader.js';
import { SNAPSHOT_CHUNKS } from './snapshot.js';
import type { Hash32 } from './types.js';
import { checkInt, Writer } from './writer.js';

export enum SnapshotRequestKind {
  List = 0x51,
  Manifest = 0x52,
  Chunk = 0x53,
  Header = 0x54,
  Validators = 0x55,
  HashLog = 0x56,
  Change = 0x57,
}

/** The first bytes of the snapshot protocol's requests (the request/response handler's keys). */
export const SNAPSHOT_REQUEST_KINDS: readonly number[] = [
  SnapshotRequestKind.List,
  SnapshotRequestKind.Manifest,
  SnapshotRequestKind.Chunk,
  SnapshotRequestKind.Header,
  SnapshotRequestKind.Validators,
  SnapshotRequestKind.HashLog,
  SnapshotRequestKind.Change,
];

/** Most snapshots a LIST answers with. */
export const MAX_SNAPSHOT_OFFERS = 16;
export const MAX_SNAPSHOT_REQUEST_BYTES = 1 + 8 + 2;
export const MAX_SNAPSHOT_LIST_BYTES = 1 + MAX_SNAPSHOT_OFFERS * (8 + HASH_BYTES);
export const MAX_CERTIFIED_HEADER_BYTES = 8 + BLOCK_HEADER_BYTES + MAX_CERTIFICATE_BYTES;
export const MAX_VALIDATORS_PROOF_BYTES =
  12 + BLOCK_HEADER_BYTES + MAX_CERTIFICATE_BYTES + MAX_STATE_PROOF_BYTES;

/** A log of n leaves has popcount(n) <= 53 frontier subtrees (n a safe integer). */
export const MAX_HASH_LOG_FRONTIER = 53;
export const MAX_HASH_LOG_FRONTIER_BYTES = 1 + MAX_HASH_LOG_FRONTIER * HASH_BYTES;

export type SnapshotRequest =
  | { kind: SnapshotRequestKind.List }
  | { kind: SnapshotRequestKind.Validators }
  | { kind: SnapshotRequestKind.Manifest; height: number }
  | { kind: SnapshotRequestKind.Header; height: number }
  | { kind: SnapshotRequestKind.HashLog; height: number }
  | { kind: SnapshotRequestKind.Change; height: number }
  | { kind: SnapshotRequestKind.Chunk; height: number; index: number };

export function encodeSnapshotRequest(q: SnapshotRequest): Uint8Array {
  const w = new Writer(MAX_SNAPSHOT_REQUEST_BYTES);
  w.u8(q.kind);
  if (q.kind === SnapshotRequestKind.List || q.kind === SnapshotRequestKind.Validators) return w.finish();
  w.u64(q.height, 'snapshotRequest.height');
  if (q.kind === SnapshotRequestKind.Chunk) {
    checkInt(q.index, 0, SNAPSHOT_CHUNKS - 1, 'snapshotRequest.index');
    w.u16(q.index);
  }
  return w.finish();
}

export function decodeSnapshotRequest(b: Uint8Array): SnapshotRequest {
  checkInputSize(b, MAX_SNAPSHOT_REQUEST_BYTES, 'snapshotRequest');
  const r = new Reader(b);
  const kind = r.enumU8(SnapshotRequestKind.List, SnapshotRequestKind.Change, 'snapshotRequest.kind');
  let q: SnapshotRequest;
  if (kind === SnapshotRequestKind.List || kind === SnapshotRequestKind.Validators) q = { kind };
  else {
    const height = r.u64('snapshotRequest.height');
    q =
      kind === SnapshotRequestKind.Chunk
        ? {
            kind,
            height,
            index: r.length(r.u16('snapshotRequest.index'), 0, SNAPSHOT_CHUNKS - 1, 'snapshotRequest.index'),
          }
        : { kind, height };
  }
  r.end('snapshotRequest');
  return q;
}

export interface SnapshotOffer {
  height: number;
  hash: Hash32;
}

export function encodeSnapshotList(offers: readonly SnapshotOffer[]): Uint8Array {
  checkInt(offers.length, 0, MAX_SNAPSHOT_OFFERS, 'snapshotList.count');
  const w = new Writer(1 + offers.length * (8 + HASH_BYTES));
  w.u8(offers.length);
  for (const o of offers)
    w.u64(o.height, 'snapshotList.height').bytes(o.hash, HASH_BYTES, 'snapshotList.hash');
  return w.finish();
}

export function decodeSnapshotList(b: Uint8Array): SnapshotOffer[] {
  checkInputSize(b, MAX_SNAPSHOT_LIST_BYTES, 'snapshotList');
  const r = new Reader(b);
  const n = r.length(r.u8('snapshotList.count'), 0, MAX_SNAPSHOT_OFFERS, 'snapshotList.count');
  const out: SnapshotOffer[] = [];
  for (let i = 0; i < n; i++)
    out.push({ height: r.u64('snapshotList.height'), hash: r.bytes(HASH_BYTES, 'snapshotList.hash') });
  r.end('snapshotList');
  return out;
}

/** The HASHLOG response: the frontier's subtree hashes, largest first. */
export function encodeHashLogFrontier(hashes: readonly Hash32[]): Uint8Array {
  checkInt(hashes.length, 0, MAX_HASH_LOG_FRONTIER, 'hashLogFrontier.count');
  const w = new Writer(1 + hashes.length * HASH_BYTES);
  w.u8(hashes.length);
  for (const h of hashes) w.bytes(h, HASH_BYTES, 'hashLogFrontier.hash');
  return w.finish();
}

export function decodeHashLogFrontier(b: Uint8Array): Hash32[] {
  checkInputSize(b, MAX_HASH_LOG_FRONTIER_BYTES, 'hashLogFrontier');
  const r = new Reader(b);
  const n = r.length(r.u8('hashLogFrontier.count'), 0, MAX_HASH_LOG_FRONTIER, 'hashLogFrontier.count');
  const out: Hash32[] = [];
  for (let i = 0; i < n; i++) out.push(r.bytes(HASH_BYTES, 'hashLogFrontier.hash'));
  r.end('hashLogFrontier');
  return out;
}

/** Length-prefixed parts (u32 each): the HEADER and VALIDATORS responses. */
export function encodeParts(parts: readonly Uint8Array[]): Uint8Array {
  const w = new Writer(parts.reduce((n, p) => n + 4 + p.length, 0));
  for (const p of parts) w.bytes32(p, 0, MAX_STATE_PROOF_BYTES, 'snapshotResponse.part');
  return w.finish();
}

/** Exactly `caps.length` parts, each within its cap. */
export function decodeParts(b: Uint8Array, caps: readonly number[], what: string): Uint8Array[] {
  checkInputSize(
    b,
    caps.reduce((n, c) => n + 4 + c, 0),
    what,
  );
  const r = new Reader(b);
  const out = caps.map((cap, i) => r.bytes32(1, cap, `${what}.${i}`));
  r.end(what);
  return out;
}

/** HEADER response caps: header, certificate. */
export const CERTIFIED_HEADER_PARTS = [BLOCK_HEADER_BYTES, MAX_CERTIFICATE_BYTES] as const;
/** VALIDATORS and CHANGE response caps: header, certificate, bucket proof. */
export const VALIDATORS_PROOF_PARTS = [
  BLOCK_HEADER_BYTES,
  MAX_CERTIFICATE_BYTES,
  MAX_STATE_PROOF_BYTES,
] as const;
