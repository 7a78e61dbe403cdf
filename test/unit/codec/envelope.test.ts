import { describe, expect, it } from 'vitest';
import { MAX_ENVELOPE_BYTES } from '../../../codec/caps.js';
import { decodeEnvelope, encodeEnvelope, envelopeAad } from '../../../codec/envelope.js';
import {
  envelopeAadView,
  envelopeChainId,
  envelopeKind,
  envelopePacket,
  envelopeRouting,
  envelopeSeq,
  envelopeSignature,
  envelopeSignedRegion,
  envelopeSignerKeyId,
  envelopeTime,
  setEnvelopeSignature,
} from '../../../codec/envelope-view.js';
import { CodecErrorCode } from '../../../codec/errors.js';
import {
  type ChainParams,
  type Envelope,
  EnvelopeKind,
  type GovernanceAction,
} from '../../../codec/types.js';
import { contractCall, envelope } from '../../../testkit/codec-arbitraries.js';
import { checkPrefixesRejected, checkRoundTrip, codeOf, hex, patched } from './helpers.js';
import { vectorApprove, vectorApproveHex, vectorUpload, vectorUploadAadHex } from './vectors.js';

describe('envelopes', () => {
  it('match the hex vectors of docs/wire-format.md', () => {
    const up = encodeEnvelope(vectorUpload);
    expect(hex(up)).toBe(`${vectorUploadAadHex}00d7${hex(vectorUpload.packet)}${'33'.repeat(64)}`);
    expect(hex(encodeEnvelope(vectorApprove))).toBe(vectorApproveHex);
  });

  it('round-trip and re-encode canonically (uploads and every contract call)', () => {
    checkRoundTrip(envelope, encodeEnvelope, decodeEnvelope, 500);
  });

  it('lazy readers agree with the full decode', () => {
    for (const env of [vectorUpload, vectorApprove] as Envelope[]) {
      const b = encodeEnvelope(env);
      const d = decodeEnvelope(b);
      expect(envelopeKind(b)).toBe(d.kind);
      expect(hex(envelopeChainId(b))).toBe(hex(d.chainId));
      expect(hex(envelopeSignerKeyId(b))).toBe(hex(d.signerKeyId));
      expect(envelopeSeq(b)).toBe(d.seq);
      expect(envelopeTime(b)).toBe(d.time);
      expect(hex(envelopeSignature(b))).toBe(hex(d.signature));
      expect(hex(envelopeSignedRegion(b)) + hex(d.signature)).toBe(hex(b));
    }
    const b = encodeEnvelope(vectorUpload);
    expect(envelopeRouting(b)).toEqual(vectorUpload.routing);
    expect(hex(envelopePacket(b))).toBe(hex(vectorUpload.packet));
    expect(codeOf(() => envelopeRouting(encodeEnvelope(vectorApprove)))).toBe(CodecErrorCode.BadEnum);
  });

  it('lazy readers agree with the full decode on random envelopes', () => {
    checkRoundTrip(
      envelope,
      encodeEnvelope,
      (b) => {
        const d = decodeEnvelope(b);
        expect(envelopeKind(b)).toBe(d.kind);
        expect(envelopeSeq(b)).toBe(d.seq);
        expect(envelopeTime(b)).toBe(d.time);
        expect(hex(envelopeSignerKeyId(b))).toBe(hex(d.signerKeyId));
        expect(hex(envelopeSignature(b))).toBe(hex(d.signature));
        if (d.kind === EnvelopeKind.KpiUpload) {
          expect(envelopeRouting(b)).toEqual(d.routing);
          expect(hex(envelopePacket(b))).toBe(hex(d.packet));
          expect(hex(envelopeAadView(b))).toBe(hex(envelopeAad(d)));
        }
        return d;
      },
      200,
    );
  });

  it('the AAD built from the header equals the view taken from the envelope', () => {
    const b = encodeEnvelope(vectorUpload);
    expect(hex(envelopeAad(vectorUpload))).toBe(vectorUploadAadHex);
    expect(hex(envelopeAadView(b))).toBe(vectorUploadAadHex);
    expect(envelopeAadView(b).buffer).toBe(b.buffer);
  });

  it('signed region and signature are views; signing in place', () => {
    const b = encodeEnvelope({ ...vectorApprove, signature: new Uint8Array(64) });
    expect(envelopeSignedRegion(b).buffer).toBe(b.buffer);
    setEnvelopeSignature(b, new Uint8Array(64).fill(0x33));
    expect(hex(b)).toBe(vectorApproveHex);
    expect(codeOf(() => setEnvelopeSignature(b, new Uint8Array(3)))).toBe(CodecErrorCode.InvalidInput);
  });

  it('rejects malformed input with the right code', () => {
    const up = encodeEnvelope(vectorUpload);
    checkPrefixesRejected(up, decodeEnvelope);
    checkPrefixesRejected(encodeEnvelope(vectorApprove), decodeEnvelope);
    expect(codeOf(() => decodeEnvelope(patched(up, 0, 2)))).toBe(CodecErrorCode.UnknownVersion);
    expect(codeOf(() => decodeEnvelope(patched(up, 1, 3)))).toBe(CodecErrorCode.BadEnum);
    expect(codeOf(() => decodeEnvelope(patched(up, 57, 0)))).toBe(CodecErrorCode.BadValue); // seq 0
    expect(codeOf(() => decodeEnvelope(patched(up, 96, 0)))).toBe(CodecErrorCode.BadValue); // code 0
    expect(codeOf(() => decodeEnvelope(patched(up, 98, 12)))).toBe(CodecErrorCode.BadValue); // duplicate
    expect(codeOf(() => decodeEnvelope(patched(up, 101, 9)))).toBe(CodecErrorCode.UnknownVersion); // packet
    expect(codeOf(() => decodeEnvelope(Uint8Array.of(...up, 0)))).toBe(CodecErrorCode.TrailingBytes);
    expect(codeOf(() => decodeEnvelope(new Uint8Array(MAX_ENVELOPE_BYTES + 1)))).toBe(
      CodecErrorCode.Oversized,
    );
    expect(codeOf(() => envelopeSeq(up.subarray(0, 100)))).toBe(CodecErrorCode.Truncated);
    expect(codeOf(() => encodeEnvelope({ ...vectorUpload, seq: 0 }))).toBe(CodecErrorCode.InvalidInput);
    expect(codeOf(() => encodeEnvelope({ ...vectorUpload, packet: new Uint8Array(60) }))).toBe(
      CodecErrorCode.UnknownVersion,
    );
  });

  it('contract calls: every action type decodes to what was proposed', () => {
    checkRoundTrip(
      contractCall,
      (call) => encodeEnvelope({ ...vectorApprove, call }),
      (b) => {
        const d = decodeEnvelope(b);
        if (d.kind !== EnvelopeKind.ContractCall) throw new Error('kind');
        return d.call;
      },
      500,
    );
    const admins = [new Uint8Array(32)];
    const call = {
      type: 'propose' as const,
      expiresAt: 1,
      action: { type: 'setAdmins' as const, admins, threshold: 2 },
    };
    expect(codeOf(() => encodeEnvelope({ ...vectorApprove, call }))).toBe(CodecErrorCode.InvalidInput);
  });

  it('setParams: the envelope bounds choose layout 2 (type 11); one bound without the other is refused', () => {
    const params = { periodMs: 1000, maxBlockEnvelopes: 2000, maxBlockBytes: 4_194_304, viewTimeoutMs: 3000 };
    const propose = (p: typeof params & { maxSeqGap?: number; maxEnvelopeFutureMs?: number }) =>
      encodeEnvelope({
        ...vectorApprove,
        signature: new Uint8Array(64),
        call: { type: 'propose', expiresAt: 1, action: { type: 'setParams', params: p, activateAt: 10 } },
      });
    const v1 = propose(params);
    const v2 = propose({ ...params, maxSeqGap: 1_000_000, maxEnvelopeFutureMs: 300_000 });
    expect([v1[75], v2[75]]).toEqual([8, 11]);
    expect(v2.length - v1.length).toBe(8);
    // A type-8 call decodes without the bounds (they stay as they are on the chain), and re-encodes to itself.
    const d1 = decodeEnvelope(v1);
    if (d1.kind !== EnvelopeKind.ContractCall || d1.call.type !== 'propose') throw new Error('kind');
    expect(d1.call.action).toEqual({ type: 'setParams', params, activateAt: 10 });
    expect(hex(encodeEnvelope(d1))).toBe(hex(v1));
    expect(codeOf(() => propose({ ...params, maxSeqGap: 5000 }))).toBe(CodecErrorCode.InvalidInput);
    expect(codeOf(() => propose({ ...params, maxEnvelopeFutureMs: 5000 }))).toBe(CodecErrorCode.InvalidInput);
    // 12 and 13 are the cross-chain actions (docs/wire-format.md §5.3.1), 14 is layout 3; 15 is the first unknown.
    expect(codeOf(() => decodeEnvelope(patched(v1, 75, 15)))).toBe(CodecErrorCode.BadEnum);
    // Layout 1 bytes read as layout 2 run short; layout 2 bytes read as layout 1 leave bytes over.
    expect(codeOf(() => decodeEnvelope(patched(v1, 75, 11)))).toBe(CodecErrorCode.Truncated);
    expect(codeOf(() => decodeEnvelope(patched(v2, 75, 8)))).toBe(CodecErrorCode.TrailingBytes);
  });

  it('setParams: snapshotInterval chooses layout 3 (type 14), with or without the bounds, and round-trips', () => {
    const params = { periodMs: 1000, maxBlockEnvelopes: 2000, maxBlockBytes: 4_194_304, viewTimeoutMs: 3000 };
    const bounds = { maxSeqGap: 1_000_000, maxEnvelopeFutureMs: 300_000 };
    const propose = (p: ChainParams) =>
      encodeEnvelope({
        ...vectorApprove,
        signature: new Uint8Array(64),
        call: { type: 'propose', expiresAt: 1, action: { type: 'setParams', params: p, activateAt: 10 } },
      });
    const v1 = propose(params);
    const v3 = propose({ ...params, snapshotInterval: 50 });
    const v3b = propose({ ...params, ...bounds, snapshotInterval: 50 });
    expect([v3[75], v3b[75]]).toEqual([14, 14]);
    expect([v3.length - v1.length, v3b.length - v1.length]).toEqual([5, 13]);
    expect([v3[92], v3b[92]]).toEqual([0, 1]);
    for (const [bytes, p] of [
      [v3, { ...params, snapshotInterval: 50 }],
      [v3b, { ...params, ...bounds, snapshotInterval: 50 }],
    ] as const) {
      const d = decodeEnvelope(bytes);
      if (d.kind !== EnvelopeKind.ContractCall || d.call.type !== 'propose') throw new Error('kind');
      expect(d.call.action).toEqual({ type: 'setParams', params: p, activateAt: 10 });
      expect(hex(encodeEnvelope(d))).toBe(hex(bytes));
    }
    // A bounds flag other than 0 or 1; the flag set on bytes without the bounds runs short.
    expect(codeOf(() => decodeEnvelope(patched(v3, 92, 2)))).toBe(CodecErrorCode.BadEnum);
    expect(codeOf(() => decodeEnvelope(patched(v3, 92, 1)))).toBe(CodecErrorCode.Truncated);
    // Layout 3 bytes read as layout 1 leave bytes over.
    expect(codeOf(() => decodeEnvelope(patched(v3, 75, 8)))).toBe(CodecErrorCode.TrailingBytes);
  });

  it('refuses a public-key list that repeats a key (setValidators, setAdmins), decoding and encoding', () => {
    const a = new Uint8Array(32).fill(0xa1);
    const b = new Uint8Array(32).fill(0xb2);
    const actions = (x: Uint8Array, y: Uint8Array): GovernanceAction[] => [
      { type: 'setValidators', validators: [{ publicKey: x }, { publicKey: y }], activateAt: 5 },
      { type: 'setAdmins', admins: [x, y], threshold: 1 },
    ];
    const envelopeOf = (action: GovernanceAction) =>
      encodeEnvelope({ ...vectorApprove, call: { type: 'propose', expiresAt: 1, action } });
    for (const [i, action] of actions(a, b).entries()) {
      const distinct = envelopeOf(action);
      // The same bytes with the second key overwritten by the first: as a writer that skips the
      // encoder's check would send them.
      const at = Buffer.from(distinct).indexOf(Buffer.from(b));
      const repeated = Uint8Array.from(distinct);
      repeated.set(a, at);
      expect(codeOf(() => decodeEnvelope(distinct))).toBe('none');
      expect(codeOf(() => decodeEnvelope(repeated))).toBe(CodecErrorCode.BadValue);
      expect(codeOf(() => envelopeOf(actions(a, a)[i]!))).toBe(CodecErrorCode.InvalidInput);
    }
  });
});
