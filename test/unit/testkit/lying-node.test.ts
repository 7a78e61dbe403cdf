// The test kit's lying node (testkit/lying-node.ts): over an honest NodeApi whose answers verify,
// each named lie yields answers the client-side checks refuse, everything else is passed through
// untouched, and the switch in `bkdms node start` takes the lies only with --testkit.
import { describe, expect, it } from 'vitest';
import { ApiError, ApiErrorCode } from '../../../api/errors.js';
import type { NodeApi } from '../../../api/handlers.js';
import { verifyBlockHashAnswer, verifyConsistencyAnswer } from '../../../api/hash-log-verify.js';
import { scpKeysOf } from '../../../api/state-values.js';
import { ReceiptState, type StateProofBytes } from '../../../api/types.js';
import type { TrustAnchor } from '../../../api/verify.js';
import { verifyCertifiedBlock } from '../../../api/verify.js';
import { verifyCertifiedHeader, verifyStateAnswer } from '../../../api/verify-state.js';
import { testkitSwitch } from '../../../cli/testkit-switch.js';
import { encodeBlockHeader } from '../../../codec/block.js';
import { encodeCommitCertificate } from '../../../codec/certificate.js';
import { encodeStateProof } from '../../../codec/state-proof.js';
import { toHex } from '../../../crypto/bytes.js';
import { MerkleTree } from '../../../crypto/merkle.js';
import { encodeConsistencyProof, encodeInclusionProof } from '../../../crypto/merkle-proof-codec.js';
import { StateRootTree } from '../../../ledger/state-root.js';
import { NodeError, NodeErrorCode } from '../../../node/errors.js';
import { LIE_FROM_HEIGHT, type Lie, lyingNodeApi, parseLies } from '../../../testkit/lying-node.js';
import { certifiedBlock, headerBytesOf, linkedChain, testChain } from '../store/fixtures.js';

const enc = new TextEncoder();
const chain = testChain();
const trust: TrustAnchor = {
  chainId: chain.genesis.chainId,
  validators: chain.validators.map((v) => v.publicKey),
};
const scpPub = new Uint8Array(32).fill(7);
const forged = new Uint8Array(32).fill(9);
const SCP_KEY = 'scp/000102030405060708090a0b0c0d0e0f';
const SITE = 'site/00000000000000000000000000000001';
const SEQ = 'seq/00000000000000000000000000000001';

const state = new Map<string, Uint8Array>([
  [
    SCP_KEY,
    enc.encode(JSON.stringify({ notAfter: 2, notBefore: 1, publicKey: toHex(scpPub), retired: false })),
  ],
  [SITE, enc.encode('{"status":1}')],
]);
const tree = new StateRootTree();
for (const [k, v] of state) tree.set(k, v);
/** A key's entry, or a group's entries. */
const entriesOf = (key: string) =>
  [...state]
    .filter(([k]) => (key.endsWith('/') ? k.startsWith(key) : k === key))
    .map(([k, value]) => ({ key: k, value }));
const stateBlock = certifiedBlock(chain, 5, [], { stateRoot: tree.root() });
const proofOf = (keys: string[]): StateProofBytes => ({
  header: encodeBlockHeader(stateBlock.decoded.block.header),
  certificate: encodeCommitCertificate(stateBlock.decoded.certificate),
  buckets: keys.map((k) => encodeStateProof(tree.proof(k))),
});
const { blocks } = linkedChain(chain, 3);
const log = new MerkleTree([1, 2, 3, 4, 5].map((i) => new Uint8Array(32).fill(i)));

