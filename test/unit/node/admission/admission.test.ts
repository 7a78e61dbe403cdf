import { describe, expect, it } from 'vitest';
import { UploadStatus } from '../../../../api/types.js';
import { encodeEnvelope } from '../../../../codec/envelope.js';
import { envelopeSignedRegion, setEnvelopeSignature } from '../../../../codec/envelope-view.js';
import { encodeSealedPacket } from '../../../../codec/sealed-packet.js';
import { CityScheme, type Envelope, EnvelopeKind, SealAlgorithm } from '../../../../codec/types.js';
import { generateEd25519, sign, verify } from '../../../../crypto/ed25519.js';
import { tracingCode } from '../../../../crypto/hash.js';
import { keyIdOf } from '../../../../crypto/key-id.js';
import { Admission, type AdmissionDeps, hex } from '../../../../node/admission/admission.js';
import { Mempool, type MempoolEntry } from '../../../../node/chain/mempool.js';
import { envelopeTracingCode } from '../../../../node/chain/tx-hash.js';
import { NodeErrorCode } from '../../../../node/errors.js';

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
  /** Tracing code (hex) -> the result its block recorded ('' applied, else the refusal's reason). */
  const committed = new Map<string, string>();
  /** Sequence numbers spent in the (single) site's replay window, as the contract would see them. */
  const spent = new Set<number>();
  const mempool = new Mempool({ maxEnvelopes: 3, maxBytes: 1 << 20 });
  const deps: AdmissionDeps = {
    chainIdHex: hex(chainId),
    mempool,
    verifier: { verifyBatch: async (items) => items.map((i) => verify(i.publicKey, i.message, i.signature)) },
    recorded: async (tcs, refusedOnly) =>
      tcs.map((tc) => {
        const r = committed.get(hex(tc));
        return refusedOnly && r === '' ? undefined : r;
      }),
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

  it('hands on each admitted envelope with its identity made once: code bytes, hex key, same bytes', async () => {
    const { admission, admitted } = setup();
    const a = upload(1);
    const [r] = await admission.admit([a]);
    const [e] = admitted;
    expect(Buffer.from(e!.code)).toEqual(Buffer.from(r!.tracingCode));
    expect(Buffer.from(e!.code)).toEqual(Buffer.from(tracingCode(a)));
    expect(e!.id).toBe(hex(e!.code));
    expect(e!.bytes).toBe(a);
  });

  it('reports committed envelopes as already committed, other replays of their sequence number as replays', async () => {
    const { admission, committed, spent } = setup();
    const b = upload(5);
    const probe = setup();
    const tc = (await probe.admission.admit([b]))[0]!.tracingCode;
    committed.set(hex(tc), '');
    spent.add(5);
    expect((await admission.admit([b]))[0]!.status).toBe(UploadStatus.AlreadyCommitted);
    // Same sequence number, different bytes: not the committed envelope, so the refusal stands.
    const other = upload(5, { badSig: true });
    expect((await admission.admit([other]))[0]).toMatchObject({
      status: UploadStatus.Rejected,
      reason: NodeErrorCode.Replayed,
    });
  });

  it('answers an array a committed block holds from that block, without decoding, authorizing or a store look-up', async () => {
    const blockHeld = new Map<Uint8Array, string>();
    let lookups = 0;
    let authorizations = 0;
    const { admission } = setup({
      committed: (bytes) => blockHeld.get(bytes),
      recorded: async (tcs) => {
        lookups++;
        return tcs.map(() => undefined);
      },
      authorize: () => {
        authorizations++;
        return { ok: true, publicKey: site.publicKey };
      },
    });
    const applied = upload(7);
    const refused = upload(8);
    blockHeld.set(applied, '');
    blockHeld.set(refused, 'SEQ_GAP');
    const res = await admission.admit([applied, refused]);
    expect(res.map((r) => [r.status, r.reason])).toEqual([
      [UploadStatus.AlreadyCommitted, ''],
      [UploadStatus.AlreadyCommitted, 'SEQ_GAP'],
    ]);
    expect(Buffer.from(res[0]!.tracingCode)).toEqual(Buffer.from(tracingCode(applied)));
    expect([lookups, authorizations]).toEqual([0, 0]);
    // Equal bytes in another array are not known to be committed: the full checks run.
    const copy = applied.slice();
    expect((await admission.admit([copy]))[0]!.status).toBe(UploadStatus.Accepted);
    expect(authorizations).toBe(1);
    // An upload call (a kind given) never takes the shortcut.
    expect((await admission.admit([refused], EnvelopeKind.KpiUpload))[0]!.status).toBe(UploadStatus.Accepted);
  });

  it('looks up refused envelopes fully and authorized ones for refusals at execution, one call each', async () => {
    const calls: { codes: number[]; refusedOnly: boolean }[] = [];
    const { admission, spent } = setup({
      recorded: async (tcs, refusedOnly) => {
        calls.push({ codes: tcs.map((tc) => tc[0]!), refusedOnly });
        return tcs.map((tc) => (!refusedOnly && tc[0]! % 2 === 0 ? '' : undefined));
      },
    });
    const batch = [1, 2, 3, 4].map((seq) => upload(seq));
    spent.add(2);
    spent.add(3);
    spent.add(4);
    const fresh = await admission.admit([new Uint8Array(3), batch[0]!]);
    // Nothing refused: one lookup, for refusals at execution only (the store answers it without
    // a read while none ever happened).
    expect(calls).toEqual([{ codes: [fresh[1]!.tracingCode[0]!], refusedOnly: true }]);
    expect(fresh.map((r) => r.status)).toEqual([UploadStatus.Rejected, UploadStatus.Accepted]);
    calls.length = 0;
    const res = await admission.admit(batch.slice(1));
    expect(calls).toEqual([{ codes: res.map((r) => r.tracingCode[0]!), refusedOnly: false }]);
    for (const r of res)
      expect(r.status).toBe(
        r.tracingCode[0]! % 2 === 0 ? UploadStatus.AlreadyCommitted : UploadStatus.Rejected,
      );
  });

  it('answers an envelope a block refused at execution ALREADY_COMMITTED with that result, even once it would pass again', async () => {
    const { admission, committed, spent, admitted, mempool } = setup();
    // Refused at execution (say the site was suspended), sequence number unspent: authorized now.
    const refused = upload(7);
    committed.set(hex(envelopeTracingCode(refused)), 'SiteSuspended');
    const [again] = await admission.admit([refused]);
    expect(again).toMatchObject({ status: UploadStatus.AlreadyCommitted, reason: 'SiteSuspended' });
    expect(again!.message).toContain('refused at execution');
    // A contract call refused at execution spent its sequence number: refused by the contract,
    // then found in its block.
    const call = upload(8);
    committed.set(hex(envelopeTracingCode(call)), 'UnknownProposal');
    spent.add(8);
    expect((await admission.admit([call]))[0]).toMatchObject({
      status: UploadStatus.AlreadyCommitted,
      reason: 'UnknownProposal',
    });
    expect(admitted).toHaveLength(0);
    expect(mempool.size).toBe(0);
    // An applied one: ALREADY_COMMITTED with an empty result.
    const applied = upload(9);
    committed.set(hex(envelopeTracingCode(applied)), '');
    spent.add(9);
    expect((await admission.admit([applied]))[0]).toMatchObject({
      status: UploadStatus.AlreadyCommitted,
      reason: '',
      message: '',
    });
  });

  it('answers a second copy of an envelope in one batch ALREADY_PENDING, or the first copy\u2019s refusal', async () => {
    const { admission, admitted, mempool } = setup();
    const a = upload(11);
    const res = await admission.admit([a, a]);
    expect(res.map((r) => r.status)).toEqual([UploadStatus.Accepted, UploadStatus.AlreadyPending]);
    expect(res[1]).toMatchObject({ reason: '', tracingCode: res[0]!.tracingCode });
    expect(admitted.map((e) => e.seq)).toEqual([11]);
    expect(mempool.size).toBe(1);
    // Another envelope with that seq in the same batch is still a replay, and bad bytes twice are bad twice.
    const other = upload(12);
    other[other.length - 100]! ^= 1;
    const forged = upload(13, { badSig: true });
    const mixed = await admission.admit([upload(12), other, forged, forged]);
    expect(mixed.map((r) => r.reason)).toEqual([
      '',
      NodeErrorCode.Replayed,
      NodeErrorCode.BadSignature,
      NodeErrorCode.BadSignature,
    ]);
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
          committed.set(hex(envelopeTracingCode(a)), '');
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
