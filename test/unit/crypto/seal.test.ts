import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SealAlgorithm, type SealedPacket } from '../../../codec/types.js';
import { kpiDigest, signKpiDigest } from '../../../crypto/digest.js';
import { generateEd25519, sign } from '../../../crypto/ed25519.js';
import { CryptoError, CryptoErrorCode } from '../../../crypto/errors.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { OpenFailure, type OpenKeys, openPacket } from '../../../crypto/open.js';
import { type SealTarget, sealKpiRecord, sealPacket } from '../../../crypto/seal.js';
import { acceptSession, createSession } from '../../../crypto/session-key.js';
import { generateX25519 } from '../../../crypto/x25519.js';
import { seededRandom, toHexString } from './helpers.js';

const NOW = 1_760_000_000_000;
const site = generateEd25519(seededRandom('site'));
const scp = generateX25519(seededRandom('scp'));
const siteX = generateX25519(seededRandom('site-x'));
const { offer, session } = createSession(siteX, scp.publicKey, NOW, 3_600_000, seededRandom('offer'));
const scpSession = acceptSession(scp, offer, NOW + 1);

const keys: OpenKeys = {
  scpKey: (id) => (toHexString(id) === toHexString(keyIdOf(scp.publicKey)) ? scp : undefined),
  session: (id) => (toHexString(id) === toHexString(scpSession.id) ? scpSession : undefined),
};

const targets: [string, SealTarget][] = [
  ['ephemeral', { alg: SealAlgorithm.EphemeralX25519, scpPublicKey: scp.publicKey }],
  ['session', { alg: SealAlgorithm.SessionKey, session, now: NOW + 10 }],
];

const fields = ['scpKeyId', 'keyRef', 'nonce', 'encryptedRecord', 'encryptedDigest'] as const;

function flipped(p: SealedPacket, field: (typeof fields)[number], index: number, bit: number): SealedPacket {
  const copy = Uint8Array.from(p[field]);
  copy[index]! ^= 1 << bit;
  return { ...p, [field]: copy };
}

