// Compact binary encoding of Merkle proofs, for traces and RPC answers (docs/wire-format.md §11):
//   inclusion:   0x01 || uvarint leafIndex || uvarint treeSize   || u8 count || count x 32-byte hash
//   consistency: 0x02 || uvarint firstSize || uvarint secondSize || u8 count || count x 32-byte hash
// uvarint is unsigned LEB128, minimal (no trailing zero groups), at most 2^53 - 1. The decoder
// bounds-checks every field and refuses trailing bytes, so each proof has exactly one encoding.
import type { Hash32 } from '../codec/types.js';
import { CryptoError, CryptoErrorCode } from './errors.js';
import type { ConsistencyProof, InclusionProof } from './merkle.js';

export const PROOF_KIND_INCLUSION = 0x01;
export const PROOF_KIND_CONSISTENCY = 0x02;
/** No proof over a tree of fewer than 2^53 leaves has more hashes than this. */
export const MAX_PROOF_HASHES = 128;

function malformed(message: string, at: number): CryptoError {
  return new CryptoError(CryptoErrorCode.Malformed, `merkle proof: ${message}`, { at });
}

function uvarint(value: number, out: number[]): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new CryptoError(CryptoErrorCode.InvalidInput, 'proof sizes must be safe non-negative integers', {
      value,
    });
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
}

function encode(kind: number, a: number, b: number, path: readonly Hash32[]): Uint8Array {
  if (path.length > MAX_PROOF_HASHES || path.some((h) => h.length !== 32))
    throw new CryptoError(
      CryptoErrorCode.InvalidInput,
      'proof path must hold at most 128 hashes of 32 bytes',
    );
  const head: number[] = [kind];
  uvarint(a, head);
  uvarint(b, head);
  head.push(path.length);
  const out = new Uint8Array(head.length + 32 * path.length);
  out.set(head, 0);
  path.forEach((h, i) => {
    out.set(h, head.length + 32 * i);
  });
  return out;
}

export function encodeInclusionProof(p: InclusionProof): Uint8Array {
  return encode(PROOF_KIND_INCLUSION, p.leafIndex, p.treeSize, p.path);
}

export function encodeConsistencyProof(p: ConsistencyProof): Uint8Array {
  return encode(PROOF_KIND_CONSISTENCY, p.firstSize, p.secondSize, p.path);
}

class ProofReader {
  at = 0;
  constructor(private readonly b: Uint8Array) {}

  byte(): number {
    if (this.at >= this.b.length) throw malformed('truncated', this.at);
    return this.b[this.at++]!;
  }

  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 56; shift += 7) {
      const byte = this.byte();
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) {
        if (byte === 0 && shift > 0) throw malformed('non-minimal varint', this.at - 1);
        if (!Number.isSafeInteger(value)) throw malformed('varint above 2^53 - 1', this.at - 1);
        return value;
      }
    }
    throw malformed('varint too long', this.at);
  }

  path(): Hash32[] {
    const count = this.byte();
    if (count > MAX_PROOF_HASHES) throw malformed('too many hashes', this.at - 1);
    if (this.b.length - this.at !== 32 * count) throw malformed('length does not match hash count', this.at);
    const out: Hash32[] = [];
    for (let i = 0; i < count; i++) out.push(this.b.subarray(this.at + 32 * i, this.at + 32 * (i + 1)));
    return out;
  }
}

function decode(bytes: Uint8Array, kind: number): [number, number, Hash32[]] {
  const r = new ProofReader(bytes);
  if (r.byte() !== kind) throw malformed(`expected proof kind ${kind}`, 0);
  const a = r.uvarint();
  const b = r.uvarint();
  return [a, b, r.path()];
}

export function decodeInclusionProof(bytes: Uint8Array): InclusionProof {
  const [leafIndex, treeSize, path] = decode(bytes, PROOF_KIND_INCLUSION);
  return { leafIndex, treeSize, path };
}

export function decodeConsistencyProof(bytes: Uint8Array): ConsistencyProof {
  const [firstSize, secondSize, path] = decode(bytes, PROOF_KIND_CONSISTENCY);
  return { firstSize, secondSize, path };
}
