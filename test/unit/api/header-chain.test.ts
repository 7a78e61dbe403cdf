import { describe, expect, it } from 'vitest';
import { genesisValidators, HeaderChainVerifier } from '../../../api/header-chain.js';
import type { CertifiedHeaderBytes } from '../../../api/types.js';
import { toHex } from '../../../crypto/bytes.js';
import { headerBytesOf, linkedChain, testChain } from '../store/fixtures.js';

const chain = testChain();
const keys = chain.validators.map((v) => v.publicKey);
const verifier = () =>
  new HeaderChainVerifier({
    chainId: chain.genesis.chainId,
    validators: genesisValidators(keys),
    genesisTime: chain.genesis.genesisTime,
  });

/** Walks the headers; the first failure, or null when every header verified. */
function walk(headers: CertifiedHeaderBytes[]): { height: number; check: string } | null {
  const v = verifier();
  for (const h of headers) {
    const r = v.push(h);
    if (!r.ok) return { height: r.failure.height, check: r.failure.check };
  }
  return null;
}

const N = 12;
const honest = linkedChain(chain, N);
const headers = honest.blocks.map(headerBytesOf);

describe('header chain verifier', () => {
  it('accepts the honest chain and ends with the log the node would hold', () => {
    const v = verifier();
    for (const h of headers) expect(v.push(h).ok).toBe(true);
    expect(v.height).toBe(N);
    expect(toHex(v.logRoot())).toBe(toHex(honest.roots[N]!));
  });

  it('catches a forked block-hash log root under a valid certificate', () => {
    const forked = linkedChain(chain, N, (h) => (h === 7 ? { hashLogRoot: honest.roots[5] } : {}));
    expect(walk(forked.blocks.map(headerBytesOf))).toEqual({ height: 7, check: 'HASH_LOG_ROOT' });
  });

  it('catches a certificate without a quorum, and a forged signature', () => {
    const few = linkedChain(chain, N, (h) => (h === 4 ? { signers: chain.validators.slice(0, 2) } : {}));
    expect(walk(few.blocks.map(headerBytesOf))).toEqual({ height: 4, check: 'NO_QUORUM' });
    const forged = headers.map((h) => ({ ...h, certificate: Uint8Array.from(h.certificate) }));
    forged[8]!.certificate[forged[8]!.certificate.length - 1]! ^= 1;
    expect(walk(forged)).toEqual({ height: 9, check: 'BAD_SIGNATURE' });
  });

  it('catches a broken parent link, a gap, another chain and time going back', () => {
    const broken = linkedChain(chain, N, (h) => (h === 5 ? { parentHash: new Uint8Array(32).fill(1) } : {}));
    expect(walk(broken.blocks.map(headerBytesOf))).toEqual({ height: 5, check: 'PARENT_MISMATCH' });
    expect(walk([headers[0]!, headers[2]!])).toEqual({ height: 3, check: 'WRONG_HEIGHT' });
    const other = testChain({ validators: 4, sites: 1, threshold: 1, admins: 1 });
    expect(walk(linkedChain(other, 1).blocks.map(headerBytesOf))).toEqual({
      height: 1,
      check: 'WRONG_CHAIN',
    });
    const late = linkedChain(chain, N, (h) => (h === 3 ? { time: chain.genesis.genesisTime + 1 } : {}));
    expect(walk(late.blocks.map(headerBytesOf))).toEqual({ height: 3, check: 'TIME_NOT_AFTER_PARENT' });
  });

  it('refuses a header certified by a validator set other than the one in force', () => {
    const fewer = testChain({ validators: 3 });
    const v = new HeaderChainVerifier({
      chainId: chain.genesis.chainId,
      validators: genesisValidators(fewer.validators.map((k) => k.publicKey)),
    });
    const r = v.push(headers[0]!);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.failure.check).toBe('WRONG_VALIDATOR_SET');
  });

  it('stops at the first failure: later headers are refused with it', () => {
    const v = verifier();
    expect(v.push(headers[1]!).ok).toBe(false);
    const again = v.push(headers[0]!);
    expect(again.ok ? 0 : again.failure.height).toBe(2);
  });
});
