import { describe, expect, it } from 'vitest';
import { UploadStatus } from '../../../api/types.js';
import { encodeEnvelope } from '../../../codec/envelope.js';
import { envelopeSignedRegion, setEnvelopeSignature } from '../../../codec/envelope-view.js';
import { encodeSealedPacket } from '../../../codec/sealed-packet.js';
import { CityScheme, type Envelope, EnvelopeKind, SealAlgorithm } from '../../../codec/types.js';
import { generateEd25519, sign, verify } from '../../../crypto/ed25519.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { Admission, type AdmissionDeps, hex } from '../../../node/admission.js';
import { NodeErrorCode } from '../../../node/errors.js';
import { Mempool, type MempoolEntry } from '../../../node/mempool.js';
import { envelopeTracingCode } from '../../../node/tx-hash.js';

const chainId = new Uint8Array(32).fill(7);
const site = generateEd25519();

function upload(seq: number, opts: { chain?: Uint8Array; badSig?: boolean } = {}): Uint8Array {
  const b = encodeEnvelope({
    kind: EnvelopeKind.KpiUpload,
    chainId: opts.chain ?? chainId,
    signerKeyId: keyIdOf(site.publicKey),
    seq,
    time: 1_700_000_000_000 + seq,
    routing: {
      country: 156,
      city: { scheme: CityScheme.UnLocode, code: 'CNSHA' },
      siteId: new Uint8Array(16),
      kpiCodes: [1],
    },
    packet: encodeSealedPacket({
      alg: SealAlgorithm.SessionKey,
      scpKeyId: new Uint8Array(16),
      keyRef: new Uint8Array(16),
      nonce: new Uint8Array(12),
      encryptedRecord: new Uint8Array(80).fill(seq % 256),
      encryptedDigest: new Uint8Array(112),
    }),
    signature: new Uint8Array(64),
  });
  setEnvelopeSignature(b, sign(site, envelopeSignedRegion(b)));
  if (opts.badSig) b[b.length - 1]! ^= 1;
  return b;
}

function setup(over: Partial<AdmissionDeps> = {}) {
  const admitted: MempoolEntry[] = [];
  const committed = new Set<string>();
  /** Sequence numbers spent in the (single) site's replay window, as the contract would see them. */
  const spent = new Set<number>();
  const mempool = new Mempool({ maxEnvelopes: 3, maxBytes: 1 << 20 });
  const deps: AdmissionDeps = {
    chainIdHex: hex(chainId),
    mempool,
    verifier: { verifyBatch: async (items) => items.map((i) => verify(i.publicKey, i.message, i.signature)) },
    committed: async (tcs) => tcs.map((tc) => committed.has(hex(tc))),
    authorize: (env: Envelope) =>
      env.seq === 666
        ? { ok: false, code: NodeErrorCode.Unauthorized, message: 'site suspended' }
        : spent.has(env.seq)
          ? { ok: false, code: NodeErrorCode.Replayed, message: 'seq spent' }
          : { ok: true, publicKey: site.publicKey },
    onAdmitted: (e) => admitted.push(...e),
    retryAfterMs: () => 250,
    ...over,
  };
  return { admission: new Admission(deps), admitted, committed, spent, mempool };
}

