// The real EnvelopeMaker: encode the unified KPI record (Table 10-1), sign its digest and seal
// both for the SCP (Table 10-2) with the envelope header as associated data, then wrap the sealed
// packet in a KpiUpload envelope with clear routing metadata and sign it with the site key.
import { encodeEnvelope, envelopeAad } from '../codec/envelope.js';
import { envelopeSignedRegion, setEnvelopeSignature } from '../codec/envelope-view.js';
import { encodeExtension } from '../codec/extension.js';
import { decodeKpiRecord, encodeKpiRecord } from '../codec/kpi-record.js';
import { encodeSealedPacket } from '../codec/sealed-packet.js';
import { EnvelopeKind, type KpiRecord } from '../codec/types.js';
import { type Ed25519KeyPair, sign } from '../crypto/ed25519.js';
import { keyIdOf } from '../crypto/key-id.js';
import { type SealTarget, sealKpiRecord } from '../crypto/seal.js';
import type { EnvelopeMaker, SealedEnvelope } from './parts.js';
import type { SealKeys } from './seal-keys.js';
import { EXT_SESSION_OFFER, encodeSessionOffer } from './session-offer.js';

export class SignedEnvelopeMaker implements EnvelopeMaker {
  private readonly signerKeyId: Uint8Array;

  constructor(
    private readonly siteKey: Ed25519KeyPair,
    /** Resolves the chain ID (from config, or GetStatus once the chain is reachable). */
    private readonly chainId: () => Promise<Uint8Array>,
    private readonly keys: SealKeys,
  ) {
    this.signerKeyId = keyIdOf(siteKey.publicKey);
  }

  /** The envelope alone (benchmarks, tests). */
  async make(record: KpiRecord, seq: number, now: number): Promise<Uint8Array> {
    return (await this.seal(record, seq, now)).envelope;
  }

  async seal(record: KpiRecord, seq: number, now: number): Promise<SealedEnvelope> {
    const chainId = await this.chainId();
    const choice = await this.keys.choose(seq, now);
    const rec: KpiRecord = choice.offer
      ? {
          ...record,
          extension: encodeExtension([{ type: EXT_SESSION_OFFER, value: encodeSessionOffer(choice.offer) }]),
        }
      : record;
    const encoded = encodeKpiRecord(rec);
    return { envelope: this.wrap(chainId, rec, encoded, seq, now, choice.target), record: encoded };
  }

  async reseal(record: Uint8Array, seq: number, now: number): Promise<Uint8Array> {
    const chainId = await this.chainId();
    return this.wrap(chainId, decodeKpiRecord(record), record, seq, now, await this.keys.ephemeral(now));
  }

  /** Seals the encoded record with the header of (seq, now) as AAD and signs the envelope. */
  private wrap(
    chainId: Uint8Array,
    rec: KpiRecord,
    encoded: Uint8Array,
    seq: number,
    now: number,
    target: SealTarget,
  ): Uint8Array {
    const routing = {
      country: rec.country,
      city: rec.city,
      siteId: rec.siteId,
      kpiCodes: [...new Set(rec.entries.map((e) => e.code))].sort((a, b) => a - b),
    };
    const header = { chainId, signerKeyId: this.signerKeyId, seq, time: now, routing };
    const sealed = sealKpiRecord(this.siteKey, encoded, envelopeAad(header), target);
    const env = encodeEnvelope({
      kind: EnvelopeKind.KpiUpload,
      ...header,
      packet: encodeSealedPacket(sealed),
      signature: new Uint8Array(64),
    });
    setEnvelopeSignature(env, sign(this.siteKey, envelopeSignedRegion(env)));
    return env;
  }
}
