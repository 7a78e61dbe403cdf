import { createHash } from 'node:crypto';
import * as noble from '@noble/ed25519';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ed25519FromSeed, generateEd25519, sign, verify } from '../../../crypto/ed25519.js';
import { signNode, verifyNode } from '../../../crypto/ed25519-node.js';
import { CryptoError } from '../../../crypto/errors.js';
import { hex, seededRandom, toHexString } from './helpers.js';

noble.hashes.sha512 = (m: Uint8Array) => new Uint8Array(createHash('sha512').update(m).digest());

// RFC 8032 section 7.1, TEST 1-3.
const rfc8032 = [
  {
    secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    public: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    secret: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    public: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
];

describe('Ed25519 (RFC 8032 section 7.1 vectors)', () => {
  for (const [i, v] of rfc8032.entries()) {
    it(`TEST ${i + 1}: public key, signature and verification match on libsodium and node:crypto`, () => {
      const pair = ed25519FromSeed(hex(v.secret));
      expect(toHexString(pair.publicKey)).toBe(v.public);
      expect(toHexString(sign(pair, hex(v.message)))).toBe(v.signature);
      expect(toHexString(signNode(pair, hex(v.message)))).toBe(v.signature);
      expect(verify(pair.publicKey, hex(v.message), hex(v.signature))).toBe(true);
      expect(verifyNode(pair.publicKey, hex(v.message), hex(v.signature))).toBe(true);
    });
  }
});

describe('Ed25519 differential: libsodium / node:crypto / @noble/ed25519', () => {
  const message = fc.uint8Array({ minLength: 0, maxLength: 300 });
  const seed = fc.uint8Array({ minLength: 32, maxLength: 32 });

  it('libsodium signatures verify under noble and node:crypto, and are identical to theirs', () => {
    fc.assert(
      fc.property(seed, message, (s, m) => {
        const pair = ed25519FromSeed(s);
        const sig = sign(pair, m);
        expect(noble.verify(sig, m, pair.publicKey)).toBe(true);
        expect(verifyNode(pair.publicKey, m, sig)).toBe(true);
        // Ed25519 is deterministic: all three must produce the same bytes.
        expect(toHexString(noble.sign(m, s))).toBe(toHexString(sig));
        expect(toHexString(signNode(pair, m))).toBe(toHexString(sig));
      }),
      { numRuns: 60 },
    );
  });

  it('noble and node:crypto signatures verify under libsodium', () => {
    fc.assert(
      fc.property(seed, message, (s, m) => {
        const pair = ed25519FromSeed(s);
        expect(toHexString(noble.getPublicKey(s))).toBe(toHexString(pair.publicKey));
        expect(verify(pair.publicKey, m, noble.sign(m, s))).toBe(true);
        expect(verify(pair.publicKey, m, signNode(pair, m))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('a flipped bit in message, signature or key fails on every implementation', () => {
    fc.assert(
      fc.property(seed, fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), (s, m, pick) => {
        const pair = ed25519FromSeed(s);
        const sig = sign(pair, m);
        const parts = [m, sig, pair.publicKey];
        const which = pick % 3;
        const copy = Uint8Array.from(parts[which]!);
        const bit = pick % (copy.length * 8);
        copy[bit >> 3]! ^= 1 << (bit & 7);
        const [mm, ss, pk] = parts.map((p, i) => (i === which ? copy : p)) as [
          Uint8Array,
          Uint8Array,
          Uint8Array,
        ];
        expect(verify(pk, mm, ss)).toBe(false);
        expect(verifyNode(pk, mm, ss)).toBe(false);
        let nobleOk = false;
        try {
          nobleOk = noble.verify(ss, mm, pk);
        } catch {
          nobleOk = false;
        }
        expect(nobleOk).toBe(false);
      }),
      { numRuns: 80 },
    );
  });
});

describe('Ed25519 key handling', () => {
  it('generation from an injected random source is deterministic', () => {
    const a = generateEd25519(seededRandom('k'));
    const b = generateEd25519(seededRandom('k'));
    expect(toHexString(a.publicKey)).toBe(toHexString(b.publicKey));
    expect(toHexString(generateEd25519().publicKey)).not.toBe(toHexString(a.publicKey));
  });

  it('verify returns false (no throw) for keys and signatures of the wrong size', () => {
    const pair = generateEd25519();
    const sig = sign(pair, Uint8Array.of(1));
    expect(verify(pair.publicKey.subarray(0, 31), Uint8Array.of(1), sig)).toBe(false);
    expect(verify(pair.publicKey, Uint8Array.of(1), sig.subarray(0, 63))).toBe(false);
    expect(verifyNode(pair.publicKey, Uint8Array.of(1), sig.subarray(0, 63))).toBe(false);
  });

  it('signs and verifies views into larger buffers (zero-copy envelope regions)', () => {
    const pair = generateEd25519();
    const big = Uint8Array.from({ length: 500 }, (_, i) => (i * 7) & 255);
    const message = big.subarray(17, 317);
    const packed = new Uint8Array(200);
    packed.set(pair.publicKey, 5);
    packed.set(sign(pair, message), 60);
    expect(verify(packed.subarray(5, 37), message, packed.subarray(60, 124))).toBe(true);
    expect(verify(packed.subarray(5, 37), big.subarray(18, 318), packed.subarray(60, 124))).toBe(false);
    expect(verifyNode(packed.subarray(5, 37), message, packed.subarray(60, 124))).toBe(true);
  });

  it('verifies messages of every length around the off-heap scratch size, alternating keys', () => {
    // Key, signature and short messages are copied into reused scratch: a call must see only its
    // own arguments, never bytes a previous (longer, or other key's) call left there.
    const pairs = [generateEd25519(), generateEd25519()];
    for (let n = 0; n <= 70; n++) {
      const m = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 255);
      const [a, b] = n % 2 === 0 ? pairs : [pairs[1]!, pairs[0]!];
      const sig = sign(a!, m);
      expect(verify(a!.publicKey, m, sig)).toBe(true);
      expect(verify(b!.publicKey, m, sig)).toBe(false);
      if (n > 0) expect(verify(a!.publicKey, m.subarray(0, n - 1), sig)).toBe(false);
      const longer = new Uint8Array(n + 1);
      longer.set(m);
      expect(verify(a!.publicKey, longer, sig)).toBe(false);
      expect(verify(a!.publicKey, m, sig)).toBe(true);
    }
  });

  it('verify leaves its arguments unchanged', () => {
    const pair = generateEd25519();
    const m = Uint8Array.of(1, 2, 3);
    const sig = sign(pair, m);
    const copies = [pair.publicKey, m, sig].map((x) => Uint8Array.from(x));
    expect(verify(pair.publicKey, m, sig)).toBe(true);
    expect([pair.publicKey, m, sig]).toEqual(copies);
  });

  it('a seed of the wrong size is a typed error', () => {
    expect(() => ed25519FromSeed(new Uint8Array(31))).toThrow(CryptoError);
  });
});