describe.each(targets)('seal/open, %s mode', (_name, target) => {
  it('round trips any record and AAD and returns the digest and signature', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 600 }),
        fc.uint8Array({ maxLength: 80 }),
        (rec, aad) => {
          const packet = sealKpiRecord(site, rec, aad, target);
          expect(packet.alg).toBe(target.alg);
          expect(toHexString(packet.scpKeyId)).toBe(toHexString(keyIdOf(scp.publicKey)));
          const r = openPacket(packet, aad, site.publicKey, keys);
          if (!r.ok) throw new Error(`did not open: ${r.failure}`);
          expect(toHexString(r.record)).toBe(toHexString(rec));
          expect(toHexString(r.digest)).toBe(toHexString(kpiDigest(rec)));
          // Neither the record nor the digest appears in clear in the packet.
          expect(toHexString(packet.encryptedDigest)).not.toContain(toHexString(r.digest));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('every flipped bit of every field, of the AAD, or of the algorithm fails to open', () => {
    const rec = Uint8Array.from({ length: 64 }, (_, i) => i);
    const aad = Uint8Array.from({ length: 24 }, (_, i) => 200 - i);
    const packet = sealKpiRecord(site, rec, aad, target);
    let checked = 0;
    for (const field of fields)
      for (let i = 0; i < packet[field].length; i++) {
        const r = openPacket(flipped(packet, field, i, (i * 3) % 8), aad, site.publicKey, keys);
        expect(r.ok, `${field}[${i}]`).toBe(false);
        checked++;
      }
    for (let i = 0; i < aad.length; i++) {
      const bad = Uint8Array.from(aad);
      bad[i]! ^= 0x80;
      expect(openPacket(packet, bad, site.publicKey, keys)).toEqual({
        ok: false,
        failure: OpenFailure.DecryptFailed,
      });
    }
    const otherAlg =
      target.alg === SealAlgorithm.SessionKey ? SealAlgorithm.EphemeralX25519 : SealAlgorithm.SessionKey;
    expect(openPacket({ ...packet, alg: otherAlg }, aad, site.publicKey, keys).ok).toBe(false);
    expect(openPacket({ ...packet, alg: 9 as SealAlgorithm }, aad, site.publicKey, keys)).toEqual({
      ok: false,
      failure: OpenFailure.Malformed,
    });
    expect(checked).toBeGreaterThan(200);
  });

  it('property: a random single-bit flip anywhere in the ciphertexts is DECRYPT_FAILED', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.nat(),
        fc.boolean(),
        (rec, at, inRecord) => {
          const packet = sealKpiRecord(site, rec, new Uint8Array(0), target);
          const field = inRecord ? 'encryptedRecord' : 'encryptedDigest';
          const bad = flipped(packet, field, at % packet[field].length, at % 8);
          expect(openPacket(bad, new Uint8Array(0), site.publicKey, keys)).toEqual({
            ok: false,
            failure: OpenFailure.DecryptFailed,
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('names the failed check: unknown key, digest mismatch, bad signature', () => {
    const rec = Uint8Array.of(1, 2, 3);
    const aad = Uint8Array.of(9);
    const packet = sealKpiRecord(site, rec, aad, target);
    const none: OpenKeys = { scpKey: () => undefined, session: () => undefined };
    expect(openPacket(packet, aad, site.publicKey, none)).toEqual({
      ok: false,
      failure: OpenFailure.UnknownKey,
    });
    const other = generateEd25519();
    expect(openPacket(packet, aad, other.publicKey, keys)).toEqual({
      ok: false,
      failure: OpenFailure.BadSignature,
    });
    // A site that signs the digest of another record: decrypts, but the digest does not match.
    const wrong = sealPacket({ record: rec, signed: signKpiDigest(site, Uint8Array.of(4)), aad, target });
    expect(openPacket(wrong, aad, site.publicKey, keys)).toEqual({
      ok: false,
      failure: OpenFailure.DigestMismatch,
    });
    // The right digest with a signature over raw bytes (no domain tag) is not a valid digest signature.
    const digest = kpiDigest(rec);
    const raw = sealPacket({ record: rec, signed: { digest, signature: sign(site, digest) }, aad, target });
    expect(openPacket(raw, aad, site.publicKey, keys)).toEqual({
      ok: false,
      failure: OpenFailure.BadSignature,
    });
  });

  it('uses fresh nonces: sealing the same record twice gives different ciphertexts', () => {
    const rec = Uint8Array.of(5, 5, 5);
    const a = sealKpiRecord(site, rec, new Uint8Array(0), target);
    const b = sealKpiRecord(site, rec, new Uint8Array(0), target);
    expect(toHexString(a.nonce)).not.toBe(toHexString(b.nonce));
    expect(toHexString(a.encryptedRecord)).not.toBe(toHexString(b.encryptedRecord));
  });
});

describe('sealing edge cases', () => {
  it('refuses to seal with an expired session key', () => {
    const expired: SealTarget = { alg: SealAlgorithm.SessionKey, session, now: session.expiresAt };
    try {
      sealKpiRecord(site, Uint8Array.of(1), new Uint8Array(0), expired);
      expect.unreachable();
    } catch (e) {
      expect((e as CryptoError).code).toBe(CryptoErrorCode.SessionExpired);
    }
  });

  it('an ephemeral packet with a low-order ephemeral key does not open (no exception)', () => {
    const packet = sealKpiRecord(site, Uint8Array.of(1), new Uint8Array(0), targets[0]![1]);
    const bad = { ...packet, keyRef: new Uint8Array(32) };
    expect(openPacket(bad, new Uint8Array(0), site.publicKey, keys)).toEqual({
      ok: false,
      failure: OpenFailure.DecryptFailed,
    });
  });

  it('a session packet opened with a session of another SCP key is UNKNOWN_KEY', () => {
    const packet = sealKpiRecord(site, Uint8Array.of(1), new Uint8Array(0), targets[1]![1]);
    const foreign: OpenKeys = { ...keys, session: () => ({ ...scpSession, scpKeyId: new Uint8Array(16) }) };
    expect(openPacket(packet, new Uint8Array(0), site.publicKey, foreign)).toEqual({
      ok: false,
      failure: OpenFailure.UnknownKey,
    });
  });

  it('rejects a malformed target key with a typed error', () => {
    const t: SealTarget = { alg: SealAlgorithm.EphemeralX25519, scpPublicKey: new Uint8Array(31) };
    expect(() => sealKpiRecord(site, Uint8Array.of(1), new Uint8Array(0), t)).toThrow(CryptoError);
  });
});
