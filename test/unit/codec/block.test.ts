import { describe, expect, it } from 'vitest';
import { decodeBlock, decodeBlockHeader, encodeBlock, encodeBlockHeader } from '../../../codec/block.js';
import {
  blockEnvelopeLocation,
  blockEnvelopeLocations,
  blockHeaderBytes,
  blockHeight,
  blockParentHash,
  blockTxCount,
} from '../../../codec/block-view.js';
import {
  certifiedBlockBlockBytes,
  decodeCertifiedBlock,
  decodeCommitCertificate,
  encodeCertifiedBlock,
  encodeCommitCertificate,
} from '../../../codec/certificate.js';
import { CodecErrorCode } from '../../../codec/errors.js';
import { block, certifiedBlock, commitCertificate } from '../../../testkit/codec-arbitraries.js';
import { checkPrefixesRejected, checkRoundTrip, codeOf, hex, patched } from './helpers.js';
import {
  vectorBlock,
  vectorBlockHex,
  vectorCertificate,
  vectorCertificateHex,
  vectorHeader,
  vectorHeaderHex,
} from './vectors.js';

describe('block header and block', () => {
  it('match the hex vectors of docs/wire-format.md', () => {
    expect(hex(encodeBlockHeader(vectorHeader))).toBe(vectorHeaderHex);
    expect(hex(encodeBlock(vectorBlock))).toBe(vectorBlockHex);
    expect(decodeBlock(encodeBlock(vectorBlock))).toEqual(vectorBlock);
    expect(decodeBlockHeader(encodeBlockHeader(vectorHeader))).toEqual(vectorHeader);
  });

  it('round-trips and re-encodes canonically', () => {
    checkRoundTrip(block, encodeBlock, decodeBlock);
  });

  it('lazy readers agree with the full decode, envelope locations are the data recorder', () => {
    checkRoundTrip(
      block,
      (x) => encodeBlock(x),
      (b) => {
        const d = decodeBlock(b);
        expect(blockHeight(b)).toBe(d.header.height);
        expect(hex(blockParentHash(b))).toBe(hex(d.header.parentHash));
        expect(blockTxCount(b)).toBe(d.envelopes.length);
        expect(hex(blockHeaderBytes(b))).toBe(hex(encodeBlockHeader(d.header)));
        const locs = blockEnvelopeLocations(b);
        d.envelopes.forEach((e, i) => {
          const { offset, length } = locs[i]!;
          expect(blockEnvelopeLocation(b, i)).toEqual(locs[i]);
          expect(e.byteOffset - b.byteOffset).toBe(offset);
          expect(hex(b.subarray(offset, offset + length))).toBe(hex(e));
        });
        return d;
      },
      100,
    );
    const b = encodeBlock(vectorBlock);
    expect(blockEnvelopeLocations(b)).toEqual([
      { offset: 227, length: 3 },
      { offset: 234, length: 2 },
    ]);
    expect(codeOf(() => blockEnvelopeLocation(b, 2))).toBe(CodecErrorCode.InvalidInput);
  });

  it('rejects malformed blocks with the right code', () => {
    const b = encodeBlock(vectorBlock);
    checkPrefixesRejected(b, decodeBlock);
    expect(codeOf(() => decodeBlock(patched(b, 0, 2)))).toBe(CodecErrorCode.UnknownVersion);
    expect(codeOf(() => decodeBlock(patched(b, 124, 3)))).toBe(CodecErrorCode.Truncated); // txCount 3
    expect(codeOf(() => decodeBlock(patched(b, 122, 0xff)))).toBe(CodecErrorCode.Oversized); // txCount
    expect(codeOf(() => decodeBlock(patched(b, 121, 0x7f)))).toBe(CodecErrorCode.Oversized);
    expect(codeOf(() => decodeBlock(patched(b, 189, 1)))).toBe(CodecErrorCode.Oversized); // proposer 257
    expect(codeOf(() => decodeBlock(patched(b, 226, 0)))).toBe(CodecErrorCode.BadValue); // empty envelope
    expect(codeOf(() => decodeBlock(patched(b, 124, 1)))).toBe(CodecErrorCode.TrailingBytes);
    expect(codeOf(() => encodeBlock({ ...vectorBlock, envelopes: [] }))).toBe(CodecErrorCode.InvalidInput);
    expect(codeOf(() => blockHeight(b.subarray(0, 100)))).toBe(CodecErrorCode.Truncated);
  });
});

describe('commit certificate and certified block', () => {
  it('match the hex vector of docs/wire-format.md', () => {
    expect(hex(encodeCommitCertificate(vectorCertificate))).toBe(vectorCertificateHex);
    const cb = { block: vectorBlock, certificate: vectorCertificate };
    const b = encodeCertifiedBlock(cb);
    expect(hex(b)).toBe(`01000000ec${vectorBlockHex}${vectorCertificateHex}`);
    expect(decodeCertifiedBlock(b)).toEqual(cb);
    expect(hex(certifiedBlockBlockBytes(b))).toBe(vectorBlockHex);
  });

  it('round-trip and re-encode canonically', () => {
    checkRoundTrip(commitCertificate(5), encodeCommitCertificate, decodeCommitCertificate);
    checkRoundTrip(certifiedBlock, encodeCertifiedBlock, decodeCertifiedBlock, 200);
  });

  it('reject unsorted or repeated validators, height mismatch, bad framing', () => {
    const c = encodeCommitCertificate(vectorCertificate);
    checkPrefixesRejected(c, decodeCommitCertificate);
    expect(codeOf(() => decodeCommitCertificate(patched(c, 52 + 66, 0)))).toBe(CodecErrorCode.BadValue);
    expect(codeOf(() => decodeCommitCertificate(patched(c, 50, 0)))).toBe(CodecErrorCode.BadValue); // count 0
    const sigs = vectorCertificate.signatures;
    expect(
      codeOf(() => encodeCommitCertificate({ ...vectorCertificate, signatures: [sigs[1]!, sigs[0]!] })),
    ).toBe(CodecErrorCode.InvalidInput);
    const cb = encodeCertifiedBlock({ block: vectorBlock, certificate: vectorCertificate });
    checkPrefixesRejected(cb, decodeCertifiedBlock);
    expect(codeOf(() => decodeCertifiedBlock(patched(cb, 5 + 40, 3)))).toBe(CodecErrorCode.BadValue); // height
    expect(codeOf(() => decodeCertifiedBlock(patched(cb, 4, 0xed)))).toBe(CodecErrorCode.TrailingBytes);
    expect(codeOf(() => decodeCertifiedBlock(patched(cb, 4, 0xeb)))).toBe(CodecErrorCode.Truncated);
    expect(
      codeOf(() =>
        encodeCertifiedBlock({ block: vectorBlock, certificate: { ...vectorCertificate, height: 1 } }),
      ),
    ).toBe(CodecErrorCode.InvalidInput);
  });
});
