// Cross-chain calls: every decoder bound (header count, lengths, key bytes, enum bytes) refuses
// with a typed CodecError; well-formed calls round-trip byte-exactly.
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from '../../../codec/envelope.js';
import { CodecError, CodecErrorCode } from '../../../codec/errors.js';
import type { ContractCallEnvelope } from '../../../codec/types.js';
import * as x from './xchain-vectors.js';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    if (err instanceof CodecError) return err.code;
    throw err;
  }
  return undefined;
}

describe('cross-chain call codec', () => {
  it('round-trips every call and action byte-exactly', () => {
    for (const env of Object.values(x)) {
      const bytes = encodeEnvelope(env);
      expect(encodeEnvelope(decodeEnvelope(bytes) as ContractCallEnvelope)).toEqual(bytes);
    }
  });

  it('refuses an update without headers or with more than 8, on both sides', () => {
    const bytes = encodeEnvelope(x.vectorUpdateClient);
    const zero = Uint8Array.from(bytes);
    zero[69] = 0;
    expect(codeOf(() => decodeEnvelope(zero))).toBe(CodecErrorCode.BadValue);
    const nine = Uint8Array.from(bytes);
    nine[69] = 9;
    expect(codeOf(() => decodeEnvelope(nine))).toBe(CodecErrorCode.Oversized);
    const call = x.vectorUpdateClient.call as Extract<ContractCallEnvelope['call'], { type: 'updateClient' }>;
    const many = { ...x.vectorUpdateClient, call: { ...call, headers: Array(9).fill(call.headers[0]) } };
    expect(codeOf(() => encodeEnvelope(many))).toBe(CodecErrorCode.InvalidInput);
  });

  it('refuses truncated input, an oversized certificate length and an unknown proof kind or call type', () => {
    const bytes = encodeEnvelope(x.vectorUpdateClient);
    expect(codeOf(() => decodeEnvelope(bytes.subarray(0, 300)))).toBe(CodecErrorCode.Truncated);
    const big = Uint8Array.from(bytes);
    new DataView(big.buffer).setUint32(293, 0xffffff);
    expect(codeOf(() => decodeEnvelope(big))).toBe(CodecErrorCode.Oversized);
    const fact = Uint8Array.from(encodeEnvelope(x.vectorRemoteState));
    fact[77] = 3;
    expect(codeOf(() => decodeEnvelope(fact))).toBe(CodecErrorCode.BadEnum);
    const type = Uint8Array.from(bytes);
    type[66] = 6;
    expect(codeOf(() => decodeEnvelope(type))).toBe(CodecErrorCode.BadEnum);
  });

  it('refuses a state key that is not printable ASCII', () => {
    const fact = Uint8Array.from(encodeEnvelope(x.vectorRemoteState));
    fact[80] = 0x20; // a space inside "gov/admins"
    expect(codeOf(() => decodeEnvelope(fact))).toBe(CodecErrorCode.BadValue);
    const call = x.vectorRemoteState.call as Extract<
      ContractCallEnvelope['call'],
      { type: 'recordRemoteFact' }
    >;
    const bad = {
      ...x.vectorRemoteState,
      call: { ...call, proof: { kind: 'state' as const, key: 'a b', stateProof: new Uint8Array([1]) } },
    };
    expect(codeOf(() => encodeEnvelope(bad))).toBe(CodecErrorCode.InvalidInput);
  });
});
