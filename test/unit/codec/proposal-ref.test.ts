// PROPOSAL, BODIES-REQUEST and BODIES-RESPONSE (docs/wire-format.md §9.10, §9.11): every prefix
// and every stray byte is a CodecError; counts are checked against the bytes present and the caps
// before anything is allocated; encoders refuse what the decoders refuse.
import { describe, expect, test } from 'vitest';
import { CodecErrorCode } from '../../../codec/errors.js';
import {
  decodeBodiesRequest,
  decodeBodiesResponse,
  decodeProposalRef,
  encodeBodiesRequest,
  encodeBodiesResponse,
  encodeProposalRef,
  isProposalRef,
  MAX_PROPOSAL_REF_BYTES,
} from '../../../codec/proposal-ref.js';
import { checkPrefixesRejected, codeOf, patched } from './helpers.js';
import * as v from './vectors.js';

const u32At = (b: Uint8Array, at: number, n: number) => {
  const c = Uint8Array.from(b);
  new DataView(c.buffer).setUint32(at, n);
  return c;
};

describe('PROPOSAL', () => {
  const bytes = encodeProposalRef(v.vectorProposal);

  test('is told apart from the core messages by its type byte', () => {
    expect(isProposalRef(bytes)).toBe(true);
    expect(isProposalRef(patched(bytes, 1, 1))).toBe(false);
  });

  test('every prefix and a trailing byte are refused', () => {
    checkPrefixesRejected(bytes, decodeProposalRef);
    expect(codeOf(() => decodeProposalRef(new Uint8Array([...bytes, 0])))).toBe(CodecErrorCode.TrailingBytes);
  });

  test('a txCount beyond the codes present is TRUNCATED before the codes are read', () => {
    // txCount sits at 116 + 1 + 32 + 24 + 64 = 237.
    expect(codeOf(() => decodeProposalRef(u32At(bytes, 237, 3)))).toBe(CodecErrorCode.Truncated);
    expect(codeOf(() => decodeProposalRef(u32At(bytes, 237, 10_001)))).toBe(CodecErrorCode.Oversized);
  });

  test('input over the cap is refused unread; the encoder refuses codes that are not txCount', () => {
    expect(codeOf(() => decodeProposalRef(new Uint8Array(MAX_PROPOSAL_REF_BYTES + 1)))).toBe(
      CodecErrorCode.Oversized,
    );
    const short = { ...v.vectorProposal, codes: v.vectorProposal.codes.slice(1) };
    expect(codeOf(() => encodeProposalRef(short))).toBe(CodecErrorCode.InvalidInput);
  });
});

describe('BODIES-REQUEST and BODIES-RESPONSE', () => {
  test('indexes must be strictly ascending, in range, and at least one', () => {
    const digest = v.vectorBodiesRequest.digest;
    for (const indexes of [[], [2, 2], [3, 1], [10_000]])
      expect(codeOf(() => encodeBodiesRequest({ digest, indexes }))).toBe(CodecErrorCode.InvalidInput);
    const two = encodeBodiesRequest({ digest, indexes: [1, 5] });
    expect(decodeBodiesRequest(two).indexes).toEqual([1, 5]);
    expect(codeOf(() => decodeBodiesRequest(u32At(two, 42, 1)))).toBe(CodecErrorCode.BadValue);
    expect(codeOf(() => decodeBodiesRequest(u32At(two, 34, 0)))).toBe(CodecErrorCode.BadValue);
    checkPrefixesRejected(two, decodeBodiesRequest);
  });

  test('a response must hold exactly the count asked for, each envelope bounded', () => {
    const b = encodeBodiesResponse([Uint8Array.of(1, 2, 3), Uint8Array.of(4)]);
    expect(decodeBodiesResponse(b, 2)).toEqual([Uint8Array.of(1, 2, 3), Uint8Array.of(4)]);
    expect(codeOf(() => decodeBodiesResponse(b, 1))).toBe(CodecErrorCode.Oversized);
    expect(codeOf(() => decodeBodiesResponse(b, 3))).toBe(CodecErrorCode.BadValue);
    // A length prefix beyond the bytes present: TRUNCATED, nothing allocated for it.
    expect(codeOf(() => decodeBodiesResponse(u32At(b, 5, 1000), 2))).toBe(CodecErrorCode.Truncated);
    expect(codeOf(() => decodeBodiesResponse(u32At(b, 5, 16_385), 2))).toBe(CodecErrorCode.Oversized);
    checkPrefixesRejected(b, (x) => decodeBodiesResponse(x, 2));
    expect(codeOf(() => encodeBodiesResponse([new Uint8Array(0)]))).toBe(CodecErrorCode.InvalidInput);
  });
});
