import { describe, expect, it } from 'vitest';
import { envelopeSeq } from '../../../codec/envelope-view.js';
import type { Block } from '../../../codec/types.js';
import { toHex } from '../../../crypto/bytes.js';
import { tracingCode } from '../../../crypto/hash.js';
import { LogFrontier } from '../../../crypto/hash-log.js';
import {
  type BlockContext,
  buildBlock,
  orderBySigner,
  transferredBlockProblem,
  validateBlock,
} from '../../../node/block-rules.js';
import { Harness } from '../ledger/helpers.js';
import { upload } from '../store/fixtures.js';

function setup() {
  const h = new Harness();
  const t = h.chain.genesis.genesisTime;
  const ctx: BlockContext = {
    chainId: h.id,
    contracts: h.contracts,
    parent: () => null,
    hashLog: () => ({ size: 0, root: new Uint8Array(32) }),
    genesisTime: t,
    now: () => t + 5_000,
    isVerified: () => false,
  };
  const [a, b] = h.chain.sites as [(typeof h.chain.sites)[0], (typeof h.chain.sites)[0]];
  return { h, ctx, t, a, b };
}

const proposal = (envelopes: Uint8Array[], parentHash: Uint8Array) => ({
  height: 1,
  view: 0,
  parentHash,
  proposer: 0,
  envelopes,
});

describe('block rules', () => {
  it("orders each signer's envelopes by sequence number, signers by first appearance", () => {
    const { h, t, a, b } = setup();
    const e = (s: typeof a, seq: number) => upload(h.id, s, seq, t + seq);
    const out = orderBySigner([e(a, 3), e(b, 2), e(a, 1), e(b, 1), e(a, 2)]);
    expect(out.map((x) => envelopeSeq(x))).toEqual([1, 2, 3, 1, 2]);
  });

  it('accepts the block the primary builds, and refuses each tampered header field', () => {
    const { h, ctx, t, a } = setup();
    const block = buildBlock(ctx, proposal([upload(h.id, a, 1, t + 1), upload(h.id, a, 2, t + 2)], h.id));
    expect(validateBlock(ctx, block)).toBeNull();
    const bad = (patch: Partial<Block['header']>): string | null =>
      validateBlock(ctx, { ...block, header: { ...block.header, ...patch } });
    expect(bad({ time: t })).toBe('time-not-after-parent');
    expect(bad({ time: t + 60_000 })).toBe('time-in-future');
    expect(bad({ stateRoot: new Uint8Array(32) })).toBe('state-root');
    expect(bad({ validatorSetHash: new Uint8Array(32) })).toBe('validator-set');
    expect(bad({ txRoot: new Uint8Array(32) })).toBe('tx-root');
    expect(bad({ hashLogRoot: new Uint8Array(32) })).toBe('hash-log-root');
  });

  it("fills and checks the block-hash log root: the genesis hash alone, then the node's log", () => {
    const { h, ctx, t, a } = setup();
    const first = buildBlock(ctx, proposal([upload(h.id, a, 1, t + 1)], h.id));
    const genesisLog = LogFrontier.empty();
    genesisLog.append(h.id);
    expect(toHex(first.header.hashLogRoot)).toBe(toHex(genesisLog.root()));
    // Block 1 on another parent than the genesis hash names another log.
    const elsewhere = buildBlock(ctx, proposal([upload(h.id, a, 1, t + 1)], new Uint8Array(32).fill(3)));
    expect(toHex(elsewhere.header.hashLogRoot)).not.toBe(toHex(genesisLog.root()));
    // Later blocks carry the log the context holds, and only at its size.
    const log = { size: 5, root: new Uint8Array(32).fill(7) };
    const at5 = { ...ctx, hashLog: () => log, isVerified: () => true };
    const p5 = { ...proposal([], h.id), height: 5 };
    const b5 = buildBlock(at5, p5);
    expect(toHex(b5.header.hashLogRoot)).toBe(toHex(log.root));
    expect(validateBlock(at5, b5)).toBeNull();
    expect(validateBlock({ ...at5, hashLog: () => ({ size: 4, root: log.root }) }, b5)).toBe('hash-log-root');
  });

  it('checks the block-hash log root of a block received by state transfer', () => {
    const { h, ctx } = setup();
    const log = { size: 5, root: new Uint8Array(32).fill(7) };
    const at5 = { ...ctx, hashLog: () => log };
    const b5 = buildBlock(at5, { ...proposal([], h.id), height: 5 });
    expect(transferredBlockProblem(at5, b5)).toBeNull();
    // Forged: one byte of the root changed; or the node's log not at the block's parent.
    const root = b5.header.hashLogRoot.slice();
    root[0]! ^= 1;
    expect(transferredBlockProblem(at5, { ...b5, header: { ...b5.header, hashLogRoot: root } })).toBe(
      'hash-log-root',
    );
    expect(transferredBlockProblem({ ...at5, hashLog: () => ({ size: 4, root: log.root }) }, b5)).toBe(
      'hash-log-root',
    );
  });

  it('refuses envelopes with a bad signature or an unknown signer unless pre-verified', () => {
    const { h, ctx, t, a } = setup();
    const forged = upload(h.id, a, 1, t + 1);
    forged[forged.length - 1]! ^= 1;
    const block = buildBlock(ctx, proposal([forged], h.id));
    expect(validateBlock(ctx, block)).toBe('envelope-0:bad-signature');
    expect(validateBlock({ ...ctx, isVerified: () => true }, block)).toBeNull();
  });

  it('refuses a block holding one tracing code twice, or one an earlier block holds', () => {
    const { h, ctx, t, a, b } = setup();
    const env = upload(h.id, a, 1, t + 1);
    const other = upload(h.id, b, 1, t + 1);
    const twice = buildBlock(ctx, proposal([env, other, env.slice()], h.id));
    expect(validateBlock({ ...ctx, isVerified: () => true }, twice)).toBe('envelope-1:repeated-in-block');
    const block = buildBlock(ctx, proposal([other, env], h.id));
    const committed = new Set([toHex(tracingCode(env))]);
    const withLookup = { ...ctx, isVerified: () => true, isCommitted: (id: string) => committed.has(id) };
    expect(validateBlock(withLookup, block)).toBe('envelope-1:committed-in-earlier-block');
    committed.clear();
    expect(validateBlock(withLookup, block)).toBeNull();
  });
});
