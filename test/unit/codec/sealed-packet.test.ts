import { describe, expect, it } from 'vitest';
import { CodecErrorCode } from '../../../codec/errors.js';
import { decodeSealedPacket, encodeSealedPacket } from '../../../codec/sealed-packet.js';
import { SealAlgorithm } from '../../../codec/types.js';
import { sealedPacket } from '../../../testkit/codec-arbitraries.js';
import { checkPrefixesRejected, checkRoundTrip, codeOf, hex, patched } from './helpers.js';
import { vectorPacket, vectorPacketHex } from './vectors.js';

describe('sealed packet (Table 10-2)', () => {
  it('matches the hex vector of docs/wire-format.md', () => {
    expect(hex(encodeSealedPacket(vectorPacket))).toBe(vectorPacketHex);
    expect(decodeSealedPacket(encodeSealedPacket(vectorPacket))).toEqual(vectorPacket);
  });

  it('round-trips and re-encodes canonically', () => {
    checkRoundTrip(sealedPacket, encodeSealedPacket, decodeSealedPacket);
  });

  it('the key reference length follows the algorithm', () => {
    const eph = { ...vectorPacket, alg: SealAlgorithm.EphemeralX25519, keyRef: new Uint8Array(32) };
    expect(encodeSealedPacket(eph).length).toBe(encodeSealedPacket(vectorPacket).length + 16);
    expect(codeOf(() => encodeSealedPacket({ ...vectorPacket, alg: SealAlgorithm.EphemeralX25519 }))).toBe(
      CodecErrorCode.InvalidInput,
    );
  });

  it('rejects malformed input with the right code', () => {
    const b = encodeSealedPacket(vectorPacket);
    checkPrefixesRejected(b, decodeSealedPacket);
    expect(codeOf(() => decodeSealedPacket(patched(b, 0, 0)))).toBe(CodecErrorCode.UnknownVersion);
    expect(codeOf(() => decodeSealedPacket(patched(b, 1, 3)))).toBe(CodecErrorCode.BadEnum);
    expect(codeOf(() => decodeSealedPacket(patched(b, 1, 1)))).toBe(CodecErrorCode.Oversized); // reads 16 more key bytes
    const lenAt = b.length - 55 - 2;
    expect(codeOf(() => decodeSealedPacket(patched(b, lenAt + 1, 54)))).toBe(CodecErrorCode.BadValue);
    expect(codeOf(() => decodeSealedPacket(patched(b, lenAt, 0xff)))).toBe(CodecErrorCode.Oversized);
    expect(codeOf(() => decodeSealedPacket(Uint8Array.of(...b, 7)))).toBe(CodecErrorCode.TrailingBytes);
    expect(codeOf(() => encodeSealedPacket({ ...vectorPacket, encryptedRecord: new Uint8Array(10) }))).toBe(
      CodecErrorCode.InvalidInput,
    );
  });
});
