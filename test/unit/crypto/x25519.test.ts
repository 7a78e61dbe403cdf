import { createPrivateKey, createPublicKey, diffieHellman } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../../crypto/bytes.js';
import { CryptoError, CryptoErrorCode } from '../../../crypto/errors.js';
import { generateX25519, x25519, x25519FromPrivate } from '../../../crypto/x25519.js';
import { hex, toHexString } from './helpers.js';

function nodeShared(privateKey: Uint8Array, publicKey: Uint8Array, ownPublic: Uint8Array): string {
  const priv = createPrivateKey({
    key: { kty: 'OKP', crv: 'X25519', d: toBase64Url(privateKey), x: toBase64Url(ownPublic) },
    format: 'jwk',
  });
  const pub = createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: toBase64Url(publicKey) },
    format: 'jwk',
  });
  return diffieHellman({ privateKey: priv, publicKey: pub }).toString('hex');
}

describe('X25519 (RFC 7748)', () => {
  it('section 5.2: scalar multiplication vector', () => {
    const out = x25519(
      hex('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4'),
      hex('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c'),
    );
    expect(toHexString(out)).toBe('c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552');
  });

  it('section 5.2: second vector (the top bit of u is masked)', () => {
    const out = x25519(
      hex('4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d'),
      hex('e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493'),
    );
    expect(toHexString(out)).toBe('95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957');
  });

  it('section 5.2: k = u = 9 iterated, after 1 and 1,000 iterations', () => {
    let k: Uint8Array = hex('0900000000000000000000000000000000000000000000000000000000000000');
    let u: Uint8Array = k;
    const after: Record<number, string> = {};
    for (let i = 1; i <= 1000; i++) {
      const next = x25519(k, u);
      u = k;
      k = next;
      if (i === 1 || i === 1000) after[i] = toHexString(k);
    }
    expect(after[1]).toBe('422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079');
    expect(after[1000]).toBe('684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51');
  });

  it('section 6.1: Alice and Bob derive the listed public keys and shared secret', () => {
    const alice = x25519FromPrivate(hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'));
    const bob = x25519FromPrivate(hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'));
    expect(toHexString(alice.publicKey)).toBe(
      '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
    );
    expect(toHexString(bob.publicKey)).toBe(
      'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
    );
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    expect(toHexString(x25519(alice.privateKey, bob.publicKey))).toBe(shared);
    expect(toHexString(x25519(bob.privateKey, alice.publicKey))).toBe(shared);
  });

  it('agrees with node:crypto on random key pairs', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (a, b) => {
          const A = x25519FromPrivate(a);
          const B = x25519FromPrivate(b);
          expect(nodeShared(a, B.publicKey, A.publicKey)).toBe(toHexString(x25519(a, B.publicKey)));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('an all-zero shared secret (low-order point) is a WeakKey error', () => {
    const pair = generateX25519();
    const err = (() => {
      try {
        x25519(pair.privateKey, new Uint8Array(32));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(CryptoError);
    expect((err as CryptoError).code).toBe(CryptoErrorCode.WeakKey);
  });

  // Node 20.20 hangs when generateKeyPairSync('x25519') + JWK export runs in a loop; our ephemeral
  // keys never take that path. This runs the real ephemeral-key path many times to prove it.
  it('5,000 ephemeral key pairs and agreements complete and are distinct', () => {
    const peer = generateX25519();
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const eph = generateX25519();
      const s1 = x25519(eph.privateKey, peer.publicKey);
      const s2 = x25519(peer.privateKey, eph.publicKey);
      if (toHexString(s1) !== toHexString(s2)) throw new Error(`disagreement at ${i}`);
      seen.add(toHexString(eph.publicKey));
    }
    expect(seen.size).toBe(5000);
  });
});
