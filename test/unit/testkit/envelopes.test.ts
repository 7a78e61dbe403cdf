import { describe, expect, it } from 'vitest';
import { decodeEnvelope } from '../../../codec/envelope.js';
import { envelopeSignature, envelopeSignedRegion } from '../../../codec/envelope-view.js';
import { ed25519FromSeed, verify } from '../../../crypto/ed25519.js';
import { tracingCode } from '../../../crypto/hash.js';
import { generateX25519 } from '../../../crypto/x25519.js';
import { siteLoad, syntheticSite, syntheticSites } from '../../../testkit/envelopes.js';

const chainId = new Uint8Array(32).fill(7);
const scp = generateX25519();

describe('siteLoad', () => {
  const [site] = syntheticSites(1);
  const load = siteLoad(site!, chainId, scp.publicKey, 41, 20, 1_700_000_000_000);

  it('makes consecutive sequence numbers with their own valid site signature', () => {
    expect(load).toHaveLength(20);
    load.forEach((bytes, k) => {
      const env = decodeEnvelope(bytes);
      expect(env.seq).toBe(41 + k);
      expect(env.time).toBe(1_700_000_000_000 + k);
      expect(Buffer.from(env.chainId).equals(Buffer.from(chainId))).toBe(true);
      expect(verify(site!.key.publicKey, envelopeSignedRegion(bytes), envelopeSignature(bytes))).toBe(true);
    });
  });

  it('gives every envelope its own tracing code', () => {
    const codes = new Set(load.map((b) => Buffer.from(tracingCode(b)).toString('hex')));
    expect(codes.size).toBe(load.length);
  });

  it('makes nothing for a count of zero', () => {
    expect(siteLoad(site!, chainId, scp.publicKey, 1, 0, 0)).toEqual([]);
  });
});

describe('syntheticSite', () => {
  it('derives the address from the index and keeps the key', () => {
    const key = ed25519FromSeed(new Uint8Array(32).fill(1));
    const s = syntheticSite(251, key);
    expect(s.address).toBe('10.0.2.2');
    expect([...s.siteId.slice(10)]).toEqual([0xff, 0xff, 10, 0, 2, 2]);
    expect(s.key).toBe(key);
  });
});
