// The snapshot protocol's HASHLOG request and response (docs/wire-format.md §15.4): exact bytes,
// and the decoder's bounds.
import { describe, expect, it } from 'vitest';
import {
  decodeHashLogFrontier,
  decodeSnapshotRequest,
  encodeHashLogFrontier,
  encodeSnapshotRequest,
  SnapshotRequestKind,
} from '../../../codec/snapshot-messages.js';
import { toHex } from '../../../crypto/bytes.js';

describe('HASHLOG', () => {
  it('encodes the request as kind 0x56 and a u64 height, the response as count and hashes', () => {
    const q = encodeSnapshotRequest({ kind: SnapshotRequestKind.HashLog, height: 20 });
    expect(toHex(q)).toBe('560000000000000014');
    expect(decodeSnapshotRequest(q)).toEqual({ kind: SnapshotRequestKind.HashLog, height: 20 });
    const hashes = [new Uint8Array(32).fill(0xaa), new Uint8Array(32).fill(0xbb)];
    const r = encodeHashLogFrontier(hashes);
    expect(toHex(r)).toBe(`02${'aa'.repeat(32)}${'bb'.repeat(32)}`);
    expect(decodeHashLogFrontier(r).map(toHex)).toEqual(hashes.map(toHex));
  });

  it('refuses a response cut short, with trailing bytes, or a count above 53', () => {
    const r = encodeHashLogFrontier([new Uint8Array(32).fill(1)]);
    expect(() => decodeHashLogFrontier(r.subarray(0, 20))).toThrow();
    expect(() => decodeHashLogFrontier(Uint8Array.from([...r, 0]))).toThrow();
    expect(() => decodeHashLogFrontier(Uint8Array.from([54]))).toThrow();
  });
});