/** An honest node: every answer below verifies against `trust`. */
const honestParts: Partial<NodeApi> = {
  getScpKeys: async (prove) => ({
    keys: scpKeysOf(entriesOf('scp/')),
    height: 4,
    proof: prove ? proofOf(['scp/']) : null,
  }),
  getState: async (key, prove) => ({
    entries: entriesOf(key),
    height: 4,
    proof: prove ? proofOf([key]) : null,
  }),
  getSite: async (_id, prove) => ({ proof: prove ? proofOf([SITE, SEQ]) : null }) as never,
  getReceipt: async () => {
    throw new NodeError(NodeErrorCode.NotFound, 'tracing code not committed');
  },
  getStatus: async () => ({ height: 3, chainId: chain.genesis.chainId }) as never,
  getHeaders: async () => ({ headers: blocks.map(headerBytesOf), nextHeight: 0, tip: 3 }),
  getBlock: async (h) => blocks[h - 1]!.bytes,
  async *subscribeBlocks() {
    for (const b of blocks) yield { height: b.decoded.block.header.height, certifiedBlock: b.bytes };
  },
  trace: async () => {
    const h = headerBytesOf(blocks[2]!);
    return {
      envelope: new Uint8Array(0),
      header: h.header,
      leafIndex: 0,
      proof: [],
      certificate: h.certificate,
      height: 3,
    };
  },
  getConsistencyProof: async (a, b) => encodeConsistencyProof(log.consistencyProof(a, b)),
  getBlockHashProof: async (h, at) => encodeInclusionProof(log.inclusionProof(h, at)),
};
const honest = honestParts as NodeApi;

const liar = (...lies: Lie[]): NodeApi => lyingNodeApi(honest, { lies: new Set(lies), forgedScpKey: forged });

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof ApiError && err.code === ApiErrorCode.VerificationFailed)
      return String(err.meta.check);
    throw err;
  }
  return 'accepted';
}