describe('Admission', () => {
  it('admits valid envelopes and treats re-sends as idempotent successes', async () => {
    const { admission, admitted } = setup();
    const a = upload(1);
    const [r1] = await admission.admit([a]);
    expect(r1!.status).toBe(UploadStatus.Accepted);
    expect(admitted.map((e) => e.seq)).toEqual([1]);
    const [r2] = await admission.admit([a]);
    expect(r2!.status).toBe(UploadStatus.AlreadyPending);
    expect(admitted).toHaveLength(1);
  });

  it('reports committed envelopes as already committed, other replays of their sequence number as replays', async () => {
    const { admission, committed, spent } = setup();
    const b = upload(5);
    const probe = setup();
    const tc = (await probe.admission.admit([b]))[0]!.tracingCode;
    committed.add(hex(tc));
    spent.add(5);
    expect((await admission.admit([b]))[0]!.status).toBe(UploadStatus.AlreadyCommitted);
    // Same sequence number, different bytes: not the committed envelope, so the refusal stands.
    const other = upload(5, { badSig: true });
    expect((await admission.admit([other]))[0]).toMatchObject({
      status: UploadStatus.Rejected,
      reason: NodeErrorCode.Replayed,
    });
  });

  it('looks up only the envelopes the contract refused, all in one call, then answers in batch order', async () => {
    const calls: number[][] = [];
    const { admission, spent } = setup({
      committed: async (tcs) => {
        calls.push(tcs.map((tc) => tc[0]!));
        return tcs.map((tc) => tc[0]! % 2 === 0);
      },
    });
    const batch = [1, 2, 3, 4].map((seq) => upload(seq));
    spent.add(2);
    spent.add(3);
    spent.add(4);
    const fresh = await admission.admit([new Uint8Array(3), batch[0]!]);
    // Nothing refused: no store lookup at all.
    expect(calls).toEqual([]);
    expect(fresh.map((r) => r.status)).toEqual([UploadStatus.Rejected, UploadStatus.Accepted]);
    const res = await admission.admit(batch.slice(1));
    expect(calls).toEqual([res.map((r) => r.tracingCode[0]!)]);
    for (const r of res)
      expect(r.status).toBe(
        r.tracingCode[0]! % 2 === 0 ? UploadStatus.AlreadyCommitted : UploadStatus.Rejected,
      );
  });

  it('rejects each bad envelope with its reason and keeps the good ones of the batch', async () => {
    const { admission, admitted } = setup();
    const oversized = new Uint8Array(20_000);
    const res = await admission.admit([
      upload(1),
      new Uint8Array([1, 2, 3]),
      oversized,
      upload(2, { chain: new Uint8Array(32) }),
      upload(3, { badSig: true }),
      upload(666),
      upload(4),
    ]);
    expect(res.map((r) => r.reason)).toEqual([
      '',
      NodeErrorCode.Malformed,
      NodeErrorCode.Oversized,
      NodeErrorCode.WrongChain,
      NodeErrorCode.BadSignature,
      NodeErrorCode.Unauthorized,
      '',
    ]);
    expect(admitted.map((e) => e.seq)).toEqual([1, 4]);
  });

  it('refuses a second envelope with a pending sequence number, in the pool or in the same batch', async () => {
    const { admission } = setup();
    await admission.admit([upload(9)]);
    const other = upload(9);
    other[other.length - 100]! ^= 1; // same signer and seq, different packet bytes
    expect((await admission.admit([other]))[0]!.reason).toBe(NodeErrorCode.Replayed);
  });

  it('a block applied while signatures were verified settles the envelopes it spent', async () => {
    let version = 0;
    const { admission, admitted, committed, spent, mempool } = setup({
      stateVersion: () => version,
      // The block holding seq 1 commits while the batch is on the verification pool.
      verifier: {
        verifyBatch: async (items) => {
          committed.add(hex(envelopeTracingCode(a)));
          spent.add(1);
          version++;
          return items.map((i) => verify(i.publicKey, i.message, i.signature));
        },
      },
    });
    const a = upload(1);
    const b = upload(2);
    const [ra, rb] = await admission.admit([a, b]);
    expect(ra!.status).toBe(UploadStatus.AlreadyCommitted);
    expect(rb!.status).toBe(UploadStatus.Accepted);
    expect(admitted.map((e) => e.seq)).toEqual([2]);
    expect(mempool.size).toBe(1);
  });

  it('answers MEMPOOL_FULL with a retry hint when the pool is full', async () => {
    const { admission } = setup();
    const res = await admission.admit([upload(1), upload(2), upload(3), upload(4)]);
    expect(res.map((r) => r.status)).toEqual([1, 1, 1, UploadStatus.Rejected]);
    expect(res[3]!.reason).toBe(NodeErrorCode.MempoolFull);
    expect(res[3]!.retryAfterMs).toBe(250);
  });
});
