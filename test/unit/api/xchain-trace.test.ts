// The cross-chain trace bundle: its file form and the offline check, on a bundle saved from a
// real run of `bkdms demo xchain` (test/fixtures/xchain-trace: the bundle and both genesis files).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../api/errors.js';
import {
  decodeXchainTraceFile,
  encodeXchainTraceFile,
  isXchainTraceFile,
  type XchainTraceBundle,
} from '../../../api/xchain-trace-file.js';
import { verifyXchainTrace } from '../../../api/xchain-trace-verify.js';
import { loadTrustAnchor } from '../../../cli/trust-anchor.js';
import { checkXchainBundle } from '../../../cli/xchain-trace-report.js';

const dir = join(import.meta.dirname, '../../fixtures/xchain-trace');
const bytes = new Uint8Array(readFileSync(join(dir, 'trace.bin')));
const anchorA = loadTrustAnchor({ genesis: join(dir, 'genesis-a.json') })!;
const anchorB = loadTrustAnchor({ genesis: join(dir, 'genesis-b.json') })!;
const FACT = Buffer.from('9925504e83fae66078d956cb9c2d581ad43552e90a2c88d80bb845ac7f9b5fc1', 'hex');

function checkOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof ApiError) return String(err.meta.check ?? err.meta.field ?? err.code);
    throw err;
  }
  return 'passed';
}

const verify = (b: XchainTraceBundle, expected: Uint8Array | undefined = FACT) =>
  verifyXchainTrace(b, expected, anchorB, anchorA.chainId);

describe('cross-chain trace bundle', () => {
  it('verifies both chains: B commit and certificate, the fact, the consensus state, A inclusion', () => {
    const r = checkXchainBundle(decodeXchainTraceFile(bytes), FACT, anchorB, anchorA);
    expect(r).toMatchObject({
      verified: true,
      clientId: 1,
      remote: {
        tracingCode: FACT.toString('hex'),
        height: 2,
        logPathLength: 1,
        chainId: Buffer.from(anchorA.chainId).toString('hex'),
      },
      anchor: { height: 3 },
      local: {
        height: 3,
        chainId: Buffer.from(anchorB.chainId).toString('hex'),
        certificate: { signatures: 3, validators: 4 },
      },
    });
  });

  it('has one file form: decode then encode gives the same bytes; the magic tells it apart', () => {
    expect(Buffer.from(encodeXchainTraceFile(decodeXchainTraceFile(bytes)))).toEqual(Buffer.from(bytes));
    expect(isXchainTraceFile(bytes)).toBe(true);
    expect(isXchainTraceFile(new TextEncoder().encode('BKDMS/v1/trace-bundle\0'))).toBe(false);
  });

  it('refuses malformed files, naming the part', () => {
    expect(checkOf(() => decodeXchainTraceFile(bytes.subarray(0, bytes.length - 1)))).toBe(
      'consensus.bucket',
    );
    expect(checkOf(() => decodeXchainTraceFile(Uint8Array.of(...bytes, 0)))).toBe('end');
    const v2 = bytes.slice();
    v2[22] = 2;
    expect(checkOf(() => decodeXchainTraceFile(v2))).toBe('version');
    expect(checkOf(() => decodeXchainTraceFile(bytes.subarray(0, 10)))).toBe('magic');
  });

  it('refuses the wrong anchors, another fact and evidence of other keys', () => {
    const b = decodeXchainTraceFile(bytes);
    expect(checkOf(() => verify(b))).toBe('passed');
    expect(checkOf(() => verifyXchainTrace(b, FACT, anchorA, anchorA.chainId))).toBe('WRONG_CHAIN');
    expect(checkOf(() => verifyXchainTrace(b, FACT, anchorB, anchorB.chainId))).toBe('WRONG_REMOTE_CHAIN');
    expect(checkOf(() => verify(b, new Uint8Array(32)))).toBe('OTHER_FACT');
    expect(checkOf(() => verify({ ...b, clientId: 2 }))).toBe('OTHER_CLIENT');
    // The consensus state's proof offered as the fact's (and the reverse): another bucket.
    expect(checkOf(() => verify({ ...b, fact: b.consensus }))).toBe('WRONG_BUCKET');
    expect(checkOf(() => verify({ ...b, consensus: b.fact }))).toBe('WRONG_BUCKET');
    const bucket = b.consensus.bucket.slice();
    bucket[bucket.length - 1]! ^= 1;
    expect(checkOf(() => verify({ ...b, consensus: { ...b.consensus, bucket } }))).toBe('ROOT_MISMATCH');
  });

  it('says NOT VERIFIED without an anchor for either chain', () => {
    const b = decodeXchainTraceFile(bytes);
    expect(checkXchainBundle(b, FACT, anchorB, undefined)).toMatchObject({
      verified: false,
      reason: 'NO_REMOTE_TRUST_ANCHOR',
    });
    expect(checkXchainBundle(b, FACT, undefined, anchorA)).toMatchObject({
      verified: false,
      reason: 'NO_TRUST_ANCHOR',
    });
  });
});