describe('lyingNodeApi', () => {
  it('honest answers verify (the baseline every lie is refused against)', async () => {
    expect(verifyStateAnswer((await honest.getScpKeys(true)).proof, ['scp/'], trust).entries[0]).toHaveLength(
      1,
    );
    expect(verifyCertifiedBlock(await honest.getBlock(3), 3, trust).certified.block.header.height).toBe(3);
    const c = await honest.getConsistencyProof(2, 5);
    expect(
      verifyConsistencyAnswer(
        c,
        { height: 2, hashLogRoot: log.root(2) },
        { height: 5, hashLogRoot: log.root(5) },
      ).path.length,
    ).toBeGreaterThan(0);
  });

  it('scp-key: the forged key plainly, and a proof of it that does not lead to the state root', async () => {
    const api = liar('scp-key');
    const plain = await api.getScpKeys(false);
    expect(plain.keys.map((k) => toHex(k.publicKey))).toEqual([toHex(forged)]);
    const proven = await api.getScpKeys(true);
    expect(refusal(() => verifyStateAnswer(proven.proof, ['scp/'], trust))).toBe('ROOT_MISMATCH');
    const state = await api.getState('scp/', true);
    expect(new TextDecoder().decode(state.entries[0]!.value)).toContain(toHex(forged));
    expect(refusal(() => verifyStateAnswer(state.proof, ['scp/'], trust))).toBe('ROOT_MISMATCH');
  });

  it('scp-key-unproven: a proven request answered with the forged key and no proof', async () => {
    const proven = await liar('scp-key-unproven').getScpKeys(true);
    expect(toHex(proven.keys[0]!.publicKey)).toBe(toHex(forged));
    expect(refusal(() => verifyStateAnswer(proven.proof, ['scp/'], trust))).toBe('NO_PROOF');
  });

  it('state-proof: honest entries, a bucket proof that does not verify, for every proven read', async () => {
    const api = liar('state-proof');
    const s = await api.getState(SITE, true);
    expect(s.entries).toEqual((await honest.getState(SITE, true)).entries);
    expect(refusal(() => verifyStateAnswer(s.proof, [SITE], trust))).toBe('ROOT_MISMATCH');
    const site = await api.getSite(new Uint8Array(16), true);
    expect(refusal(() => verifyStateAnswer(site.proof, [SITE, SEQ], trust))).toBe('ROOT_MISMATCH');
    const keys = await api.getScpKeys(true);
    expect(refusal(() => verifyStateAnswer(keys.proof, ['scp/'], trust))).toBe('ROOT_MISMATCH');
    expect((await api.getState(SITE, false)).proof).toBeNull();
  });

  it('receipt: "committed" for a tracing code the node never saw', async () => {
    await expect(honest.getReceipt(new Uint8Array(32))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const r = await liar('receipt').getReceipt(new Uint8Array(32).fill(1));
    expect(r.state).toBe(ReceiptState.Committed);
    expect(r.height).toBe(3);
  });

  it('header-cert: certificates from LIE_FROM_HEIGHT on, every block and every trace do not verify', async () => {
    const api = liar('header-cert');
    const page = await api.getHeaders({ fromHeight: 1, toHeight: 3, maxCount: 0 });
    const checks = page.headers.map((h) =>
      refusal(() => verifyCertifiedHeader(h.header, h.certificate, trust)),
    );
    expect(checks[LIE_FROM_HEIGHT - 2]).toBe('accepted');
    expect(checks.slice(LIE_FROM_HEIGHT - 1).every((c) => c !== 'accepted')).toBe(true);
    expect(refusal(() => verifyCertifiedBlock(blocks[0]!.bytes, 1, trust))).toBe('accepted');
    const block = await api.getBlock(3);
    expect(refusal(() => verifyCertifiedBlock(block, 3, trust))).not.toBe('accepted');
    const streamed: string[] = [];
    for await (const e of api.subscribeBlocks(1, new AbortController().signal))
      streamed.push(refusal(() => verifyCertifiedBlock(e.certifiedBlock, e.height, trust)));
    expect(streamed[0]).toBe('accepted');
    expect(streamed.slice(1).every((c) => c !== 'accepted')).toBe(true);
    const t = await api.trace(new Uint8Array(32));
    expect(refusal(() => verifyCertifiedHeader(t.header, t.certificate, trust))).not.toBe('accepted');
  });

  it('hash-log: consistency and inclusion proofs of a forked log', async () => {
    const api = liar('hash-log');
    const head = (n: number) => ({ height: n, hashLogRoot: log.root(n) });
    const c = await api.getConsistencyProof(2, 5);
    expect(refusal(() => verifyConsistencyAnswer(c, head(2), head(5)))).toBe('INCONSISTENT');
    const same = await api.getConsistencyProof(4, 4);
    expect(refusal(() => verifyConsistencyAnswer(same, head(4), head(4)))).toBe('INCONSISTENT');
    const i = await api.getBlockHashProof(1, 5);
    expect(refusal(() => verifyBlockHashAnswer(i, 1, new Uint8Array(32).fill(2), head(5)))).toBe(
      'NOT_INCLUDED',
    );
    const real = await honest.getBlockHashProof(1, 5);
    expect(refusal(() => verifyBlockHashAnswer(real, 1, new Uint8Array(32).fill(2), head(5)))).toBe(
      'accepted',
    );
  });

  it('passes every method it does not lie about through untouched', async () => {
    const api = liar('receipt');
    expect(await api.getBlock(3)).toBe(blocks[2]!.bytes);
    expect(await api.getStatus()).toEqual(await honest.getStatus());
    const keys = await api.getScpKeys(true);
    expect(verifyStateAnswer(keys.proof, ['scp/'], trust).entries[0]).toHaveLength(1);
  });
});

describe('the test-kit switch', () => {
  it('parses known lies and refuses unknown ones', () => {
    expect([...parseLies('scp-key, receipt')]).toEqual(['scp-key', 'receipt']);
    expect(() => parseLies('scp-key,typo')).toThrow(/unknown lie "typo"/);
    expect(() => parseLies(' , ')).toThrow(/names no lie/);
  });

  it('takes the lies only with --testkit; either alone refuses to start', () => {
    expect(testkitSwitch(false, {})).toBeUndefined();
    expect(() => testkitSwitch(false, { BKDMS_TESTKIT_LIE: 'receipt' })).toThrow(/--testkit is not/);
    expect(() => testkitSwitch(true, {})).toThrow(/needs BKDMS_TESTKIT_LIE/);
    expect(testkitSwitch(true, { BKDMS_TESTKIT_LIE: 'receipt,hash-log' })?.lies).toEqual([
      'receipt',
      'hash-log',
    ]);
  });
});
