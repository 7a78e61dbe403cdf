import { describe, expect, it } from 'vitest';
import { decodeEnvelope } from '../../../codec/envelope.js';
import { envelopeAadView, envelopeSignature, envelopeSignedRegion } from '../../../codec/envelope-view.js';
import { decodeExtension } from '../../../codec/extension.js';
import { decodeKpiRecord, encodeKpiRecord } from '../../../codec/kpi-record.js';
import { decodeSealedPacket } from '../../../codec/sealed-packet.js';
import { CityScheme, EnvelopeKind, type KpiRecord, SealAlgorithm } from '../../../codec/types.js';
import { generateEd25519, verify } from '../../../crypto/ed25519.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { openPacket } from '../../../crypto/open.js';
import { acceptSession, type SessionKey } from '../../../crypto/session-key.js';
import { generateX25519 } from '../../../crypto/x25519.js';
import { SignedEnvelopeMaker } from '../../../site/envelope-maker.js';
import { SiteErrorCode } from '../../../site/errors.js';
import { type ScpKey, SealKeys } from '../../../site/seal-keys.js';
import { decodeSessionOffer, EXT_SESSION_OFFER } from '../../../site/session-offer.js';

const H = 3_600_000;
const now = Date.UTC(2026, 0, 1, 12);
const chainId = new Uint8Array(32).fill(7);
const site = generateEd25519();
const scp = generateX25519();
const scpKey: ScpKey = {
  keyId: keyIdOf(scp.publicKey),
  publicKey: scp.publicKey,
  notBefore: 0,
  notAfter: now + 48 * H,
};

const record: KpiRecord = {
  country: 156,
  city: { scheme: CityScheme.UnLocode, code: 'CNSHA' },
  siteId: new Uint8Array(16).fill(1),
  time: now - H,
  entries: [
    { code: 21101, series: 0, value: 40, flags: 2 },
    { code: 21101, series: 1, value: 12.5, flags: 0 },
  ],
  extension: new Uint8Array(0),
};

function maker(mode: 'session' | 'ephemeral', keys: ScpKey[] = [scpKey]) {
  const sealKeys = new SealKeys(
    { scpKeys: async () => keys },
    { mode, sessionTtlMs: 10 * H, renewBeforeMs: H, directoryTtlMs: H },
  );
  return new SignedEnvelopeMaker(site, async () => chainId, sealKeys);
}

/** Opens an envelope the way the SCP does; returns the record and how it was sealed. */
function open(env: Uint8Array, sessions: SessionKey[]) {
  const e = decodeEnvelope(env);
  if (e.kind !== EnvelopeKind.KpiUpload) throw new Error('kind');
  expect(verify(site.publicKey, envelopeSignedRegion(env), envelopeSignature(env))).toBe(true);
  const packet = decodeSealedPacket(e.packet);
  const res = openPacket(packet, envelopeAadView(env), site.publicKey, {
    scpKey: (id) => (Buffer.from(id).equals(scpKey.keyId) ? scp : undefined),
    session: (id) => sessions.find((s) => Buffer.from(s.id).equals(id)),
  });
  if (!res.ok) throw new Error(`open failed: ${res.failure}`);
  return { env: e, alg: packet.alg, record: decodeKpiRecord(res.record) };
}

describe('SignedEnvelopeMaker', () => {
  it('signs a KpiUpload envelope with routing codes and a sealed record the SCP opens', async () => {
    const env = await maker('ephemeral').make(record, 5, now);
    const { env: e, alg, record: rec } = open(env, []);
    expect(alg).toBe(SealAlgorithm.EphemeralX25519);
    expect(e).toMatchObject({ seq: 5, time: now, routing: { country: 156, kpiCodes: [21101] } });
    expect(Buffer.from(e.signerKeyId).equals(keyIdOf(site.publicKey))).toBe(true);
    expect(rec.entries).toEqual(record.entries);
    expect(rec.extension).toHaveLength(0);
  });

  it('negotiates a session: the first record carries the offer, later ones use the session key', async () => {
    const m = maker('session');
    const first = open(await m.make(record, 1, now), []);
    expect(first.alg).toBe(SealAlgorithm.EphemeralX25519);
    const [item] = decodeExtension(first.record.extension);
    expect(item!.type).toBe(EXT_SESSION_OFFER);
    const session = acceptSession(scp, decodeSessionOffer(item!.value), now);
    // The offer's record was not kept (outbox full): the retry with the same seq carries it again.
    expect(open(await m.make(record, 1, now), []).alg).toBe(SealAlgorithm.EphemeralX25519);
    const second = open(await m.make(record, 2, now + 1), [session]);
    expect(second.alg).toBe(SealAlgorithm.SessionKey);
    expect(second.record.extension).toHaveLength(0);
    // Near expiry a new session is offered.
    const rotated = open(await m.make(record, 3, now + 9.5 * H), []);
    expect(rotated.alg).toBe(SealAlgorithm.EphemeralX25519);
    const next = decodeSessionOffer(decodeExtension(rotated.record.extension)[0]!.value);
    expect(Buffer.from(next.salt).equals(decodeSessionOffer(item!.value).salt)).toBe(false);
  });

  it('reseals a kept record under a new seq and time, ephemerally, offer included, for the SCP to open', async () => {
    const m = maker('session');
    const first = await m.seal(record, 1, now);
    expect(decodeKpiRecord(first.record)).toEqual(open(first.envelope, []).record);
    const second = decodeEnvelope(await m.make(record, 2, now + 1)); // seq 2 rides the session
    if (second.kind !== EnvelopeKind.KpiUpload) throw new Error('kind');
    expect(decodeSealedPacket(second.packet).alg).toBe(SealAlgorithm.SessionKey);
    // Seq 1 was refused as replayed: its record (with the session offer) is sealed again as seq 3.
    const again = open(await m.reseal(first.record, 3, now + H), []);
    expect(again.alg).toBe(SealAlgorithm.EphemeralX25519);
    expect(again.env).toMatchObject({ seq: 3, time: now + H, routing: { country: 156, kpiCodes: [21101] } });
    expect(encodeKpiRecord(again.record)).toEqual(first.record);
    expect(decodeExtension(again.record.extension)[0]!.type).toBe(EXT_SESSION_OFFER);
    // The old envelope's signature and packet are bound to seq 1: the new one is not a copy.
    expect(Buffer.from(await m.reseal(first.record, 3, now + H)).equals(first.envelope)).toBe(false);
  });

  it('defers with NO_SCP_KEY when no directory key is valid now', async () => {
    const expired = { ...scpKey, notAfter: now - 1 };
    await expect(maker('session', [expired]).make(record, 1, now)).rejects.toMatchObject({
      code: SiteErrorCode.NoScpKey,
    });
  });
});
