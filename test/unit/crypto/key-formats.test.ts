import { describe, expect, it } from 'vitest';
import { generateEd25519, sign, verify } from '../../../crypto/ed25519.js';
import { CryptoError } from '../../../crypto/errors.js';
import {
  ed25519Of,
  ed25519Raw,
  fromJwk,
  fromPem,
  toJwk,
  toPem,
  x25519Of,
  x25519Raw,
} from '../../../crypto/key-formats.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { generateX25519 } from '../../../crypto/x25519.js';
import { toHexString } from './helpers.js';

describe('key formats', () => {
  it('Ed25519 private key survives JWK and PEM round trips and still signs', () => {
    const pair = generateEd25519();
    const viaJwk = ed25519Of(fromJwk(JSON.parse(JSON.stringify(toJwk(ed25519Raw(pair))))));
    const viaPem = ed25519Of(fromPem(toPem(ed25519Raw(pair))));
    for (const p of [viaJwk, viaPem]) {
      expect(toHexString(p.publicKey)).toBe(toHexString(pair.publicKey));
      expect(verify(pair.publicKey, Uint8Array.of(7), sign(p, Uint8Array.of(7)))).toBe(true);
    }
    expect(toPem(ed25519Raw(pair))).toContain('BEGIN PRIVATE KEY');
  });

  it('X25519 private key and public-only keys round trip through JWK and PEM', () => {
    const pair = generateX25519();
    expect(toHexString(x25519Of(fromPem(toPem(x25519Raw(pair)))).privateKey)).toBe(
      toHexString(pair.privateKey),
    );
    const pub = { crv: 'X25519' as const, publicKey: pair.publicKey };
    const pem = toPem(pub);
    expect(pem).toContain('BEGIN PUBLIC KEY');
    const back = fromPem(pem);
    expect(back.privateKey).toBeUndefined();
    expect(toHexString(back.publicKey)).toBe(toHexString(pair.publicKey));
    expect(toJwk(pub).d).toBeUndefined();
  });

  it('refuses malformed JWKs and PEMs with a typed error', () => {
    const good = toJwk(ed25519Raw(generateEd25519()));
    const other = toJwk(ed25519Raw(generateEd25519()));
    for (const bad of [
      null,
      { ...good, kty: 'EC' },
      { ...good, crv: 'P-256' },
      { ...good, x: 'AAAA' },
      { ...good, d: `${good.d}A` },
      { ...good, x: other.x },
    ])
      expect(() => fromJwk(bad)).toThrow(CryptoError);
    expect(() => fromPem('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----')).toThrow(
      CryptoError,
    );
    expect(() => x25519Of(ed25519Raw(generateEd25519()))).toThrow(CryptoError);
  });

  it('keyIdOf is 16 bytes, stable, and differs between keys', () => {
    const a = generateEd25519().publicKey;
    const b = generateEd25519().publicKey;
    expect(keyIdOf(a)).toHaveLength(16);
    expect(toHexString(keyIdOf(a))).toBe(toHexString(keyIdOf(Uint8Array.from(a))));
    expect(toHexString(keyIdOf(a))).not.toBe(toHexString(keyIdOf(b)));
  });
});
