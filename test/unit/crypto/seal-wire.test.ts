// Tamper detection on the wire: seal, encode with codec's sealed-packet encoder, flip one bit at
// every byte position of the encoding, decode (a CodecError also counts as refusal) and open.
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../../codec/errors.js';
import { decodeSealedPacket, encodeSealedPacket } from '../../../codec/sealed-packet.js';
import { SealAlgorithm } from '../../../codec/types.js';
import { generateEd25519 } from '../../../crypto/ed25519.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { type OpenKeys, openPacket } from '../../../crypto/open.js';
import { type SealTarget, sealKpiRecord } from '../../../crypto/seal.js';
import { acceptSession, createSession } from '../../../crypto/session-key.js';
import { generateX25519 } from '../../../crypto/x25519.js';
import { toHexString } from './helpers.js';

const NOW = 1_760_000_000_000;
const site = generateEd25519();
const scp = generateX25519();
const { offer, session } = createSession(generateX25519(), scp.publicKey, NOW, 600_000);
const scpSession = acceptSession(scp, offer, NOW);
const keys: OpenKeys = {
  scpKey: (id) => (toHexString(id) === toHexString(keyIdOf(scp.publicKey)) ? scp : undefined),
  session: (id) => (toHexString(id) === toHexString(scpSession.id) ? scpSession : undefined),
};

function opens(bytes: Uint8Array, aad: Uint8Array): boolean {
  try {
    return openPacket(decodeSealedPacket(bytes), aad, site.publicKey, keys).ok;
  } catch (e) {
    if (e instanceof CodecError) return false;
    throw e;
  }
}

describe.each<[string, SealTarget]>([
  ['ephemeral', { alg: SealAlgorithm.EphemeralX25519, scpPublicKey: scp.publicKey }],
  ['session', { alg: SealAlgorithm.SessionKey, session, now: NOW }],
])('encoded sealed packet, %s mode', (_name, target) => {
  it('opens intact, and no single flipped bit at any byte of the encoding opens', () => {
    const record = Uint8Array.from({ length: 90 }, (_, i) => (i * 13) & 255);
    const aad = Uint8Array.from({ length: 40 }, (_, i) => i);
    const wire = encodeSealedPacket(sealKpiRecord(site, record, aad, target));
    expect(opens(wire, aad)).toBe(true);
    for (let i = 0; i < wire.length; i++)
      for (const bit of [0, 7]) {
        const bad = Uint8Array.from(wire);
        bad[i]! ^= 1 << bit;
        expect(opens(bad, aad), `byte ${i} bit ${bit}`).toBe(false);
      }
  });
});
